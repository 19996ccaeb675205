/** Bundles, source artifacts and job events built by hand for the deployer tests (bundle v2, docs/contracts.md). */

import { crc32 } from 'node:zlib';
import { type BundledRecipe, bundleFiles, type CatalogState, type RetiredRecipe } from '@ami-bakery/bundle';

interface RecipeSpec {
  name: string;
  version?: string;
  /** Changes the component's Data (the template changes, same version). */
  data?: string;
  buildOnVersionChange?: boolean;
  /** Replaces the template text. */
  templateText?: string;
  /** IMDS setting of the build instances (the baseline check wants `required`). */
  httpTokens?: string;
  /** The recipe's catalog (catalog.json in the bundle). */
  catalog?: CatalogState;
}

const HASH = `sha256:${'c'.repeat(64)}`;

/**
 * A recipe template shaped like the bundler's, that moto can also deploy: the pipeline ARN output is
 * built from the stack name (moto has no Image Builder), the rest is what a recipe stack holds.
 */
function recipeTemplate(spec: RecipeSpec): string {
  const version = spec.version ?? '1.0.0';
  return `AWSTemplateFormatVersion: '2010-09-09'
Description: AMI Bakery recipe ${spec.name} ${version}
Parameters:
  PermissionsBoundaryArn:
    Type: String
    Default: ''
Conditions:
  HasPermissionsBoundary:
    Fn::Not:
      - Fn::Equals:
          - Ref: PermissionsBoundaryArn
          - ''
Resources:
  InstanceRole:
    Type: AWS::IAM::Role
    Properties:
      Path:
        Fn::Sub: /\${AWS::StackName}/
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal:
              Service: ec2.amazonaws.com
            Action: sts:AssumeRole
      PermissionsBoundary:
        Fn::If:
          - HasPermissionsBoundary
          - Ref: PermissionsBoundaryArn
          - Ref: AWS::NoValue
  ComponentHarden:
    Type: AWS::ImageBuilder::Component
    Properties:
      Name:
        Fn::Sub: \${AWS::StackName}-harden
      Version: ${version}
      Platform: Linux
      Data: "${spec.data ?? 'name: harden'}"
  InfrastructureConfiguration:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties:
      Name:
        Fn::Sub: \${AWS::StackName}-infrastructure
      InstanceProfileName: profile
      InstanceMetadataOptions:
        HttpTokens: ${spec.httpTokens ?? 'required'}
Outputs:
  PipelineArn:
    Value:
      Fn::Sub: arn:\${AWS::Partition}:imagebuilder:\${AWS::Region}:\${AWS::AccountId}:image-pipeline/\${AWS::StackName}-pipeline
`;
}

function bundled(spec: RecipeSpec): BundledRecipe {
  const version = spec.version ?? '1.0.0';
  const stackName = `ami-bakery-recipe-${spec.name}`;
  return {
    name: spec.name,
    version,
    stackName,
    contentHash: HASH,
    templateText: spec.templateText ?? recipeTemplate(spec),
    parameters: ['PermissionsBoundaryArn'],
    buildOnVersionChange: spec.buildOnVersionChange ?? true,
    recipeManifest: { name: spec.name, version, stackName, contentHash: HASH },
    ...(spec.catalog ? { catalog: spec.catalog } : {}),
  };
}

function bundle(specs: RecipeSpec[], context: { partial?: boolean; retired?: RetiredRecipe[] } = {}): Map<string, Uint8Array> {
  return bundleFiles(specs.map(bundled), {
    sourceCommit: 'a'.repeat(40),
    partial: context.partial ?? false,
    retired: context.retired ?? [],
  });
}

/** A stored (uncompressed) zip, as CodePipeline's S3 source artifact would hold the bundle. */
function zip(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [path, data] of files) {
    const name = Buffer.from(path, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.byteLength, 18);
    local.writeUInt32LE(data.byteLength, 22);
    local.writeUInt16LE(name.byteLength, 26);
    locals.push(local, name, Buffer.from(data));
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.byteLength, 20);
    central.writeUInt32LE(data.byteLength, 24);
    central.writeUInt16LE(name.byteLength, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.byteLength + data.byteLength;
  }
  const size = centrals.reduce((n, b) => n + b.byteLength, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.size, 8);
  end.writeUInt16LE(files.size, 10);
  end.writeUInt32LE(size, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, ...centrals, end]));
}

/** A CodePipeline Lambda invoke event for the Deploy action. */
function jobEvent(id: string, artifact: { bucket: string; key: string }, continuationToken?: string): unknown {
  return {
    'CodePipeline.job': {
      id,
      accountId: '123456789012',
      data: {
        actionConfiguration: { configuration: { FunctionName: 'ami-bakery-deployer' } },
        inputArtifacts: [
          {
            name: 'Source',
            revision: null,
            location: { type: 'S3', s3Location: { bucketName: artifact.bucket, objectKey: artifact.key } },
          },
        ],
        outputArtifacts: [],
        artifactCredentials: { accessKeyId: 'testing', secretAccessKey: 'testing', sessionToken: 'token' },
        ...(continuationToken ? { continuationToken } : {}),
      },
    },
  };
}

const ENV = {
  ARTIFACT_BUCKET: 'bakery-artifacts',
  RECIPE_STACK_PREFIX: 'ami-bakery-recipe-',
  RECIPE_DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/ami-bakery-recipe-deploy',
  RECIPE_PARAMETERS: JSON.stringify({ PermissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/ami-bakery-boundary' }),
  PRUNE: 'true',
  MAX_CONCURRENCY: '2',
  NAME_PREFIX: 'ami-bakery',
  AWS_REGION: 'us-east-1',
};

export { bundle, bundled, ENV, jobEvent, type RecipeSpec, recipeTemplate, zip };
