import { InvalidPropertiesError } from './errors.js';

type SourceType = 'CodeCommit' | 'S3';

/** The custom resource's properties after validation (docs/contracts.md). */
interface BootstrapProperties {
  bakeryAccountId: string;
  bakeryRegion: string;
  configurationRoleName: string;
  bakeryStackName: string;
  namePrefix: string;
  repositoryName: string;
  branchName: string;
  sourceType: SourceType;
  sourceObjectKey: string;
  recipeStackPrefix: string;
  organizationId: string;
  managementAccountId: string;
  /** `'all'` or the recipe names to seed, sorted and without duplicates. */
  seedRecipes: 'all' | string[];
  purge: boolean;
  solutionVersion: string;
  /** `'true'` or `'false'`: whether the deployer deletes the stacks of recipes that left the bundle. */
  prune: string;
  deployConcurrency: string;
  evidenceLockMode: string;
  evidenceLockDays: string;
  /** E-mail address subscribed to the image catalog events; `''`: none. */
  notificationEmail: string;
}

interface Rule {
  required: boolean;
  fallback?: string;
  pattern: RegExp;
  fix: string;
  /** Extra checks the pattern cannot express; returns the problem, if any. */
  check?: (value: string) => string | undefined;
}

const BRANCH_FORBIDDEN = [/\.\./, /\/\//, /\/\./, /@\{/, /\.lock$/, /\.$/, /\/$/];

const RULES: Record<string, Rule> = {
  BakeryAccountId: { required: true, pattern: /^\d{12}$/, fix: 'give the bakery account id as 12 digits' },
  BakeryRegion: {
    required: true,
    pattern: /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/,
    fix: 'give exactly one region code such as eu-west-1 (the bakery lives in one region; lists are not supported)',
  },
  ConfigurationRoleName: {
    required: true,
    pattern: /^[\w+=,.@-]{1,64}$/,
    fix: 'give the IAM role name (not its ARN) of the configuration role in the bakery account: 1-64 of A-Z a-z 0-9 _+=,.@-',
  },
  BakeryStackName: {
    required: true,
    pattern: /^[A-Za-z][A-Za-z0-9-]{0,127}$/,
    fix: 'use a CloudFormation stack name: a letter, then up to 127 letters, digits or hyphens',
  },
  NamePrefix: {
    required: false,
    fallback: 'ami-bakery',
    pattern: /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/,
    fix: 'it becomes part of S3 bucket names: use 2-24 lowercase letters, digits or hyphens, starting with a letter and ending with a letter or digit',
    check: (v) => (v.includes('--') ? 'contains "--"; use single hyphens' : undefined),
  },
  RepositoryName: {
    required: false,
    fallback: 'ami-bakery-recipes',
    pattern: /^[\w.-]{1,100}$/,
    fix: 'use a CodeCommit repository name: 1-100 letters, digits, ".", "_" or "-"',
    check: (v) => (v.toLowerCase().endsWith('.git') ? 'ends in ".git", which CodeCommit rejects; drop the suffix' : undefined),
  },
  BranchName: {
    required: false,
    fallback: 'main',
    pattern: /^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$/,
    fix: 'use a git branch name such as main: letters, digits, ".", "_", "-" and "/" (up to 100 characters)',
    check: (v) =>
      BRANCH_FORBIDDEN.some((re) => re.test(v))
        ? 'is not a valid git branch name (no "..", "//", "/.", "@{", and no trailing ".", "/" or ".lock")'
        : undefined,
  },
  SourceType: { required: false, fallback: 'CodeCommit', pattern: /^(CodeCommit|S3)$/, fix: 'use CodeCommit or S3' },
  SourceObjectKey: {
    required: false,
    fallback: 'source/bundle.zip',
    pattern: /^[A-Za-z0-9!_.*'()-][A-Za-z0-9!_.*'()/-]{0,1023}$/,
    fix: 'use an S3 key such as source/bundle.zip: no leading "/", only letters, digits and !_.*\'()/-',
    check: (v) => (v.endsWith('.zip') ? undefined : 'must end in .zip (CodePipeline reads the S3 source as a zip file)'),
  },
  RecipeStackPrefix: {
    required: false,
    fallback: 'ami-bakery-recipe-',
    pattern: /^[A-Za-z][A-Za-z0-9-]{0,63}$/,
    fix: 'use the start of a stack name: a letter, then up to 63 letters, digits or hyphens',
  },
  OrganizationId: {
    required: true,
    pattern: /^o-[a-z0-9]{10,32}$/,
    fix: 'give the organization id, o- followed by 10-32 lowercase letters or digits',
  },
  ManagementAccountId: { required: true, pattern: /^\d{12}$/, fix: 'give the management account id as 12 digits' },
  SeedRecipes: {
    required: false,
    fallback: 'all',
    pattern: /^(all|[a-z0-9][a-z0-9-]*(,[a-z0-9][a-z0-9-]*)*)$/,
    fix: 'use "all" or a comma-separated list of recipe names (lowercase letters, digits, hyphens), without spaces',
  },
  Purge: { required: false, fallback: 'false', pattern: /^(true|false)$/i, fix: 'use true or false' },
  Prune: {
    required: false,
    fallback: 'true',
    pattern: /^(true|false)$/,
    fix: 'use true (the deployer deletes the stacks of recipes that left the bundle) or false',
  },
  DeployConcurrency: { required: false, fallback: '4', pattern: /^([1-9]|1[0-9]|20)$/, fix: 'use a whole number from 1 to 20' },
  EvidenceLockMode: {
    required: false,
    fallback: 'NONE',
    pattern: /^(NONE|GOVERNANCE|COMPLIANCE)$/,
    fix: 'use NONE, GOVERNANCE or COMPLIANCE',
  },
  EvidenceLockDays: { required: false, fallback: '365', pattern: /^[1-9]\d{0,4}$/, fix: 'use a number of days from 1 to 36500' },
  NotificationEmail: {
    required: false,
    fallback: '',
    pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
    fix: 'give one e-mail address such as platform@example.com, or leave it empty for no e-mail of the image catalog events',
  },
  SolutionVersion: {
    required: false,
    fallback: 'unversioned',
    pattern: /^[\w.+-]{1,64}$/,
    fix: 'use a version string such as 1.2.0 (letters, digits, ".", "_", "+", "-")',
  },
};

/** Every property the custom resource may carry (docs/contracts.md); the management stack sets exactly these. */
const PROPERTY_NAMES: readonly string[] = Object.freeze(Object.keys(RULES));

/** Keys CloudFormation itself defines on every custom resource; never a user mistake. */
const IGNORED_KEYS = new Set(['ServiceToken', 'ServiceTimeout']);

function describeValue(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

/**
 * Validates the raw ResourceProperties. Throws InvalidPropertiesError listing every problem at
 * once, so one failed deployment shows everything that needs fixing.
 */
function parseProperties(raw: unknown): BootstrapProperties {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidPropertiesError(['ResourceProperties is missing or not an object: pass the properties listed in docs/contracts.md']);
  }
  const input = raw as Record<string, unknown>;
  const problems: string[] = [];
  const values: Record<string, string> = {};

  for (const key of Object.keys(input).sort()) {
    if (!(key in RULES) && !IGNORED_KEYS.has(key)) {
      problems.push(`${key} is not a known property: remove it or fix its spelling (known: ${Object.keys(RULES).join(', ')})`);
    }
  }

  for (const [key, rule] of Object.entries(RULES)) {
    let value = input[key];
    if (typeof value === 'boolean' || typeof value === 'number') value = String(value);
    if (value !== undefined && value !== null && typeof value !== 'string') {
      problems.push(`${key} must be a string, got ${Array.isArray(value) ? 'a list' : typeof value}: ${rule.fix}`);
      continue;
    }
    const text = typeof value === 'string' ? value.trim() : '';
    if (text === '') {
      if (rule.required) problems.push(`${key} is required and missing or empty: ${rule.fix}`);
      else values[key] = rule.fallback ?? '';
      continue;
    }
    if (!rule.pattern.test(text)) {
      problems.push(`${key} ${describeValue(text)} is invalid: ${rule.fix}`);
      continue;
    }
    const extra = rule.check?.(text);
    if (extra) {
      problems.push(`${key} ${describeValue(text)} ${extra}`);
      continue;
    }
    values[key] = text;
  }

  // The deployer may create and delete stacks named <RecipeStackPrefix>*: the bakery stack must never be one.
  const prefix = values.RecipeStackPrefix;
  if (prefix && values.BakeryStackName?.toLowerCase().startsWith(prefix.toLowerCase())) {
    problems.push(
      `BakeryStackName ${describeValue(values.BakeryStackName)} starts with RecipeStackPrefix ${describeValue(prefix)}: the deployer manages every stack with that prefix; choose names that do not overlap`,
    );
  }
  if (Number(values.EvidenceLockDays ?? '1') > 36_500) problems.push('EvidenceLockDays is more than 36500: use at most 100 years');
  if (problems.length > 0) throw new InvalidPropertiesError(problems);

  const get = (key: string): string => values[key] ?? '';
  const seed = get('SeedRecipes');
  return {
    bakeryAccountId: get('BakeryAccountId'),
    bakeryRegion: get('BakeryRegion'),
    configurationRoleName: get('ConfigurationRoleName'),
    bakeryStackName: get('BakeryStackName'),
    namePrefix: get('NamePrefix'),
    repositoryName: get('RepositoryName'),
    branchName: get('BranchName'),
    sourceType: get('SourceType') as SourceType,
    sourceObjectKey: get('SourceObjectKey'),
    recipeStackPrefix: get('RecipeStackPrefix'),
    organizationId: get('OrganizationId'),
    managementAccountId: get('ManagementAccountId'),
    seedRecipes: seed === 'all' ? 'all' : [...new Set(seed.split(','))].sort(),
    purge: get('Purge').toLowerCase() === 'true',
    solutionVersion: get('SolutionVersion'),
    prune: get('Prune'),
    deployConcurrency: get('DeployConcurrency'),
    evidenceLockMode: get('EvidenceLockMode'),
    evidenceLockDays: get('EvidenceLockDays'),
    notificationEmail: get('NotificationEmail'),
  };
}

/** Stable across updates of the same target, so CloudFormation only replaces on a real move. */
function physicalResourceId(props: Pick<BootstrapProperties, 'bakeryAccountId' | 'bakeryRegion' | 'bakeryStackName'>): string {
  return `${props.bakeryAccountId}/${props.bakeryRegion}/${props.bakeryStackName}`;
}

/**
 * Sent as PhysicalResourceId when Create fails before touching AWS, so the rollback Delete
 * returns at once instead of tearing down a stack it never made (or someone else's).
 */
const NOT_CREATED_MARKER = 'ami-bakery-bootstrap:not-created';

function isNotCreatedMarker(id: string | undefined): boolean {
  return typeof id === 'string' && id.startsWith(NOT_CREATED_MARKER);
}

export {
  type BootstrapProperties,
  isNotCreatedMarker,
  NOT_CREATED_MARKER,
  PROPERTY_NAMES,
  parseProperties,
  physicalResourceId,
  type SourceType,
};
