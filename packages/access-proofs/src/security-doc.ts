/**
 * The generated parts of docs/security.md: the required and attack tables, the deploy-role handler
 * requests and the invariants, each between `<!-- security:<name>:start -->` and `:end -->`
 * markers, rendered from the data and from evaluating every row against the current templates.
 * The prose around them is written by hand; a test regenerates the sections and compares.
 */
import { INVARIANTS } from '@ami-bakery/invariants';
import { type HandlerRequest, loadRequestTable, type RequestSpec, type SkippedPermission } from './handlers.js';
import type { Outcome, Row } from './simulate.js';

export const SECTIONS = ['required', 'attacks', 'handlers', 'invariants', 'open'] as const;
export type SectionName = (typeof SECTIONS)[number];

const marker = (name: string, edge: 'start' | 'end'): string => `<!-- security:${name}:${edge} -->`;

function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** What decided a row, aggregated over its recipes: the decision and the statements (Sids) that made it. */
function result(outcomes: readonly Outcome[]): string {
  const decisions = [...new Set(outcomes.map((o) => o.decision))];
  const reasons = [
    ...new Set(
      outcomes.flatMap((o) =>
        o.decisive.map((d) =>
          d
            .replace(/^(identity|pb|resource) .*?statement /, '$1 ')
            .replace(/arn:[^ ]+/g, '')
            .replace(/\s+/g, ' ')
            .trim(),
        ),
      ),
    ),
  ];
  const recipes = outcomes.filter((o) => o.recipe !== undefined).length;
  return `${decisions.join(' / ')}${recipes > 1 ? ` (${recipes} recipes)` : ''}${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`;
}

export interface EvaluatedRow {
  row: Row;
  outcomes: Outcome[];
}

function rowTable(table: 'required' | 'attacks', rows: readonly EvaluatedRow[]): string {
  return [
    '| id | what | principal | action | resource | evaluated |',
    '|---|---|---|---|---|---|',
    ...rows.map(({ row, outcomes }) => {
      const mark = row.knownDefect ? ' **known defect**' : '';
      const context = row.context
        ? `<br>${Object.entries(row.context)
            .map(([k, v]) => code(`${k}=${Array.isArray(v) ? v.join(',') : v}`))
            .join(' ')}`
        : '';
      const identity = row.identity && row.identity !== 'attached' ? ` (${row.identity} identity)` : '';
      return `| ${row.id} | ${cell(row.title)}${mark} | ${code(row.principal)}${identity} | ${code(row.action)} | ${code(row.resource)}${context} | ${cell(result(outcomes))} |`;
    }),
    '',
    `${rows.length} rows; every one ${table === 'required' ? 'Allowed' : 'Denied'} unless marked as a known defect (see "Open findings").`,
  ].join('\n');
}

/** What a request table entry acts on, in words. */
function actsOn(spec: RequestSpec | undefined): string {
  const on = spec?.on ?? 'self';
  if (on === 'self') return 'the resource';
  if (on === 'slr') return 'AWSServiceRoleForImageBuilder';
  if (on === '*') return '`*` (no resource-level permissions)';
  if (on.startsWith('ref:')) return `what ${code(on.slice(4))} names`;
  if (on.startsWith('profileRole:')) return "the instance profile's role";
  if (on === 'ssmParameters') return 'the SSM parameters the distribution writes';
  if (on.startsWith('s3Uri:') || on.startsWith('s3Bucket:')) return `the S3 location in ${code(on.split(':')[1] as string)}`;
  return code(on);
}

function handlerTable(
  requests: readonly HandlerRequest[],
  skipped: readonly SkippedPermission[],
  decisions: ReadonlyMap<HandlerRequest, Outcome>,
): string {
  const table = loadRequestTable();
  const keys = [
    ...new Set([...requests.map((r) => `${r.type}|${r.handler}|${r.action}`), ...skipped.map((s) => `${s.type}|${s.handler}|${s.action}`)]),
  ].sort();
  const lines = keys.map((key) => {
    const [type, handler, action] = key.split('|') as [string, string, string];
    const mine = requests.filter((r) => r.type === type && r.handler === handler && r.action === action);
    const not = skipped.filter((s) => s.type === type && s.handler === handler && s.action === action);
    const beyond = mine.length > 0 && mine.every((r) => r.extra);
    const spec = beyond
      ? table[type]?.extra?.[handler as 'create']?.find((e) => e.action === action)
      : (table[type]?.[action] as RequestSpec | undefined);
    const on = actsOn(spec);
    const keys = Object.keys(spec?.context ?? {});
    const outcome =
      mine.length === 0
        ? `not applicable: ${[...new Set(not.map((s) => s.reason))].join('; ')}`
        : result(mine.map((r) => decisions.get(r) as Outcome)).replace(/ \(\d+ recipes\)/, '') +
          (mine.some((r) => r.knownDefect) ? ' **known defect**' : '');
    const with_ = keys.length > 0 ? ` with ${keys.map(code).join(', ')}` : '';
    return `| ${type.replace('AWS::', '')} | ${handler} | ${code(action)}${beyond ? ' (beyond the schema)' : ''} | ${cell(on)}${with_} | ${mine.length} | ${cell(outcome)} |`;
  });
  return ['| resource type | handler | permission | acts on | requests | evaluated |', '|---|---|---|---|---|---|', ...lines].join('\n');
}

const ENFORCED = {
  cli: '`bakery validate`, `lint`, `build`',
  deployer: 'the deployer, before any change set',
  hook: 'the Guard hook on every recipe stack',
};

function invariantTable(): string {
  return [
    '| id | slug | what always holds | recipe rule it backs | enforced by |',
    '|---|---|---|---|---|',
    ...INVARIANTS.map(
      (i) =>
        `| ${i.id} | ${code(i.slug)} | ${cell(i.description)} | ${i.recipeRule ?? ''} | ${ENFORCED.cli}; ${ENFORCED.deployer}; ${ENFORCED.hook} |`,
    ),
  ].join('\n');
}

function openFindings(rows: readonly EvaluatedRow[], requests: readonly HandlerRequest[]): string {
  const marks = new Map<string, string[]>();
  for (const { row } of rows) if (row.knownDefect) marks.set(row.knownDefect, [...(marks.get(row.knownDefect) ?? []), row.id]);
  for (const request of requests)
    if (request.knownDefect) {
      const label = `${request.type} ${request.handler} ${request.action}`;
      const list = marks.get(request.knownDefect) ?? [];
      if (!list.includes(label)) marks.set(request.knownDefect, [...list, label]);
    }
  if (marks.size === 0) return 'None: every row has the outcome its table wants.';
  return [...marks].map(([text, ids]) => `- ${ids.join(', ')}: ${cell(text)}`).join('\n');
}

export interface DocInputs {
  required: readonly EvaluatedRow[];
  attacks: readonly EvaluatedRow[];
  requests: readonly HandlerRequest[];
  skipped: readonly SkippedPermission[];
  decisions: ReadonlyMap<HandlerRequest, Outcome>;
}

export function renderSections(inputs: DocInputs): Record<SectionName, string> {
  return {
    required: rowTable('required', inputs.required),
    attacks: rowTable('attacks', inputs.attacks),
    handlers: handlerTable(inputs.requests, inputs.skipped, inputs.decisions),
    invariants: invariantTable(),
    open: openFindings([...inputs.required, ...inputs.attacks], inputs.requests),
  };
}

/** `text` with every marked section replaced; throws when a marker pair is missing. */
export function withSections(text: string, sections: Record<SectionName, string>): string {
  let out = text;
  for (const name of SECTIONS) {
    const start = out.indexOf(marker(name, 'start'));
    const end = out.indexOf(marker(name, 'end'));
    if (start < 0 || end < start) throw new Error(`docs/security.md has no ${marker(name, 'start')} ... ${marker(name, 'end')} section`);
    out = `${out.slice(0, start + marker(name, 'start').length)}\n${sections[name]}\n${out.slice(end)}`;
  }
  return out;
}
