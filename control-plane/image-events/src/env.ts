/**
 * The function's configuration, from the environment the bakery stack sets. Every problem is
 * collected; none is guessed around.
 */
import { ConfigurationError } from './errors.js';

interface ImageEventsConfig {
  /** `RecipeStackPrefix`: the images of recipe `x` are named after stack `<prefix>x`. */
  readonly stackPrefix: string;
  /** The bakery's name prefix: the RAM share is `<prefix>-channels`. */
  readonly namePrefix: string;
  /** Where the deployer stores each recipe's catalog settings (`catalog/recipes/<recipe>.json`). */
  readonly artifactBucket: string;
  /** Where the test instances upload the evidence (`evidence/<recipe>/<version>/<build>/summary.json`). */
  readonly evidenceBucket: string;
  readonly organizationId: string;
  readonly managementAccountId: string;
  readonly region: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[a-z][a-z0-9-]{0,63}$/;
const NAME_PREFIX = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/;
const ORG = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT = /^[0-9]{12}$/;
const REGION = /^[a-z]{2,4}(-[a-z]+){1,3}-[0-9]{1,2}$/;

function parseEnv(env: Readonly<Record<string, string | undefined>>): ImageEventsConfig {
  const problems: string[] = [];
  const required = (name: string, pattern: RegExp, what: string): string => {
    const value = env[name];
    if (value === undefined || value === '') problems.push(`${name} is not set (${what})`);
    else if (!pattern.test(value)) problems.push(`${name}=${JSON.stringify(value.slice(0, 200))} is not ${what}`);
    return value ?? '';
  };
  const config: ImageEventsConfig = {
    stackPrefix: required('RECIPE_STACK_PREFIX', PREFIX, 'a lower-case recipe stack prefix'),
    namePrefix: required('NAME_PREFIX', NAME_PREFIX, 'the bakery name prefix'),
    artifactBucket: required('ARTIFACT_BUCKET', BUCKET, 'an S3 bucket name'),
    evidenceBucket: required('EVIDENCE_BUCKET', BUCKET, 'an S3 bucket name'),
    organizationId: required('ORGANIZATION_ID', ORG, 'an organization id (o-...)'),
    managementAccountId: required('MANAGEMENT_ACCOUNT_ID', ACCOUNT, 'a 12-digit account id'),
    region: required('AWS_REGION', REGION, 'an AWS region'),
  };
  if (problems.length > 0) throw new ConfigurationError(problems);
  return config;
}

export { type ImageEventsConfig, parseEnv };
