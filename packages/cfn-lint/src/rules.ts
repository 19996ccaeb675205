import type { RuleMeta } from '@ami-bakery/recipe-schema';

/** Findings about running cfn-lint itself; cfn-lint's own findings keep their ids (E3002, W2001, ...). */
export const CFN_LINT_RULES = {
  failed: {
    id: 'RB5090',
    slug: 'cfn-lint-failed',
    severity: 'error',
    description: 'cfn-lint ran to completion (no usage or configuration error, no bad region, no crash).',
  },
  missing: {
    id: 'RB5091',
    slug: 'cfn-lint-missing',
    severity: 'error',
    description: 'cfn-lint is installed where CI runs (CI=true); elsewhere a missing cfn-lint only skips it.',
  },
  timeout: {
    id: 'RB5092',
    slug: 'cfn-lint-timeout',
    severity: 'error',
    description: 'cfn-lint finishes within the time allowed.',
  },
  badOutput: {
    id: 'RB5093',
    slug: 'cfn-lint-bad-output',
    severity: 'error',
    description: "cfn-lint's output is the JSON list of matches that `--format json` promises.",
  },
} as const satisfies Record<string, RuleMeta>;
