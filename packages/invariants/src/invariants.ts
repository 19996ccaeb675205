/**
 * The security invariants of a recipe stack: one Guard rule file each under ../rules/, the one
 * rule set that `bakery validate`/`lint`, the deployer and the bakery account's Guard hook run.
 * This table is their metadata (id, slug, what it protects); a test keeps it and the files in step.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Invariant {
  /** `RB6` + three digits: area 6 of the rule ids is the security invariants. */
  id: string;
  slug: string;
  /** The Guard rule name(s) in the file (rb<digits>_<slug with underscores>). */
  guardRule: string;
  /** The rule file, relative to the rules folder. */
  file: string;
  /** One sentence: what always holds. */
  description: string;
  /** The recipe rule that catches the same mistake earlier in the recipe (suppressing it is an error too). */
  recipeRule?: string;
}

export const INVARIANTS: readonly Invariant[] = [
  {
    id: 'RB6001',
    slug: 'no-public-launch-permission',
    description: 'No AMI of a recipe stack is shared with every AWS account (no launch permission UserGroups "all").',
    recipeRule: 'RB3006',
  },
  {
    id: 'RB6002',
    slug: 'imdsv2-required',
    description: 'Build and test instances require IMDSv2 (HttpTokens "required").',
    recipeRule: 'RB3003',
  },
  {
    id: 'RB6003',
    slug: 'encrypted-volumes',
    description: 'Every EBS volume of an image recipe, the root volume included, is encrypted.',
    recipeRule: 'RB3004',
  },
  {
    id: 'RB6004',
    slug: 'role-permissions-boundary',
    description:
      'Every role of a recipe stack carries a bakery permissions boundary (Ref PermissionsBoundaryArn or LifecyclePermissionsBoundaryArn).',
  },
  {
    id: 'RB6005',
    slug: 'role-service-trust',
    description: 'Every role of a recipe stack trusts only the EC2 or Image Builder service principal, with sts:AssumeRole only.',
  },
  {
    id: 'RB6006',
    slug: 'no-privilege-escalation-policy',
    description: 'No policy of a recipe stack allows "*", an iam: wildcard, sts:AssumeRole on "*", or NotAction/NotResource.',
  },
  {
    id: 'RB6007',
    slug: 'no-public-key-policy',
    description: 'No KMS key policy of a recipe stack allows the "*" principal.',
  },
  {
    id: 'RB6008',
    slug: 'allowed-resource-types',
    description: 'A recipe stack holds only Image Builder resources, IAM roles and instance profiles, and no Transform.',
  },
  {
    id: 'RB6009',
    slug: 'attachable-managed-policies',
    description:
      'Recipe roles attach only AmazonSSMManagedInstanceCore, EC2InstanceProfileForImageBuilder and EC2ImageBuilderLifecycleExecutionPolicy.',
  },
  {
    id: 'RB6010',
    slug: 'generated-iam-names',
    description: 'Roles and instance profiles of a recipe stack have generated names under the IAM path /<stack name>/.',
  },
].map((invariant) => ({
  ...invariant,
  guardRule: `${invariant.id.toLowerCase()}_${invariant.slug.replaceAll('-', '_')}`,
  file: `${invariant.id.toLowerCase()}-${invariant.slug}.guard`,
}));

/** Folder of the `.guard` files (what the deployer and the Guard hook ship). */
export const RULES_DIR = fileURLToPath(new URL('../rules/', import.meta.url));

/** The rule files in name order: `{ name, content }`. */
export function ruleFiles(dir: string = RULES_DIR): { name: string; content: string }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.guard'))
    .sort()
    .map((name) => ({ name, content: readFileSync(path.join(dir, name), 'utf8') }));
}

/**
 * The whole rule set as one Guard file, for a consumer that takes a single file (the Guard hook's
 * RuleLocation): the files joined in name order. Every file names its variables with its own
 * rule id, so joining them changes no meaning (a test checks the verdicts are the same).
 */
export function ruleSetText(dir: string = RULES_DIR): string {
  return ruleFiles(dir)
    .map(({ name, content }) => `# ---- ${name} ----\n${content.trimEnd()}\n`)
    .join('\n');
}

/** The invariant a Guard rule name belongs to (`rb6004_…` -> RB6004). */
export function invariantOfRule(ruleName: string): Invariant | undefined {
  const id = /^rb(\d{4})_/i.exec(ruleName)?.[1];
  return id === undefined ? undefined : INVARIANTS.find((invariant) => invariant.id === `RB${id}`);
}

/** Ids of the recipe rules that an invariant backs: suppressing one of them is an error. */
export const RECIPE_RULES_BACKED_BY_INVARIANTS: ReadonlyMap<string, Invariant> = new Map(
  INVARIANTS.filter((invariant) => invariant.recipeRule !== undefined).map((invariant) => [invariant.recipeRule as string, invariant]),
);
