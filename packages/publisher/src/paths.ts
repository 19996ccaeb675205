/**
 * Orders paths by UTF-16 code units, never by locale, so plans, zips and records come out the same
 * on every machine.
 */
function comparePaths(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** The folders that contain `filePath`, outermost first, with `''` for the root. */
function ancestorFolders(filePath: string): string[] {
  const parts = filePath.split('/');
  const folders = [''];
  for (let i = 1; i < parts.length; i += 1) folders.push(parts.slice(0, i).join('/'));
  return folders;
}

/**
 * The folder bundle format 1 carried the bakery stack in (`bakery/bakery-stack.template.json`).
 * Format 2 has no place for it: the bakery stack is control plane, and the deployer refuses a
 * source artifact that still holds it (BUNDLE011). Publish removes it from the target whether its
 * record lists it or not.
 */
const FORMAT1_FOLDER = 'bakery';

function isFormat1Leftover(filePath: string): boolean {
  return filePath.startsWith(`${FORMAT1_FOLDER}/`);
}

export { ancestorFolders, comparePaths, FORMAT1_FOLDER, isFormat1Leftover };
