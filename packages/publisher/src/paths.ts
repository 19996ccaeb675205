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

export { ancestorFolders, comparePaths };
