/**
 * Principals no template creates, added to the model so the tables can name them:
 * - the publish role, built from the publisher's own permission list (`requiredPermissions`) for
 *   both targets, as the README tells an operator to create it;
 * - an outsider (a principal of another account) and another principal of the management account,
 *   each allowed everything by its own account: only the bakery's trust and resource policies
 *   can stop them.
 */
import { type AccountModel, ARN, type RoleModel, TEST_ENV } from './model.js';
import type { Json } from './resolve.js';

/** The shape of `@ami-bakery/publisher`'s `requiredPermissions(target)` entries. */
export interface PermissionStatement {
  readonly actions: readonly string[];
  readonly resource: string;
}

export interface PublishTargets {
  codecommit: readonly PermissionStatement[];
  s3: readonly PermissionStatement[];
}

/** Another AWS account, outside the organization. */
export const OUTSIDER_ACCOUNT = '333333333333';

const ALLOW_ALL: Json = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

function names(model: AccountModel, ...keys: string[]): string[] {
  return keys.map((key) => {
    const value = model.names[key];
    if (value === undefined) throw new Error(`the model has no ${key}: add the bakery stack first`);
    return value;
  });
}

/**
 * The publish role's policy: each statement of the publisher's list on the ARN it describes in
 * words (repository, source object, bucket, bakery key through S3). An action this mapping does
 * not know fails, so a new permission of the publisher is never silently left out.
 */
function publishStatements(model: AccountModel, targets: PublishTargets, sourceObjectKey: string): Json[] {
  const [repository, bucket, key] = names(model, 'RepositoryName', 'ArtifactBucketName', 'ArtifactKeyArn');
  const here = `${TEST_ENV.region}:${TEST_ENV.account}`;
  const arnFor = (action: string): { resource: string; condition?: Json } => {
    if (action.startsWith('codecommit:')) return { resource: `${ARN}:codecommit:${here}:${repository}` };
    if (action === 's3:ListBucket') return { resource: `${ARN}:s3:::${bucket}` };
    if (action === 's3:GetObject' || action === 's3:PutObject') return { resource: `${ARN}:s3:::${bucket}/${sourceObjectKey}` };
    if (action.startsWith('kms:'))
      return { resource: key as string, condition: { StringEquals: { 'kms:ViaService': `s3.${TEST_ENV.region}.${TEST_ENV.urlSuffix}` } } };
    throw new Error(`the publisher needs ${action}: teach the publish-role model which resource it acts on`);
  };
  return [...targets.codecommit, ...targets.s3].flatMap((statement, index) =>
    statement.actions.map((action, j) => {
      const { resource, condition } = arnFor(action);
      return {
        Sid: `Publish${index}x${j}`,
        Effect: 'Allow',
        Action: action,
        Resource: resource,
        ...(condition ? { Condition: condition } : {}),
      };
    }),
  );
}

export function addPublishRole(model: AccountModel, targets: PublishTargets, sourceObjectKey = 'source/bundle.zip'): RoleModel {
  const role: RoleModel = {
    key: 'publish:PublishRole',
    arn: `${ARN}:iam::${TEST_ENV.account}:role/ami-bakery-publish`,
    account: TEST_ENV.account,
    trust: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `${ARN}:iam::${TEST_ENV.account}:oidc-provider/token.actions.githubusercontent.com` },
          Action: 'sts:AssumeRoleWithWebIdentity',
        },
      ],
    },
    inline: [{ name: 'Publish', policy: { Version: '2012-10-17', Statement: publishStatements(model, targets, sourceObjectKey) } }],
    managedPolicyArns: [],
  };
  model.roles.set(role.key, role);
  model.names['publish:PublishRole.Arn'] = role.arn;
  return role;
}

export function addOutsiders(model: AccountModel): void {
  const outsider = (key: string, account: string, name: string): void => {
    const role: RoleModel = {
      key,
      arn: `${ARN}:iam::${account}:role/${name}`,
      account,
      trust: { Version: '2012-10-17', Statement: [] },
      inline: [{ name: 'AllowsEverything', policy: ALLOW_ALL }],
      managedPolicyArns: [],
    };
    model.roles.set(key, role);
    model.names[`${key}.Arn`] = role.arn;
  };
  outsider('outside:Attacker', OUTSIDER_ACCOUNT, 'attacker');
  outsider('management:OtherRole', TEST_ENV.managementAccount, 'some-other-role');
}
