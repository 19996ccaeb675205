/**
 * The deployer's configuration, from the Lambda environment the bakery stack sets
 * (docs/contracts.md, "Deployer Lambda"). Every problem is collected; none is guessed around.
 */
import { RECIPE_PARAMETERS } from '@ami-bakery/bundle';
import { ConfigurationError } from './errors.js';

interface DeployerConfig {
  /** Bakery artifact bucket: templates go to deployments/, reports to reports/. */
  readonly artifactBucket: string;
  /** `RecipeStackPrefix`: recipe `x` is stack `<prefix>x`. */
  readonly stackPrefix: string;
  /** CloudFormation's service role for recipe stacks. */
  readonly deployRoleArn: string;
  /** Values of the template parameters; each template gets the ones it declares. */
  readonly parameterValues: Readonly<Record<string, string>>;
  /** Delete the stacks of recipes that left the manifest. */
  readonly prune: boolean;
  /** Recipes deployed at the same time. */
  readonly maxConcurrency: number;
  /** The bakery's name prefix (change set names, log keys). */
  readonly namePrefix: string;
  readonly region: string;
  /** `aws`, `aws-cn`, `aws-us-gov`: from the deploy role ARN. */
  readonly partition: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z][A-Za-z0-9-]{0,99}$/;
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::[0-9]{12}:role\/[\w+=,.@/-]{1,512}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]+$/;
const MAX_CONCURRENCY_LIMIT = 50;

function parseEnv(env: Readonly<Record<string, string | undefined>>): DeployerConfig {
  const problems: string[] = [];
  const required = (name: string, pattern: RegExp, what: string): string => {
    const value = env[name];
    if (value === undefined || value === '') problems.push(`${name} is not set (${what})`);
    else if (!pattern.test(value)) problems.push(`${name}=${JSON.stringify(value.slice(0, 200))} is not ${what}`);
    return value ?? '';
  };
  const artifactBucket = required('ARTIFACT_BUCKET', BUCKET, 'an S3 bucket name');
  const stackPrefix = required('RECIPE_STACK_PREFIX', PREFIX, 'a stack name prefix (a letter, then letters, digits, hyphens; at most 100)');
  const deployRoleArn = required('RECIPE_DEPLOY_ROLE_ARN', ROLE_ARN, 'an IAM role ARN');
  const region = required('AWS_REGION', REGION, 'an AWS region');
  const namePrefix =
    env.NAME_PREFIX === undefined || env.NAME_PREFIX === '' ? 'ami-bakery' : required('NAME_PREFIX', PREFIX, 'a name prefix');

  let prune = true;
  if (env.PRUNE !== undefined && env.PRUNE !== '') {
    if (env.PRUNE === 'true' || env.PRUNE === 'false') prune = env.PRUNE === 'true';
    else problems.push(`PRUNE=${JSON.stringify(env.PRUNE.slice(0, 20))} is not true or false`);
  }
  let maxConcurrency = 10;
  if (env.MAX_CONCURRENCY !== undefined && env.MAX_CONCURRENCY !== '') {
    const n = Number(env.MAX_CONCURRENCY);
    if (Number.isInteger(n) && n >= 1 && n <= MAX_CONCURRENCY_LIMIT) maxConcurrency = n;
    else
      problems.push(
        `MAX_CONCURRENCY=${JSON.stringify(env.MAX_CONCURRENCY.slice(0, 20))} is not a whole number from 1 to ${MAX_CONCURRENCY_LIMIT}`,
      );
  }
  const parameterValues = parseParameters(env.RECIPE_PARAMETERS, problems);
  if (problems.length > 0) throw new ConfigurationError(problems);
  return {
    artifactBucket,
    stackPrefix,
    deployRoleArn,
    parameterValues,
    prune,
    maxConcurrency,
    namePrefix,
    region,
    partition: ROLE_ARN.exec(deployRoleArn)?.[1] ?? 'aws',
  };
}

function parseParameters(text: string | undefined, problems: string[]): Record<string, string> {
  if (text === undefined || text.trim() === '') return {};
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    problems.push('RECIPE_PARAMETERS is not JSON');
    return {};
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    problems.push('RECIPE_PARAMETERS must be a JSON object of parameter name -> text');
    return {};
  }
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(data)) {
    if (!(RECIPE_PARAMETERS as readonly string[]).includes(name))
      problems.push(
        `RECIPE_PARAMETERS has ${JSON.stringify(name)}, which no recipe template declares (known: ${RECIPE_PARAMETERS.join(', ')})`,
      );
    else if (typeof value !== 'string') problems.push(`RECIPE_PARAMETERS.${name} must be text`);
    else values[name] = value;
  }
  return values;
}

export { type DeployerConfig, MAX_CONCURRENCY_LIMIT, parseEnv };
