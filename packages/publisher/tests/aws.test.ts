import {
  CodeCommitClient,
  CodeCommitServiceException,
  CreateCommitCommand,
  GetBranchCommand,
  GetFolderCommand,
  RepositoryDoesNotExistException,
} from '@aws-sdk/client-codecommit';
import { HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AccessDeniedError,
  AwsRequestError,
  type ClientFactory,
  defaultClientFactory,
  InvalidOptionsError,
  type PublishOptions,
  type PublishTarget,
  publish,
} from '../src/index.js';
import { BRANCH, FakeRepository, REPOSITORY } from '../testing/fake-codecommit.js';
import { AL2023, bundleFiles, removeBundles, writeBundle } from './helpers/bundle.js';
import { BUCKET, FakeBucket, KEY } from './helpers/fake-s3.js';
import { noSleep, ROLE_ARN } from './helpers/publish.js';

const codeCommit = mockClient(CodeCommitClient);
const s3 = mockClient(S3Client);
const sts = mockClient(STSClient);

beforeEach(() => {
  codeCommit.reset();
  s3.reset();
  sts.reset();
  new FakeRepository().install(codeCommit);
  new FakeBucket().install(s3);
});
afterAll(removeBundles);

const REGION = 'eu-west-1';
const CODECOMMIT: PublishTarget = { kind: 'codecommit', repositoryName: REPOSITORY, branch: BRANCH };
const S3: PublishTarget = { kind: 's3', bucket: BUCKET, key: KEY };
const EXPIRATION = new Date('2030-01-01T00:00:00Z');
const FILES = bundleFiles([{ name: AL2023, version: '1.0.0' }]);

function spyingFactory(): ClientFactory & { [K in keyof ClientFactory]: ReturnType<typeof vi.fn> } {
  return {
    codeCommit: vi.fn(defaultClientFactory.codeCommit),
    s3: vi.fn(defaultClientFactory.s3),
    sts: vi.fn(defaultClientFactory.sts),
  };
}

async function run(options: Partial<PublishOptions>, clients?: ClientFactory): Promise<unknown> {
  const bundleDir = await writeBundle(FILES);
  return publish({ bundleDir, target: CODECOMMIT, region: REGION, ...options }, { sleep: noSleep, ...(clients ? { clients } : {}) });
}

function serviceError(
  Base: typeof CodeCommitServiceException | typeof S3ServiceException | typeof STSServiceException,
  name: string,
  status: number,
) {
  return new Base({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: `${name} from the service` });
}

describe('Function: publish (credentials)', () => {
  it.each([
    { case: 'CodeCommit', target: CODECOMMIT, client: 'codeCommit' as const },
    { case: 'S3', target: S3, client: 's3' as const },
  ])('assumes the role as bakery-publish and builds the $case client with its credentials', async ({ target, client }) => {
    // Prepare
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: EXPIRATION },
    });
    const clients = spyingFactory();

    // Act
    await run({ target, roleArn: ROLE_ARN }, clients);

    // Assess
    expect(sts).toHaveReceivedCommandExactlyOnceWith(AssumeRoleCommand, { RoleArn: ROLE_ARN, RoleSessionName: 'bakery-publish' });
    expect(clients.sts).toHaveBeenCalledExactlyOnceWith({ region: REGION });
    expect(clients[client]).toHaveBeenCalledExactlyOnceWith({
      region: REGION,
      credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token', expiration: EXPIRATION },
    });
  });

  it('uses the default credentials and calls no STS when no role is given', async () => {
    // Prepare
    const clients = spyingFactory();

    // Act
    await run({}, clients);

    // Assess
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
    expect(clients.sts).not.toHaveBeenCalled();
    expect(clients.codeCommit).toHaveBeenCalledExactlyOnceWith({ region: REGION });
  });
});

describe('Function: publish (AWS errors)', () => {
  const asRole = `role ${ROLE_ARN}`;
  const repository = `repository ${REPOSITORY} in ${REGION}`;
  const object = `s3://${BUCKET}/${KEY}`;

  beforeEach(() => {
    sts
      .on(AssumeRoleCommand)
      .resolves({ Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: EXPIRATION } });
  });

  it.each([
    {
      case: 'GetBranch denied',
      arrange: () => codeCommit.on(GetBranchCommand).rejects(serviceError(CodeCommitServiceException, 'AccessDeniedException', 400)),
      options: { roleArn: ROLE_ARN },
      message: `Access denied: ${asRole} may not call codecommit:GetBranch on ${repository}. Grant codecommit:GetBranch on that resource to ${asRole}.`,
    },
    {
      case: 'CreateCommit denied',
      arrange: () => codeCommit.on(CreateCommitCommand).rejects(serviceError(CodeCommitServiceException, 'AccessDeniedException', 400)),
      options: { roleArn: ROLE_ARN },
      message: `Access denied: ${asRole} may not call codecommit:CreateCommit on ${repository}. Grant codecommit:CreateCommit on that resource to ${asRole}.`,
    },
    {
      case: "the repository's KMS key denied",
      arrange: async () => {
        await run({ roleArn: ROLE_ARN });
        codeCommit.on(GetFolderCommand).rejects(serviceError(CodeCommitServiceException, 'EncryptionKeyAccessDeniedException', 400));
      },
      options: { roleArn: ROLE_ARN },
      message: `Access denied: ${asRole} may not call kms:Decrypt and kms:GenerateDataKey on the KMS key of ${repository}. Grant kms:Decrypt and kms:GenerateDataKey on that resource to ${asRole}.`,
    },
    {
      case: 'HeadObject answering 403 to the default credentials',
      arrange: () => s3.on(HeadObjectCommand).rejects(serviceError(S3ServiceException, 'Forbidden', 403)),
      options: { target: S3 },
      message:
        `Access denied: the default AWS credentials (no role given to assume) may not call s3:GetObject on ${object}. ` +
        'Grant s3:GetObject on that resource to the default AWS credentials (no role given to assume); ' +
        `S3 also answers 403 instead of 404 for an object that does not exist yet when s3:ListBucket on ${BUCKET} is not granted, so the first publish needs it too.`,
    },
    {
      case: 'PutObject denied',
      arrange: () => s3.on(PutObjectCommand).rejects(serviceError(S3ServiceException, 'AccessDenied', 403)),
      options: { target: S3, roleArn: ROLE_ARN },
      message: `Access denied: ${asRole} may not call s3:PutObject on ${object}. Grant s3:PutObject on that resource to ${asRole}.`,
    },
    {
      case: 'AssumeRole denied',
      arrange: () => sts.on(AssumeRoleCommand).rejects(serviceError(STSServiceException, 'AccessDenied', 403)),
      options: { roleArn: ROLE_ARN },
      message:
        `Access denied: the default AWS credentials may not call sts:AssumeRole on ${ROLE_ARN}. ` +
        "Grant sts:AssumeRole on that resource to the default AWS credentials; the role's trust policy must also allow the caller.",
    },
  ])('names the action, resource and identity when $case', async ({ arrange, options, message }) => {
    // Prepare
    await arrange();

    // Act
    const error = await run(options).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as Error).message).toBe(message);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('explains a missing repository with what to check', async () => {
    // Prepare
    codeCommit
      .on(GetBranchCommand)
      .rejects(new RepositoryDoesNotExistException({ message: `${REPOSITORY} does not exist`, $metadata: { httpStatusCode: 400 } }));

    // Act
    const error = await run({}).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AwsRequestError);
    expect((error as Error).message).toBe(
      `codecommit:GetBranch on ${repository} failed: RepositoryDoesNotExistException: ${REPOSITORY} does not exist. ` +
        'Check the repository name and the region (the bakery stack creates the repository in the bakery region)',
    );
  });

  it.each([
    {
      case: 'negative maxRetries',
      options: { maxRetries: -1 },
      message: 'Invalid publish option maxRetries: it must be a whole number, got -1.',
    },
    {
      case: 'a zero file limit',
      options: { limits: { maxFileBytes: 0 } },
      message: 'Invalid publish option limits.maxFileBytes: it must be a positive integer, got 0.',
    },
    {
      case: 'no room for the record',
      options: { limits: { maxFilesPerCommit: 1 } },
      message: 'Invalid publish option limits.maxFilesPerCommit: it must be at least 2 to leave room beside the publish record.',
    },
  ])('refuses $case before writing', async ({ options, message }) => {
    // Act
    const error = await run(options).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as Error).message).toBe(message);
    expect(codeCommit).toHaveReceivedCommandTimes(CreateCommitCommand, 0);
  });
});
