/** Names and paths a bundle may use. */

/** Recipe names: lower-case letters, digits and single hyphens, 3 to 63 characters (the recipe schema's rule). */
const RECIPE_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const RECIPE_NAME_MIN = 3;
const RECIPE_NAME_MAX = 63;
/** CloudFormation stack names. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;
const SEMVER = /^(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})$/;
const HASH = /^sha256:[0-9a-f]{64}$/;
const COMMIT = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

const MANIFEST_PATH = 'manifest.json';
const RECIPES_DIR = 'recipes';

function isRecipeName(value: unknown): value is string {
  return typeof value === 'string' && value.length >= RECIPE_NAME_MIN && value.length <= RECIPE_NAME_MAX && RECIPE_NAME.test(value);
}

function templatePath(name: string): string {
  return `${RECIPES_DIR}/${name}/template.yaml`;
}

function recipeManifestPath(name: string): string {
  return `${RECIPES_DIR}/${name}/manifest.json`;
}

/**
 * Why a path is unsafe to write anywhere, or undefined: only relative `/`-separated paths of
 * printable segments, none of them `.` or `..`.
 */
function unsafePathReason(path: string): string | undefined {
  if (path === '') return 'the path is empty';
  if (path.length > 1_024) return 'the path is longer than 1,024 characters';
  if (path.startsWith('/')) return 'the path is absolute';
  if (path.includes('\\')) return 'the path contains a backslash';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'the path contains a control character';
  for (const segment of path.split('/')) {
    if (segment === '') return 'the path has an empty segment';
    if (segment === '.' || segment === '..') return `the path has a "${segment}" segment`;
  }
  return undefined;
}

/** JSON-quoted, cut to `max` characters: safe to put any hostile value into a message. */
function quote(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export {
  COMMIT,
  HASH,
  isRecipeName,
  MANIFEST_PATH,
  quote,
  RECIPE_NAME_MAX,
  RECIPE_NAME_MIN,
  RECIPES_DIR,
  recipeManifestPath,
  SEMVER,
  STACK_NAME,
  templatePath,
  unsafePathReason,
};
