import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { execaSync } from 'execa';

/** A throwaway git repository; commits never sign and never read the user's git config. */
export class GitRepo {
  constructor(readonly dir: string) {}

  static init(dir: string): GitRepo {
    const repo = new GitRepo(dir);
    repo.git('init', '-q', '-b', 'main');
    return repo;
  }

  git(...args: string[]): string {
    return execaSync(
      'git',
      ['-c', 'user.name=Bakery Test', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args],
      {
        cwd: this.dir,
        env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
      },
    ).stdout;
  }

  commitAll(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  write(relative: string, content: string): void {
    writeFileSync(path.join(this.dir, relative), content);
  }
}
