/**
 * The version gate. Image Builder components and recipes are immutable per name + version, so
 * content that changed under an unchanged version fails at deploy time (G1, G2). This catches it
 * before merge, against the git base that `nx affected` uses, and names the fix.
 */
import path from 'node:path';
import {
  applySuppressions,
  displayPath,
  ENGINE_RULES,
  type Finding,
  hitToFinding,
  type ParsedYaml,
  parseYaml,
  type RuleMeta,
  readInputFile,
  registerRuleMeta,
  sortFindings,
} from '@ami-bakery/recipe-schema';
import { RECIPE_FILE } from './bundle.js';
import { compareWithBase, entryVersionPath } from './compare.js';
import { type GitRunner, resolveBase, runGit } from './git.js';
import { formatSemVer } from './semver.js';

export const VERSION_RULES = {
  notBumped: {
    id: 'RB4001',
    slug: 'version-not-bumped',
    severity: 'error',
    description:
      'A recipe whose image-recipe content (parent image, components, tests, description, root volume, working directory, platform) or local component document changed since the git base has a higher version; settings that update in place (schedule, distribution, tags, build instances, testing, scanning, lifecycle) need no bump.',
  },
  decreased: {
    id: 'RB4002',
    slug: 'version-decreased',
    severity: 'error',
    description: 'Recipe and local component versions never go down compared with the git base.',
  },
  gateSkipped: {
    id: 'RB4003',
    slug: 'version-gate-skipped',
    severity: 'info',
    description: 'The version gate ran (it is skipped, with this notice, when there is no git repository or base).',
  },
  gateUnresolved: {
    id: 'RB4004',
    slug: 'version-gate-base-on-ci',
    severity: 'error',
    description:
      'On CI (CI=true) the version gate has its git base: a shallow clone, an unknown NX_BASE or a checkout without git history is an error, never a skip.',
  },
} as const satisfies Record<string, RuleMeta>;

registerRuleMeta(...Object.values(VERSION_RULES));

export interface CheckVersionsOptions {
  /** Git ref to compare with; default BAKERY_BASE, then NX_BASE, then the merge-base of HEAD with origin/main or main. */
  base?: string;
  /** Paths in findings are relative to this folder; default `process.cwd()`. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  git?: GitRunner;
  /** The bump command named in messages; `<recipe>` is replaced by the recipe name. */
  bumpCommand?: string;
}

const DEFAULT_BUMP_COMMAND = 'pnpm bakery bump <recipe>';

export function checkVersions(recipeDir: string, options: CheckVersionsOptions = {}): Finding[] {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const git = options.git ?? runGit;
  const dir = path.resolve(cwd, recipeDir);
  const recipePath = path.join(dir, RECIPE_FILE);
  const display = displayPath(cwd, recipePath);
  const read = readInputFile(recipePath, { root: dir });
  if (!read.ok) return []; // validation reports an unreadable recipe
  const text = read.text;
  const { parsed, ok } = parseYaml(text, display);
  if (!ok) return [];

  const resolved = resolveBase(dir, { base: options.base, env: options.env, git });
  if (!resolved.ok) {
    const env = options.env ?? process.env;
    if (env.CI === 'true') {
      // On CI a skipped gate would let a changed recipe through under its old version.
      const message = `The version gate cannot run on CI: ${resolved.reason}. Give the job the full git history (actions/checkout with fetch-depth: 0, or git fetch --unshallow origin) and a base git knows (BAKERY_BASE or NX_BASE).`;
      return [hitToFinding(VERSION_RULES.gateUnresolved, { path: ['version'], message }, parsed)];
    }
    return [
      hitToFinding(
        VERSION_RULES.gateSkipped,
        { path: ['version'], message: `Version gate skipped: ${resolved.reason}. Set BAKERY_BASE to the ref to compare with.` },
        parsed,
      ),
    ];
  }
  const { base } = resolved;
  const comparison = compareWithBase(recipePath, display, text, base, git);
  if (!comparison || comparison.isNew) return [];

  const fix = (options.bumpCommand ?? DEFAULT_BUMP_COMMAND).replace('<recipe>', comparison.name);
  const findings: Finding[] = [];
  const versionText = (v: typeof comparison.version) => (v ? formatSemVer(v) : '?');

  if (comparison.move === 'decreased') {
    findings.push(
      hitToFinding(
        VERSION_RULES.decreased,
        {
          path: ['version'],
          message: `Recipe version ${versionText(comparison.version)} is lower than ${versionText(comparison.baseVersion)} at ${base.ref}; versions never go back. Set a version above ${versionText(comparison.baseVersion)} or run \`${fix}\`.`,
        },
        parsed,
      ),
    );
  } else if (comparison.contentChanged && comparison.move === 'same') {
    // Only content behind the version counts: schedule, distribution, tags and the build
    // instances update in place and never ask for a bump (compare.ts lists what counts).
    findings.push(
      hitToFinding(
        VERSION_RULES.notBumped,
        {
          path: ['version'],
          message: `The image recipe changed since ${base.ref} (${comparison.changedFields.join(', ')}) but its version is still ${versionText(comparison.version)}; Image Builder recipes are immutable per version. Run \`${fix}\`.`,
        },
        parsed,
      ),
    );
  }
  for (const component of comparison.components) {
    if (component.isNew) continue;
    const at = entryVersionPath(component);
    if (component.move === 'decreased') {
      findings.push(
        hitToFinding(
          VERSION_RULES.decreased,
          {
            path: at,
            message: `Component ${component.relPath} version ${versionText(component.version)} is lower than ${versionText(component.baseVersion)} at ${base.ref}; versions never go back. Set a version above ${versionText(component.baseVersion)} or run \`${fix}\`.`,
          },
          parsed,
        ),
      );
    } else if (component.contentChanged && component.move === 'same') {
      findings.push(
        hitToFinding(
          VERSION_RULES.notBumped,
          {
            path: at,
            message: `Component ${component.relPath} changed since ${base.ref} but its version is still ${versionText(component.version)}; Image Builder components are immutable per version. Run \`${fix}\`.`,
          },
          parsed,
        ),
      );
    }
  }
  return sortFindings(suppress(findings, parsed));
}

/**
 * Recipe suppressions apply to the gate like to any rule. Unused-suppression notices are left to
 * validation, which sees every rule; here they would be reported for suppressions of other rules.
 */
function suppress(findings: Finding[], parsed: ParsedYaml): Finding[] {
  return applySuppressions(findings, parsed).filter((finding) => finding.ruleId !== ENGINE_RULES.unusedSuppression.id);
}
