import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyFixture, tempDir } from './fixtures.js';
import { GitRepo } from './git-repo.js';

/** A git repository holding one fixture recipe under `recipes/<fixture>`, committed on main. */
export class RecipeRepo {
  readonly repo: GitRepo;
  readonly recipeDir: string;
  readonly relativeDir: string;
  readonly base: string;
  private readonly cleanupDir: () => void;

  constructor(fixture: string) {
    const { dir, cleanup } = tempDir('bakery-gate');
    this.cleanupDir = cleanup;
    this.repo = GitRepo.init(dir);
    this.relativeDir = `recipes/${fixture}`;
    mkdirSync(path.join(dir, 'recipes'), { recursive: true });
    this.recipeDir = copyFixture(fixture, path.join(dir, this.relativeDir));
    this.base = this.repo.commitAll('add recipe');
  }

  get dir(): string {
    return this.repo.dir;
  }

  read(file: string): string {
    return readFileSync(path.join(this.recipeDir, file), 'utf8');
  }

  write(file: string, content: string): void {
    writeFileSync(path.join(this.recipeDir, file), content);
  }

  edit(file: string, change: (text: string) => string): void {
    const before = this.read(file);
    const after = change(before);
    if (after === before) throw new Error(`edit of ${file} changed nothing`);
    this.write(file, after);
  }

  /** 1-based line of the first line containing `needle`. */
  lineOf(file: string, needle: string): number {
    const index = this.read(file)
      .split('\n')
      .findIndex((line) => line.includes(needle));
    if (index < 0) throw new Error(`${needle} not in ${file}`);
    return index + 1;
  }

  cleanup(): void {
    this.cleanupDir();
  }
}
