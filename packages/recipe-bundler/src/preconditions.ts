/**
 * What the template builder relies on, checked once more after validation. The recipe schema
 * is the authority and normally rejects all of this first; the check keeps a schema gap from
 * turning into a crash or a broken template, and reports through the same schema rule ids.
 */
import { type Finding, hitToFinding, type JsonPath, type ParsedYaml, type RuleMeta, SCHEMA_RULES } from '@ami-bakery/recipe-schema';
import { parseSemVer } from './semver.js';

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,99}[a-z0-9])?$/;

export function checkPreconditions(data: unknown, parsed: ParsedYaml): Finding[] {
  const findings: Finding[] = [];
  const report = (rule: RuleMeta, path: JsonPath, message: string) => findings.push(hitToFinding(rule, { path, message }, parsed));
  const recipe = isRecord(data) ? data : {};

  if (typeof recipe.name !== 'string') report(SCHEMA_RULES.required, ['name'], 'Add `name:` (lower-case letters, digits and hyphens).');
  else if (!NAME.test(recipe.name))
    report(SCHEMA_RULES.pattern, ['name'], 'Use lower-case letters, digits and hyphens for `name` (at most 101 characters).');
  if (parseSemVer(recipe.version) === undefined)
    report(SCHEMA_RULES.pattern, ['version'], 'Set `version` to MAJOR.MINOR.PATCH, e.g. 1.0.0.');
  if (recipe.platform !== 'linux' && recipe.platform !== 'windows')
    report(SCHEMA_RULES.enum, ['platform'], 'Set `platform` to linux or windows.');
  if (recipe.architecture !== 'x86_64' && recipe.architecture !== 'arm64')
    report(SCHEMA_RULES.enum, ['architecture'], 'Set `architecture` to x86_64 or arm64.');

  const parent = isRecord(recipe.parentImage) ? recipe.parentImage : undefined;
  const parentKinds = parent
    ? ['ssmParameter', 'managedImage', 'amiId'].filter((key) => typeof parent[key] === 'string' && parent[key] !== '')
    : [];
  if (parentKinds.length !== 1)
    report(SCHEMA_RULES.combination, ['parentImage'], 'Give `parentImage` exactly one of ssmParameter, managedImage or amiId.');

  if (!Array.isArray(recipe.components) || recipe.components.length === 0) {
    report(SCHEMA_RULES.required, ['components'], 'List at least one component under `components`.');
  }
  for (const list of ['components', 'tests'] as const) {
    const entries = recipe[list];
    if (entries === undefined) continue;
    if (!Array.isArray(entries)) {
      report(SCHEMA_RULES.type, [list], `Make \`${list}\` a list of components.`);
      continue;
    }
    entries.forEach((entry, index) => {
      const e = isRecord(entry) ? entry : {};
      const managed = typeof e.managed === 'string' && e.managed !== '';
      const file = typeof e.file === 'string' && e.file !== '';
      const generated = typeof e.generate === 'string' && typeof e.table === 'string' && e.table !== '';
      if ([managed, file, generated].filter(Boolean).length !== 1) {
        report(SCHEMA_RULES.combination, [list, index], 'Give each component exactly one of `managed`, `file` or `generate` with `table`.');
      } else if ((file || generated) && parseSemVer(e.version) === undefined) {
        report(
          SCHEMA_RULES.pattern,
          [list, index, 'version'],
          `Give a ${file ? 'local' : 'generated'} component its own version MAJOR.MINOR.PATCH.`,
        );
      }
    });
  }

  const build = isRecord(recipe.build) ? recipe.build : undefined;
  const types = build?.instanceTypes;
  if (!Array.isArray(types) || types.length === 0 || !types.every((t) => typeof t === 'string')) {
    report(SCHEMA_RULES.required, ['build', 'instanceTypes'], 'List the build instance types under `build.instanceTypes`.');
  }
  return findings;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
