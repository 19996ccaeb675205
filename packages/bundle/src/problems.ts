/**
 * What is wrong with a bundle, each with a stable id. Every check reports and goes on, so one
 * verification names every problem of every recipe at once.
 */

/** One problem found in a bundle. `recipe` and `path` are set when the problem belongs to one. */
interface BundleProblem {
  readonly id: ProblemId;
  readonly recipe?: string;
  /** Path inside the bundle (`/`-separated), e.g. `recipes/al2023/template.yaml`. */
  readonly path?: string;
  readonly message: string;
}

/** The catalogue: id -> short name. Ids never change meaning; new problems get new ids. */
const PROBLEMS = {
  BUNDLE001: 'manifest-missing',
  BUNDLE002: 'manifest-unreadable',
  BUNDLE003: 'format-version',
  BUNDLE004: 'manifest-field',
  BUNDLE005: 'unknown-field',
  BUNDLE006: 'recipe-name',
  BUNDLE007: 'duplicate-recipe',
  BUNDLE008: 'recipes-unsorted',
  BUNDLE009: 'template-path',
  BUNDLE010: 'file-missing',
  BUNDLE011: 'extra-file',
  BUNDLE012: 'unsafe-path',
  BUNDLE013: 'template-hash',
  BUNDLE014: 'recipe-manifest-mismatch',
  BUNDLE015: 'recipe-manifest-unreadable',
  BUNDLE016: 'template-encoding',
  BUNDLE017: 'template-syntax',
  BUNDLE018: 'template-shape',
  BUNDLE019: 'template-too-large',
  BUNDLE020: 'bundle-too-large',
  BUNDLE021: 'resource-type',
  BUNDLE022: 'parameters-mismatch',
  BUNDLE023: 'unknown-parameter',
  BUNDLE024: 'retired-conflict',
  BUNDLE025: 'template-limit',
  BUNDLE026: 'archive',
  BUNDLE027: 'stack-name',
  BUNDLE028: 'file-too-large',
  BUNDLE029: 'catalog-hash',
  BUNDLE030: 'catalog-invalid',
} as const;

type ProblemId = keyof typeof PROBLEMS;

function problem(id: ProblemId, message: string, where: { recipe?: string | undefined; path?: string | undefined } = {}): BundleProblem {
  return {
    id,
    ...(where.recipe !== undefined ? { recipe: where.recipe } : {}),
    ...(where.path !== undefined ? { path: where.path } : {}),
    message,
  };
}

/** Stable order for output: by path, then recipe, then id, then message. */
function sortProblems(problems: readonly BundleProblem[]): BundleProblem[] {
  const key = (p: BundleProblem) => [p.path ?? '', p.recipe ?? '', p.id, p.message];
  return [...problems].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i += 1) {
      const x = ka[i] as string;
      const y = kb[i] as string;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  });
}

/** One line per problem: `BUNDLE013 recipes/a/template.yaml (a): message`. */
function formatProblems(problems: readonly BundleProblem[]): string {
  return sortProblems(problems)
    .map((p) => {
      const where = [p.path, p.recipe && p.path === undefined ? `recipe ${p.recipe}` : undefined].filter(Boolean).join(' ');
      return `${p.id}${where ? ` ${where}` : ''}: ${p.message}`;
    })
    .join('\n');
}

export { type BundleProblem, formatProblems, PROBLEMS, type ProblemId, problem, sortProblems };
