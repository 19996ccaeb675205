/**
 * YAML syntax problems in the words a person uses, at the line the author has to fix.
 *
 * The parser recovers after an error and usually reports the same mistake several more times
 * (one badly indented line gives up to seven errors), and it reports some mistakes on the line
 * before the one to fix ("Implicit keys need to be on a single line" for a key indented one
 * space too far). So only the first syntax error is explained (RB0001), at the line where the
 * author must act; duplicate keys (RB0003) and tab indentation (RB0004) are independent and are
 * reported each. At most {@link MAX_PARSE_FINDINGS} parse findings come out of one file.
 */
import type { YAMLError } from 'yaml';

/** Most parse findings one file yields: the first syntax error plus independent duplicate keys and tabs. */
export const MAX_PARSE_FINDINGS = 3;

export interface Explained {
  code: 'syntax' | 'duplicate' | 'tab';
  /** Offsets in the text: where the finding points. */
  from: number;
  to: number;
  message: string;
}

interface Line {
  number: number;
  start: number;
  text: string;
  indent: number;
  blank: boolean;
}

/** The findings for a document's parse errors, in text order, at most MAX_PARSE_FINDINGS. */
export function explainErrors(text: string, errors: readonly YAMLError[]): Explained[] {
  const lines = splitLines(text);
  const explained: Explained[] = [];
  const syntax = errors.filter((e) => e.code !== 'DUPLICATE_KEY' && e.code !== 'TAB_AS_INDENT');
  const first = syntax.sort((a, b) => a.pos[0] - b.pos[0])[0];
  for (const tab of errors.filter((e) => e.code === 'TAB_AS_INDENT')) {
    const line = lineAt(lines, tab.pos[0]);
    explained.push({
      code: 'tab',
      from: line.start,
      to: line.start + Math.max(1, line.indent),
      message: `Line ${line.number} is indented with a tab; YAML allows only spaces for indentation. Replace the tab with spaces.`,
    });
  }
  // A tab error already explains the line; the parser's follow-up errors on it would repeat it.
  if (first && !explained.some((e) => lineAt(lines, e.from).number === lineAt(lines, first.pos[0]).number)) {
    explained.push(explainSyntax(text, lines, first));
  }
  explained.push(
    ...explainDuplicates(
      text,
      lines,
      errors.filter((e) => e.code === 'DUPLICATE_KEY'),
    ),
  );
  return explained.sort((a, b) => a.from - b.from).slice(0, MAX_PARSE_FINDINGS);
}

function explainSyntax(text: string, lines: Line[], error: YAMLError): Explained {
  const at = lineAt(lines, Math.min(error.pos[0], Math.max(0, text.length - 1)));
  const whole = (line: Line, message: string): Explained => ({
    code: 'syntax',
    from: line.start + line.indent,
    to: line.start + line.text.length,
    message,
  });
  switch (error.code) {
    case 'MULTILINE_IMPLICIT_KEY':
    case 'BLOCK_AS_IMPLICIT_KEY': {
      const own = at.text.slice(at.indent);
      // `a: b: c` on one line: the value holds ': '.
      if (
        error.code === 'BLOCK_AS_IMPLICIT_KEY' &&
        /:\s+\S.*:\s/.test(own) &&
        lineAt(lines, error.pos[1] - 1).number === at.number &&
        !nextContent(lines, at)?.text.trim()
      ) {
        return whole(
          at,
          `Line ${at.number} has a second ': ' inside its value, which YAML reads as a nested map; quote the value, e.g. key: "a: b".`,
        );
      }
      if (!own.includes(':') && !own.startsWith('- ')) {
        return whole(at, `Line ${at.number} has no ':' after its key; write it as key: value.`);
      }
      const item = misalignedListItem(lines, at);
      if (item) return whole(at, item);
      const next = nextContent(lines, at);
      if (next && next.indent > at.indent && !/[:|>-]\s*(#.*)?$/.test(at.text.trimEnd())) {
        return whole(
          next,
          `Line ${next.number} is indented more (${next.indent} spaces) than line ${at.number} (${at.indent}), so YAML reads it as part of the value on line ${at.number}. Indent it like line ${at.number}, or quote the value if it spans both lines.`,
        );
      }
      return whole(
        at,
        `Line ${at.number} cannot be read as key: value; check its indentation and that a value holding ': ' or ' #' is quoted.`,
      );
    }
    case 'MISSING_CHAR': {
      if (/quote/i.test(error.message)) {
        const opening = openingQuote(lines, at);
        return opening
          ? whole(opening, `The quoted value on line ${opening.number} has no closing quote; add it at the end of the value.`)
          : whole(at, 'A quoted value has no closing quote; add it at the end of the value.');
      }
      const block = enclosingBlockScalar(lines, at);
      if (block) {
        return whole(
          at,
          `Line ${at.number} is indented less (${at.indent} spaces) than the text of the block (${block.indicator}) that starts on line ${block.line.number}, so it ends that text and YAML cannot read it. Indent it at least ${block.contentIndent} spaces, like the rest of the text.`,
        );
      }
      const previous = previousContent(lines, at);
      return whole(
        at,
        `Line ${at.number} is indented ${at.indent} spaces, which matches none of the keys or list items above it${previous ? ` (line ${previous.number} has ${previous.indent})` : ''}; line it up with the key or the '- ' it belongs to.`,
      );
    }
    case 'BAD_INDENT': {
      const flow = /^Flow (sequence|map)/.exec(error.message);
      if (flow) {
        const bracket = flow[1] === 'sequence' ? '[' : '{';
        const close = flow[1] === 'sequence' ? ']' : '}';
        const opening = text.lastIndexOf(bracket, Math.max(0, error.pos[0] - 1));
        const line = lineAt(lines, opening >= 0 ? opening : error.pos[0]);
        const from = opening >= 0 ? opening : line.start + line.indent;
        return {
          code: 'syntax',
          from,
          to: from + 1,
          message: `The ${bracket} on line ${line.number} is never closed: end the ${flow[1] === 'sequence' ? 'list' : 'map'} with ${close} on the same line${flow[1] === 'sequence' ? ", or write its entries on lines of their own, each starting with '- '" : ''}.`,
        };
      }
      const previous = previousContent(lines, at);
      return whole(
        at,
        `Line ${at.number} starts at a different column than the items it belongs with${previous ? ` (line ${previous.number} starts at column ${previous.indent + 1})` : ''}; line it up with them.`,
      );
    }
    case 'BAD_SCALAR_START': {
      const character = text.charAt(error.pos[0]);
      return {
        code: 'syntax',
        from: error.pos[0],
        to: error.pos[0] + 1,
        message: `A value cannot start with ${character} unquoted; put the value in quotes, e.g. '${character}...'.`,
      };
    }
    default:
      return whole(
        at,
        `Line ${at.number} is not valid YAML (${firstSentence(error.message)}); check the indentation and the quoting of this line and the one above.`,
      );
  }
}

/** Duplicate keys: the keys repeated in one map are one finding (usually two entries run together). */
function explainDuplicates(text: string, lines: Line[], errors: readonly YAMLError[]): Explained[] {
  const groups: YAMLError[][] = [];
  for (const error of [...errors].sort((a, b) => a.pos[0] - b.pos[0])) {
    const group = groups.at(-1);
    const last = group?.at(-1);
    // Consecutive lines at the same indentation: the same map, one defect.
    const line = lineAt(lines, error.pos[0]);
    if (group && last && lineAt(lines, last.pos[0]).number + 1 >= line.number - 1 && lineAt(lines, last.pos[0]).indent === line.indent)
      group.push(error);
    else groups.push([error]);
  }
  return groups.map((group) => {
    const head = group[0] as YAMLError;
    const keys = group.map((e) => keyAt(text, e.pos[0]));
    const line = lineAt(lines, head.pos[0]);
    if (group.length === 1) {
      return {
        code: 'duplicate',
        from: head.pos[0],
        to: Math.max(head.pos[1], head.pos[0] + 1),
        message: `'${keys[0]}' is already set in this map above; YAML keeps only one of them. Remove or rename one.`,
      };
    }
    return {
      code: 'duplicate',
      from: head.pos[0],
      to: Math.max(head.pos[1], head.pos[0] + 1),
      message: `${keys.map((k) => `'${k}'`).join(', ')} are already set in this map above: two entries seem to have run together at line ${line.number}. Start the second one with '- ' (a new list entry), or remove the repeated keys.`,
    };
  });
}

/** The key that starts at `offset`: the text up to its ': ' (quotes removed). */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset, text.indexOf('\n', offset) < 0 ? text.length : text.indexOf('\n', offset));
  const key = /^("[^"]*"|'[^']*'|[^:#]*?)\s*:(\s|$)/.exec(rest)?.[1] ?? rest.trim();
  return key.replace(/^["']|["']$/g, '') || '?';
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  let number = 1;
  for (const raw of text.split('\n')) {
    const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const indent = lineText.length - lineText.replace(/^[ \t]*/, '').length;
    const trimmed = lineText.trim();
    lines.push({ number, start, text: lineText, indent, blank: trimmed === '' || trimmed.startsWith('#') });
    start += raw.length + 1;
    number += 1;
  }
  return lines;
}

function lineAt(lines: Line[], offset: number): Line {
  let found = lines[0] as Line;
  for (const line of lines) {
    if (line.start > offset) break;
    found = line;
  }
  return found;
}

function nextContent(lines: Line[], after: Line): Line | undefined {
  return lines.slice(after.number).find((l) => !l.blank);
}

function previousContent(lines: Line[], before: Line): Line | undefined {
  return lines
    .slice(0, before.number - 1)
    .reverse()
    .find((l) => !l.blank);
}

/** A '- ' line one or two columns off the items of its list, and how to fix it. */
function misalignedListItem(lines: Line[], at: Line): string | undefined {
  if (!at.text.trimStart().startsWith('- ')) return undefined;
  for (let n = at.number - 2; n >= 0; n--) {
    const line = lines[n] as Line;
    if (line.blank) continue;
    if (line.text.trimStart().startsWith('- ') && line.indent !== at.indent && Math.abs(line.indent - at.indent) <= 2) {
      return `Line ${at.number} starts a list item at column ${at.indent + 1}, but the items of this list start at column ${line.indent + 1} (line ${line.number}); line the '- ' up with them.`;
    }
    if (line.indent < Math.min(at.indent, line.indent + 1) && !line.text.trimStart().startsWith('- ')) break;
  }
  return undefined;
}

/** The nearest block scalar (| or >) above `line` whose text is indented more than `line`. */
function enclosingBlockScalar(lines: Line[], line: Line): { line: Line; indicator: string; contentIndent: number } | undefined {
  for (let n = line.number - 2; n >= 0; n--) {
    const candidate = lines[n] as Line;
    if (candidate.blank) continue;
    const indicator = /(?:^|[:-]\s)\s*([|>][-+0-9]*)\s*(#.*)?$/.exec(candidate.text.trimEnd())?.[1];
    if (indicator) {
      const content = lines.slice(n + 1, line.number - 1).find((l) => l.text.trim() !== '');
      if (content && content.indent > line.indent) return { line: candidate, indicator, contentIndent: content.indent };
      return undefined;
    }
    if (candidate.indent <= line.indent) return undefined;
  }
  return undefined;
}

/** The line whose quoted value has no closing quote: the last one before `at` with an odd number of quotes. */
function openingQuote(lines: Line[], at: Line): Line | undefined {
  for (let n = at.number - 1; n >= 0; n--) {
    const line = lines[n] as Line;
    const doubles = (line.text.match(/(?<!\\)"/g) ?? []).length;
    const singles = (line.text.replace(/''/g, '').match(/'/g) ?? []).length;
    if (doubles % 2 === 1 || (singles % 2 === 1 && /:\s*'/.test(line.text))) return line;
  }
  return undefined;
}

function firstSentence(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/[.:]\s*$/, '').replace(/^\w/, (c) => c.toLowerCase());
}
