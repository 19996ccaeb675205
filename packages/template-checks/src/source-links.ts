/**
 * Findings on a generated template point back at what the author edits. The bundler records,
 * for each template value it wrote, the recipe or component file and JSON path it came from.
 */
import path from 'node:path';
import { type Finding, type JsonPath, type ParsedYaml, parseYaml, rangeOf, readInputFile } from '@ami-bakery/recipe-schema';

/** "The template value at `templatePath` came from `file` (display path) at JSON path `path`." */
export interface SourceLink {
  templatePath: JsonPath;
  file: string;
  path: JsonPath;
}

/** Returns the text of a source file by its display path, or `undefined` when it cannot be read. */
export type ReadSource = (file: string) => string | undefined;

/**
 * Re-locate a template finding at its source: the deepest link whose `templatePath` is a prefix
 * of the finding's path wins. The finding keeps its template location when no link matches or
 * the source cannot be read.
 *
 * The rest of the finding's path below the link is not followed into the source: a recipe and
 * the template it generates have different shapes, so the link's own node is the honest answer.
 */
export function mapToSource(finding: Finding, links: readonly SourceLink[], readSource: ReadSource): Finding {
  let best: SourceLink | undefined;
  for (const link of links) {
    if (!isPrefix(link.templatePath, finding.path)) continue;
    if (best === undefined || link.templatePath.length > best.templatePath.length) best = link;
  }
  if (best === undefined) return finding;
  const parsed = parsedSource(best.file, readSource);
  if (parsed === undefined) return finding;
  return { ...finding, file: best.file, range: rangeOf(parsed, best.path), path: best.path };
}

/** A `ReadSource` reading display paths relative to `cwd` from disk. */
export function readSourceFrom(cwd: string = process.cwd()): ReadSource {
  return (file) => {
    // Sources are recipe and component files: read like any input, never through a link leading out of their folder.
    const absolute = path.resolve(cwd, file);
    const read = readInputFile(absolute, { root: path.dirname(absolute) });
    return read.ok ? read.text : undefined;
  };
}

function isPrefix(prefix: JsonPath, full: JsonPath): boolean {
  if (prefix.length > full.length) return false;
  return prefix.every((segment, index) => String(segment) === String(full[index]));
}

// A template yields many findings per source file: parse each (file, text) pair once.
const parseCache = new Map<string, ParsedYaml>();
const PARSE_CACHE_LIMIT = 64;

function parsedSource(file: string, readSource: ReadSource): ParsedYaml | undefined {
  const text = readSource(file);
  if (text === undefined) return undefined;
  const key = `${file}\u0000${text}`;
  let parsed = parseCache.get(key);
  if (parsed === undefined) {
    parsed = parseYaml(text, file).parsed;
    if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.delete(parseCache.keys().next().value as string);
    parseCache.set(key, parsed);
  }
  return parsed;
}
