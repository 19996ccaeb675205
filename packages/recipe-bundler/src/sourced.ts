/**
 * Source links. While the template is built, every value taken from a recipe or component file
 * is wrapped in a `Sourced` marker that remembers where it came from. `resolveSources` then
 * unwraps the markers and records, for each one, the JSON path it ended up at in the template.
 * This keeps the link table exact without hand-maintaining template paths next to the builder.
 */
import type { JsonPath } from '@ami-bakery/recipe-schema';

/**
 * One template value derived from a value in a file the author edits. Containers are linked as
 * well as leaves, so a finding on a value the bundler defaulted (no link of its own) still finds
 * its closest authored ancestor: use `linkFor`.
 */
export interface SourceLink {
  /** JSON path of the value in the generated template. */
  templatePath: JsonPath;
  /** File the value comes from, relative to the working directory (posix separators). */
  file: string;
  /** JSON path of the value in that file. */
  path: JsonPath;
}

const SOURCED = Symbol('ami-bakery.sourced');

export interface Sourced {
  readonly [SOURCED]: true;
  readonly value: unknown;
  readonly file: string;
  readonly path: JsonPath;
}

export function sourced(value: unknown, file: string, path: JsonPath): Sourced {
  return { [SOURCED]: true, value, file, path };
}

export function isSourced(value: unknown): value is Sourced {
  return typeof value === 'object' && value !== null && SOURCED in value;
}

/** Plain value of a possibly wrapped value (for decisions made while building). */
export function plain<T = unknown>(value: unknown): T {
  return (isSourced(value) ? plain(value.value) : value) as T;
}

/** Unwraps every marker in `node`; links are appended in document order. */
export function resolveSources(node: unknown, links: SourceLink[], at: JsonPath = []): unknown {
  if (isSourced(node)) {
    links.push({ templatePath: at, file: node.file, path: node.path });
    return resolveSources(node.value, links, at);
  }
  if (Array.isArray(node)) return node.map((item, index) => resolveSources(item, links, [...at, index]));
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (value === undefined) continue;
      out[key] = resolveSources(value, links, [...at, key]);
    }
    return out;
  }
  return node;
}

/**
 * The link for a template path: the one with the longest `templatePath` that is a prefix of
 * `templatePath` (so `Resources/X/Properties/Ebs/Encrypted` falls back to the block device
 * mapping the author wrote). Undefined when nothing in the template path came from a file.
 */
export function linkFor(links: readonly SourceLink[], templatePath: JsonPath): SourceLink | undefined {
  let best: SourceLink | undefined;
  for (const link of links) {
    if (link.templatePath.length > templatePath.length) continue;
    if (!link.templatePath.every((segment, i) => String(segment) === String(templatePath[i]))) continue;
    if (!best || link.templatePath.length > best.templatePath.length) best = link;
  }
  return best;
}
