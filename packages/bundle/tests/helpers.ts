/** Bundles built by hand for the tests, following the v2 contract (docs/contracts.md). */
import { deflateRawSync } from 'node:zlib';
import { type BundledRecipe, bundleFiles, type RetiredRecipe } from '../src/index.js';
import { crc32 } from '../src/zip.js';

interface RecipeSpec {
  name: string;
  version?: string;
  /** Extra text in the component's Data (changes the template). */
  data?: string;
  parameters?: string[];
  buildOnVersionChange?: boolean;
  /** Replaces the whole template text. */
  templateText?: string;
  contentHash?: string;
}

const HASH_A = `sha256:${'a'.repeat(64)}`;

/** A recipe template shaped like the bundler's (long-form intrinsics, YAML). */
function recipeTemplate(spec: RecipeSpec): string {
  const version = spec.version ?? '1.0.0';
  const parameters = spec.parameters ?? ['PermissionsBoundaryArn'];
  const params = parameters.map((p) => `  ${p}:\n    Type: String\n    Default: ''\n`).join('');
  return `AWSTemplateFormatVersion: '2010-09-09'
Description: AMI Bakery recipe ${spec.name} ${version}
${parameters.length > 0 ? `Parameters:\n${params}` : ''}Resources:
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
  InstanceProfile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Path:
        Fn::Sub: /\${AWS::StackName}/
      Roles:
        - Ref: InstanceRole
  ComponentHarden:
    Type: AWS::ImageBuilder::Component
    Properties:
      Name:
        Fn::Sub: \${AWS::StackName}-harden
      Version: ${version}
      Platform: Linux
      Data: "${spec.data ?? 'name: harden'}"
  ImageRecipe:
    Type: AWS::ImageBuilder::ImageRecipe
    Properties:
      Name:
        Fn::Sub: \${AWS::StackName}
      Version: ${version}
      ParentImage: ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
      Components:
        - ComponentArn:
            Fn::GetAtt:
              - ComponentHarden
              - Arn
  InfrastructureConfiguration:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties:
      Name:
        Fn::Sub: \${AWS::StackName}-infrastructure
      InstanceProfileName:
        Ref: InstanceProfile
  ImagePipeline:
    Type: AWS::ImageBuilder::ImagePipeline
    Properties:
      Name:
        Fn::Sub: \${AWS::StackName}-pipeline
      ImageRecipeArn:
        Fn::GetAtt:
          - ImageRecipe
          - Arn
      InfrastructureConfigurationArn:
        Fn::GetAtt:
          - InfrastructureConfiguration
          - Arn
Outputs:
  PipelineArn:
    Value:
      Fn::GetAtt:
        - ImagePipeline
        - Arn
`;
}

function bundledRecipe(spec: RecipeSpec): BundledRecipe {
  const version = spec.version ?? '1.0.0';
  return {
    name: spec.name,
    version,
    stackName: `ami-bakery-recipe-${spec.name}`,
    contentHash: spec.contentHash ?? HASH_A,
    templateText: spec.templateText ?? recipeTemplate(spec),
    parameters: spec.parameters ?? ['PermissionsBoundaryArn'],
    buildOnVersionChange: spec.buildOnVersionChange ?? true,
    recipeManifest: {
      name: spec.name,
      version,
      stackName: `ami-bakery-recipe-${spec.name}`,
      contentHash: spec.contentHash ?? HASH_A,
      platform: 'linux',
      architecture: 'x86_64',
    },
  };
}

function makeBundle(
  specs: RecipeSpec[],
  context: { partial?: boolean; retired?: RetiredRecipe[]; sourceCommit?: string | null } = {},
): Map<string, Uint8Array> {
  return bundleFiles(specs.map(bundledRecipe), {
    sourceCommit: context.sourceCommit ?? null,
    partial: context.partial ?? false,
    retired: context.retired ?? [],
  });
}

const text = (s: string) => new TextEncoder().encode(s);
const read = (files: Map<string, Uint8Array>, path: string) => new TextDecoder().decode(files.get(path));

/** Rewrites manifest.json through `edit`. */
function editManifest(files: Map<string, Uint8Array>, edit: (m: Record<string, unknown>) => void): Map<string, Uint8Array> {
  const copy = new Map(files);
  const manifest = JSON.parse(read(files, 'manifest.json')) as Record<string, unknown>;
  edit(manifest);
  copy.set('manifest.json', text(JSON.stringify(manifest)));
  return copy;
}

interface ZipEntrySpec {
  name: string;
  data: Uint8Array;
  deflate?: boolean;
  /** Lie about the uncompressed size (zip bomb). */
  declaredSize?: number;
  encrypted?: boolean;
  method?: number;
}

/** A minimal zip writer for crafting good and hostile archives. */
function makeZip(entries: ZipEntrySpec[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const body = entry.deflate ? deflateRawSync(entry.data) : Buffer.from(entry.data);
    const method = entry.method ?? (entry.deflate ? 8 : 0);
    const size = entry.declaredSize ?? entry.data.byteLength;
    const crc = crc32(entry.data);
    const flags = (entry.encrypted ? 1 : 0) | 0x0800;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.byteLength, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.byteLength, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.byteLength, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.byteLength, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.byteLength + body.byteLength;
  }
  const centralSize = centrals.reduce((n, b) => n + b.byteLength, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, ...centrals, end]));
}

/** [id, path-or-recipe] pairs of problems: what the tests compare. */
function ids(problems: readonly { id: string; path?: string; recipe?: string }[]): string[] {
  return problems.map((p) => `${p.id} ${p.path ?? `(${p.recipe ?? '-'})`}`);
}

export { bundledRecipe, editManifest, HASH_A, ids, makeBundle, makeZip, type RecipeSpec, read, recipeTemplate, text };
