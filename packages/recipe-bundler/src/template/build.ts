/**
 * Recipe -> CloudFormation template. Input is a schema-valid recipe plus its local component
 * documents; output is the template with source markers still in it (see ../sourced.ts).
 *
 * Choices that fix the original solution's recipe templates:
 * - the parent image resolves at build time (`ssm:` parameter or managed-image ARN), never via a
 *   per-region AMI map or a deploy-time SSM lookup, which would replace the recipe (G3);
 * - every Image Builder name is the stack name or starts with it, and roles and the instance
 *   profile sit under the IAM path `/<stack name>/`: the pipeline names each stack
 *   `<RecipeStackPrefix><recipe>`, so the bakery's deploy role can scope every grant to that prefix;
 * - every ARN is built with `${AWS::Partition}`;
 * - the lifecycle policy selects the recipe with a wildcard version so bumps do not orphan it (G13),
 *   deprecates old AMIs (EC2 deprecation time) well before it deletes them with their snapshots,
 *   and never deletes an AMI launched recently (its LastLaunched exclusion).
 */
import type { GeneratedComponent, GeneratedDocument, JsonPath } from '@ami-bakery/recipe-schema';
import { compareCodeUnits, sha256Hex } from '../canonical.js';
import { sourced } from '../sourced.js';
import type { RecipeReader } from './context.js';
import { bakeryTarget, instanceProfile, instanceRole, lifecycleExecutionRole, logObjectsArn, type S3Target } from './iam.js';
import { escapeSub, getAtt, partitionAware, prefixed, ref, sub } from './intrinsics.js';
import { type ParameterName, TemplateInputs } from './parameters.js';
import { EVIDENCE_TAG, evidenceUri, PLACEHOLDERS, resolvePlaceholders } from './placeholders.js';

/** A local AWSTOE document referenced by the recipe. */
export interface ComponentSource {
  /** Path relative to the recipe folder, posix separators, normalized (the identity of the document). */
  relPath: string;
  /** Display path relative to the working directory. */
  display: string;
  /** The document exactly as authored. */
  text: string;
  /** Parsed document. */
  data: unknown;
  /** Canonical text (../canonical-yaml.ts); it becomes the component's `Data`. */
  canonical: string;
  /** sha256 of `canonical` (hex). */
  contentSha: string;
}

export interface TemplateSource {
  reader: RecipeReader;
  /** Local documents keyed by `relPath`. */
  components: ReadonlyMap<string, ComponentSource>;
  /** Maps a recipe entry's `file` to the `relPath` key above. */
  relPathOf(file: string): string;
  /** Components generated from tables (`generate` entries), in recipe order; their documents become components as they are. */
  generated?: readonly GeneratedComponent[];
}

export interface BuiltTemplate {
  /** The template, still holding source markers. */
  template: Record<string, unknown>;
  parameters: ParameterName[];
  /** Local components in recipe order (one per distinct document and version). */
  localComponents: LocalComponentResource[];
}

export interface LocalComponentResource {
  logicalId: string;
  /** The Image Builder component name is `<stack name>-<nameSuffix>`. */
  nameSuffix: string;
  version: string;
  relPath: string;
}

export const DEFAULTS = {
  linuxWorkingDirectory: '/var/tmp/imagebuilder',
  linuxRootDevice: '/dev/xvda',
  windowsRootDevice: '/dev/sda1',
  volumeType: 'gp3',
  httpTokens: 'required',
  hopLimit: 2,
  testTimeoutMinutes: 90,
  keepLatest: 5,
  deleteAfterDays: 90,
  /** Days between the EC2 deprecation of an AMI and its deletion: the time consumers get to move. */
  deprecationGraceDays: 30,
  /** An AMI launched within this many days is never deleted, however old it is. */
  keepLaunchedWithinDays: 90,
  managedComponentVersion: 'x.x.x',
  startCondition: 'EXPRESSION_MATCH_ONLY',
  logPrefix: (name: string) => `image-builder-logs/${name}`,
  ssmParameter: (name: string) => `/ami-bakery/${name}/latest`,
  amiName: (name: string) => `${name}-{{ imagebuilder:buildDate }}`,
  /** The only prefix of the artifact bucket build instances may upload evidence to. */
  evidencePrefix: (name: string) => `evidence/${name}`,
} as const;

/** Placeholders a component parameter value may hold; the bundler replaces them (./placeholders.ts). */
export { PLACEHOLDERS } from './placeholders.js';

/** Tag on every resource of a recipe stack; also what the lifecycle exclusion and AMI consumers key on. */
export const RECIPE_TAG = 'ami-bakery:recipe';
/** Tagging an AMI with this (value `true`) keeps it from the lifecycle policy, e.g. while an incident is investigated. */
export const RETAIN_TAG = 'ami-bakery:retain';

type ListName = 'components' | 'tests';

export function buildTemplate(source: TemplateSource): BuiltTemplate {
  const { reader } = source;
  const inputs = new TemplateInputs();
  const name = reader.string(['name']) ?? '';
  const version = reader.string(['version']) ?? '';
  const windows = reader.get(['platform']) === 'windows';

  const tagMap = resourceTags(reader, name);
  const iamTags = Object.entries(tagMap).map(([Key, Value]) => ({ Key, Value }));

  const locals = planLocalComponents(source);
  const resources: Record<string, unknown> = {};
  const logs = logTarget(reader, inputs, name);

  const evidence = evidenceTarget(reader, inputs, name, source.generated ?? []);
  resources.InstanceRole = instanceRole(inputs, name, logs.target, iamTags, evidence);
  resources.InstanceProfile = instanceProfile();
  resources.LifecycleExecutionRole = lifecycleExecutionRole(inputs, name, iamTags);
  for (const local of locals.resources) {
    resources[local.logicalId] = componentResource(source, local, windows, tagMap);
  }
  resources.ImageRecipe = imageRecipe(reader, inputs, locals, windows, tagMap);
  resources.InfrastructureConfiguration = sourcedIfPresent(reader, ['build'], infrastructure(reader, name, logs.logging, tagMap));
  resources.DistributionConfiguration = sourcedIfPresent(reader, ['distribution'], distribution(reader, inputs, name, tagMap));
  resources.ImagePipeline = pipeline(reader, name, tagMap);
  resources.LifecyclePolicy = sourcedIfPresent(reader, ['lifecycle'], lifecyclePolicy(reader, name, tagMap));

  const template: Record<string, unknown> = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `AMI Bakery recipe ${name} ${version}: EC2 Image Builder components, image recipe, pipeline and lifecycle policy`,
    Parameters: inputs.parametersSection(),
    Rules: inputs.rulesSection(),
    Conditions: inputs.conditionsSection(),
    Resources: resources,
    Outputs: {
      PipelineArn: { Description: 'ARN of the image pipeline', Value: getAtt('ImagePipeline', 'Arn') },
      SsmParameterName: {
        Description: 'SSM parameter holding the id of the latest AMI, in every distribution region',
        Value: reader.srcOr(['distribution', 'ssmParameter'], DEFAULTS.ssmParameter(name)),
      },
    },
  };
  return {
    template,
    parameters: [...inputs.parameters].sort(compareCodeUnits),
    localComponents: locals.resources.map(({ logicalId, nameSuffix, version: v, relPath }) => ({
      logicalId,
      nameSuffix,
      version: v,
      relPath,
    })),
  };
}

function resourceTags(reader: RecipeReader, name: string): Record<string, unknown> {
  const tags: Record<string, unknown> = {};
  for (const key of Object.keys(reader.record(['tags']) ?? {})) {
    if (key === RECIPE_TAG) continue;
    tags[key] = reader.src(['tags', key]);
  }
  tags[RECIPE_TAG] = name;
  return tags;
}

/**
 * The stack name, or `<stack name>-<suffix>`: resolved at deploy time, so the bakery's deploy role
 * (which allows only names starting with RecipeStackPrefix) always covers it. Suffixes are
 * normalized to `[a-z0-9-]`, so nothing in them needs escaping for Fn::Sub.
 */
function stackScopedName(suffix?: string): { 'Fn::Sub': string } {
  return sub(suffix === undefined ? '${AWS::StackName}' : `\${AWS::StackName}-${suffix}`);
}

function sourcedIfPresent(reader: RecipeReader, path: JsonPath, resource: unknown): unknown {
  return reader.has(path) ? sourced(resource, reader.file, path) : resource;
}

// --- local components ---------------------------------------------------------------------

interface PlannedComponent extends LocalComponentResource {
  /** First recipe entry using this document and version (its `version` is where links point). */
  list: ListName;
  index: number;
  /** Set for one part of a generated component. */
  generated?: { source: GeneratedComponent; document: GeneratedDocument };
}

interface ComponentPlan {
  resources: PlannedComponent[];
  /** Logical ids by `list:index` of every entry with a `file` (one id) or `generate` (one per part). */
  byEntry: Map<string, string[]>;
}

function planLocalComponents(source: TemplateSource): ComponentPlan {
  const { reader } = source;
  const generatedSources = source.generated ?? [];
  const entries: { list: ListName; index: number; relPath: string; version: string }[] = [];
  for (const list of ['components', 'tests'] as const) {
    reader.list([list]).forEach((_, index) => {
      const file = reader.string([list, index, 'file']);
      if (file === undefined) return;
      entries.push({ list, index, relPath: source.relPathOf(file), version: reader.string([list, index, 'version']) ?? '' });
    });
  }
  const relPaths = [...new Set(entries.map((e) => e.relPath))];
  const suffixes = componentNameSuffixes(relPaths);
  const resources: PlannedComponent[] = [];
  const byEntry = new Map<string, string[]>();
  const usedIds = new Set<string>();
  const uniqueId = (base: string, version: string): string => {
    let logicalId = base;
    // The same document at two versions is two Image Builder components.
    if (usedIds.has(logicalId)) logicalId = `${logicalId}V${version.replace(/[^0-9]+/g, 'x')}`;
    for (let n = 2; usedIds.has(logicalId); n += 1) logicalId = `${logicalId}${n}`;
    usedIds.add(logicalId);
    return logicalId;
  };
  for (const entry of entries) {
    let planned = resources.find((r) => r.relPath === entry.relPath && r.version === entry.version);
    if (!planned) {
      const nameSuffix = suffixes.get(entry.relPath) ?? 'component';
      const logicalId = uniqueId(`Component${pascal(nameSuffix)}`, entry.version);
      planned = { logicalId, nameSuffix, version: entry.version, relPath: entry.relPath, list: entry.list, index: entry.index };
      resources.push(planned);
    }
    byEntry.set(`${entry.list}:${entry.index}`, [planned.logicalId]);
  }
  // Each part of a generated component is a component of its own: `<stack name>-<table stem>-part-<n>`.
  for (const source of generatedSources) {
    const stem =
      normalizeName(
        source.relPath
          .replace(/\.ya?ml$/i, '')
          .split('/')
          .pop() ?? source.relPath,
      ) || 'generated';
    const ids = source.documents.map((document) => {
      const nameSuffix = `${stem}-${document.suffix}`;
      const logicalId = uniqueId(`Component${pascal(nameSuffix)}`, source.version);
      resources.push({
        logicalId,
        nameSuffix,
        version: source.version,
        relPath: source.relPath,
        list: source.list,
        index: source.index,
        generated: { source, document },
      });
      return logicalId;
    });
    byEntry.set(`${source.list}:${source.index}`, ids);
  }
  return { resources, byEntry };
}

/**
 * What follows `<stack name>-` in a component name: the file basename, lower-case with hyphens as
 * Image Builder normalizes names (G7). Two documents with the same basename in different folders
 * get their folder in the name.
 */
function componentNameSuffixes(relPaths: string[]): Map<string, string> {
  const stem = (p: string) =>
    normalizeName(
      p
        .replace(/\.(?:ya?ml|json)$/i, '')
        .split('/')
        .pop() ?? p,
    );
  const full = (p: string) => normalizeName(p.replace(/\.(?:ya?ml|json)$/i, '').replace(/^(\.\.\/)+/, ''));
  const counts = new Map<string, number>();
  for (const p of relPaths) counts.set(stem(p), (counts.get(stem(p)) ?? 0) + 1);
  return new Map(relPaths.map((p) => [p, (counts.get(stem(p)) ?? 0) > 1 ? full(p) : stem(p)]));
}

function normalizeName(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function pascal(value: string): string {
  return value
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function componentResource(source: TemplateSource, local: PlannedComponent, windows: boolean, tags: Record<string, unknown>): unknown {
  const { reader } = source;
  if (local.generated) return generatedComponentResource(reader, local, local.generated, windows, tags);
  const doc = source.components.get(local.relPath);
  const entry: JsonPath = [local.list, local.index];
  const description = doc ? documentDescription(doc) : undefined;
  const properties: Record<string, unknown> = {
    Name: sourced(stackScopedName(local.nameSuffix), reader.file, [...entry, 'file']),
    Version: reader.src([...entry, 'version']),
    Platform: reader.derive(['platform'], () => (windows ? 'Windows' : 'Linux')),
    Description: description ?? `${local.relPath} of the ${reader.string(['name'])} recipe`,
    // Content-derived only: a commit id here would change the component on every commit.
    ChangeDescription: `${local.relPath} ${local.version} (sha256 ${doc?.contentSha.slice(0, 16) ?? 'missing'})`,
    Data: doc ? sourced(doc.canonical, doc.display, []) : undefined,
    Tags: tags,
  };
  return doc
    ? sourced({ Type: 'AWS::ImageBuilder::Component', Properties: properties }, doc.display, [])
    : { Type: 'AWS::ImageBuilder::Component', Properties: properties };
}

/** One part of a generated component: its `Data` is the generated document exactly as validated. */
function generatedComponentResource(
  reader: RecipeReader,
  local: PlannedComponent,
  { source, document }: { source: GeneratedComponent; document: GeneratedDocument },
  windows: boolean,
  tags: Record<string, unknown>,
): unknown {
  const entry: JsonPath = [local.list, local.index];
  const description = (document.data as { description?: unknown }).description;
  const properties: Record<string, unknown> = {
    Name: sourced(stackScopedName(local.nameSuffix), reader.file, [...entry, 'table']),
    Version: reader.src([...entry, 'version']),
    Platform: reader.derive(['platform'], () => (windows ? 'Windows' : 'Linux')),
    Description: typeof description === 'string' ? description.slice(0, 1024) : `Part ${document.part} of ${source.relPath}`,
    ChangeDescription: `${source.relPath} ${local.version} part ${document.part} of ${document.parts} (sha256 ${sha256Hex(document.text).slice(0, 16)})`,
    Data: document.text,
    Tags: tags,
  };
  return sourced({ Type: 'AWS::ImageBuilder::Component', Properties: properties }, source.display, []);
}

function documentDescription(doc: ComponentSource): unknown {
  const data = doc.data as Record<string, unknown> | undefined;
  const description = data?.description;
  if (typeof description !== 'string' || description.trim() === '') return undefined;
  return sourced(description.trim().slice(0, 1024), doc.display, ['description']);
}

// --- image recipe -------------------------------------------------------------------------

function imageRecipe(
  reader: RecipeReader,
  inputs: TemplateInputs,
  locals: ComponentPlan,
  windows: boolean,
  tags: Record<string, unknown>,
): unknown {
  const components: unknown[] = [];
  const name = reader.string(['name']) ?? '';
  for (const list of ['components', 'tests'] as const) {
    reader.list([list]).forEach((_, index) => {
      const entry: JsonPath = [list, index];
      const managed = reader.string([...entry, 'managed']);
      if (managed === undefined && reader.has([...entry, 'generate'])) {
        for (const logicalId of locals.byEntry.get(`${list}:${index}`) ?? []) {
          // A generated document may take parameters (e.g. where its evidence goes), given as placeholders.
          const document = locals.resources.find((r) => r.logicalId === logicalId)?.generated?.document;
          const parameters = Object.entries(document?.parameters ?? {}).map(([Name, value]) => ({
            Name,
            Value: [resolvePlaceholders(value, { recipeName: name, recipeVersion: reader.string(['version']) ?? '', inputs })],
          }));
          components.push({
            ComponentArn: sourced(getAtt(logicalId, 'Arn'), reader.file, [...entry, 'generate']),
            Parameters: parameters.length > 0 ? parameters : undefined,
          });
        }
        return;
      }
      const arn =
        managed !== undefined
          ? sourced(managedComponentArn(managed, reader.string([...entry, 'version']) ?? DEFAULTS.managedComponentVersion), reader.file, [
              ...entry,
              'managed',
            ])
          : sourced(getAtt(locals.byEntry.get(`${list}:${index}`)?.[0] ?? 'MissingComponent', 'Arn'), reader.file, [...entry, 'file']);
      const parameters = Object.keys(reader.record([...entry, 'parameters']) ?? {}).map((parameter) => ({
        Name: parameter,
        Value: reader.derive([...entry, 'parameters', parameter], (value: string | string[]) =>
          (Array.isArray(value) ? value : [value]).map((item) =>
            resolvePlaceholders(item, { recipeName: name, recipeVersion: reader.string(['version']) ?? '', inputs }),
          ),
        ),
      }));
      components.push({
        ComponentArn: arn,
        Parameters: parameters.length > 0 ? sourced(parameters, reader.file, [...entry, 'parameters']) : undefined,
      });
    });
  }
  const properties: Record<string, unknown> = {
    Name: reader.derive(['name'], () => stackScopedName()),
    Version: reader.src(['version']),
    Description: reader.src(['description']),
    ParentImage: parentImage(reader),
    Components: sourced(components, reader.file, ['components']),
    BlockDeviceMappings: rootVolume(reader, windows),
    // AWSTOE's default is /tmp, which is tmpfs on AL2023 and often noexec after STIG (G9).
    WorkingDirectory: reader.srcOr(['build', 'workingDirectory'], windows ? undefined : DEFAULTS.linuxWorkingDirectory),
    Tags: tags,
  };
  return { Type: 'AWS::ImageBuilder::ImageRecipe', Properties: properties };
}

/** Which bucket placeholder the components use, if any. */
function placeholderUse(reader: RecipeReader, pattern: RegExp): boolean {
  const test = new RegExp(pattern.source);
  return (['components', 'tests'] as const).some((list) =>
    reader
      .list([list])
      .some((_, index) =>
        Object.values(reader.record([list, index, 'parameters']) ?? {}).some((value) =>
          (Array.isArray(value) ? value : [value]).some((item) => typeof item === 'string' && test.test(item)),
        ),
      ),
  );
}

/**
 * Where components upload evidence: `s3://<EvidenceBucketName>/evidence/<recipe>/*` (the
 * `{{ bakery:evidenceBucket }}` placeholder), or the artifact bucket's `evidence/<recipe>/*` for
 * recipes that still name `{{ bakery:artifactBucket }}`. Only this recipe's prefix, ever.
 */
function evidenceTarget(
  reader: RecipeReader,
  inputs: TemplateInputs,
  name: string,
  generated: readonly GeneratedComponent[],
): S3Target | undefined {
  // A generated document that uploads evidence names the bucket in the parameters it takes.
  const generatedUse = generated.some((g) =>
    g.documents.some((d) => Object.values(d.parameters ?? {}).some((v) => new RegExp(PLACEHOLDERS.evidenceBucket.source).test(v))),
  );
  if (generatedUse || placeholderUse(reader, PLACEHOLDERS.evidenceBucket))
    return bakeryTarget(inputs, 'EvidenceBucketName', DEFAULTS.evidencePrefix(name));
  if (placeholderUse(reader, PLACEHOLDERS.artifactBucket)) return bakeryTarget(inputs, 'ArtifactBucketName', DEFAULTS.evidencePrefix(name));
  return undefined;
}

function managedComponentArn(managedName: string, version: string): unknown {
  return sub(`arn:\${AWS::Partition}:imagebuilder:\${AWS::Region}:aws:component/${escapeSub(managedName)}/${escapeSub(version)}`);
}

function parentImage(reader: RecipeReader): unknown {
  return (
    reader.derive(['parentImage', 'ssmParameter'], (parameter: string) => prefixed('ssm:', parameter)) ??
    reader.derive(['parentImage', 'managedImage'], (image: string) =>
      image.startsWith('arn:')
        ? partitionAware(image)
        : sub(`arn:\${AWS::Partition}:imagebuilder:\${AWS::Region}:aws:image/${escapeSub(image)}`),
    ) ??
    reader.src(['parentImage', 'amiId'])
  );
}

function rootVolume(reader: RecipeReader, windows: boolean): unknown {
  const base: JsonPath = ['build', 'rootVolume'];
  // Without an explicit root volume the parent image's own mapping applies; guessing a device
  // name here would add a second disk on images whose root is not the guessed device.
  if (!reader.has(base)) return undefined;
  return sourced(
    [
      {
        DeviceName: reader.srcOr([...base, 'deviceName'], windows ? DEFAULTS.windowsRootDevice : DEFAULTS.linuxRootDevice),
        Ebs: {
          DeleteOnTermination: true,
          Encrypted: reader.srcOr([...base, 'encrypted'], true),
          KmsKeyId: reader.derive([...base, 'kmsKeyId'], partitionAware),
          VolumeSize: reader.src([...base, 'sizeGiB']),
          VolumeType: reader.srcOr([...base, 'volumeType'], DEFAULTS.volumeType),
          Iops: reader.src([...base, 'iops']),
          Throughput: reader.src([...base, 'throughput']),
        },
      },
    ],
    reader.file,
    base,
  );
}

// --- infrastructure configuration ---------------------------------------------------------

interface Logs {
  target: S3Target | undefined;
  logging: unknown;
}

/**
 * Build logs go to the bakery artifact bucket under `image-builder-logs/<recipe>/` (the role may
 * write nowhere else there), or to a bucket the recipe names.
 */
function logTarget(reader: RecipeReader, inputs: TemplateInputs, name: string): Logs {
  const base: JsonPath = ['build', 'logging'];
  const prefixPath: JsonPath = [...base, 's3KeyPrefix'];
  const prefix = reader.string(prefixPath) ?? DEFAULTS.logPrefix(name);
  const keyPrefix = reader.srcOr(prefixPath, prefix);
  const bucket = reader.string([...base, 's3Bucket']);
  if (bucket !== undefined) {
    return {
      target: {
        bucketArn: sub(`arn:\${AWS::Partition}:s3:::${escapeSub(bucket)}`),
        objectsArn: sourced(logObjectsArn(bucket, prefix), reader.file, [...base, 's3Bucket']),
        bakeryKey: false,
      },
      logging: { S3Logs: { S3BucketName: reader.src([...base, 's3Bucket']), S3KeyPrefix: keyPrefix } },
    };
  }
  // The grant is always this recipe's own prefix: a recipe cannot write another recipe's logs.
  const target = bakeryTarget(inputs, 'ArtifactBucketName', DEFAULTS.logPrefix(name));
  return { target, logging: { S3Logs: { S3BucketName: ref('ArtifactBucketName'), S3KeyPrefix: keyPrefix } } };
}

function infrastructure(reader: RecipeReader, name: string, logging: unknown, tags: Record<string, unknown>): unknown {
  const build: JsonPath = ['build'];
  const imds: JsonPath = [...build, 'instanceMetadata'];
  const properties: Record<string, unknown> = {
    Name: stackScopedName('infrastructure'),
    Description: `Build and test instances of the ${name} recipe`,
    InstanceProfileName: ref('InstanceProfile'),
    InstanceTypes: reader.src([...build, 'instanceTypes']),
    SubnetId: reader.src([...build, 'subnetId']),
    SecurityGroupIds: reader.src([...build, 'securityGroupIds']),
    InstanceMetadataOptions: {
      HttpTokens: reader.srcOr([...imds, 'httpTokens'], DEFAULTS.httpTokens),
      HttpPutResponseHopLimit: reader.srcOr([...imds, 'httpPutResponseHopLimit'], DEFAULTS.hopLimit),
    },
    TerminateInstanceOnFailure: reader.srcOr([...build, 'terminateOnFailure'], true),
    Logging: logging,
    SnsTopicArn: reader.derive([...build, 'snsTopic'], (topic: string) =>
      topic.startsWith('arn:')
        ? partitionAware(topic)
        : sub(`arn:\${AWS::Partition}:sns:\${AWS::Region}:\${AWS::AccountId}:${escapeSub(topic)}`),
    ),
    // Tags on the build and test instances themselves, for cost and inventory.
    ResourceTags: tags,
    Tags: tags,
  };
  return { Type: 'AWS::ImageBuilder::InfrastructureConfiguration', Properties: properties };
}

// --- distribution configuration -----------------------------------------------------------

function distribution(reader: RecipeReader, inputs: TemplateInputs, name: string, tags: Record<string, unknown>): unknown {
  const base: JsonPath = ['distribution'];
  const regions = reader.list([...base, 'regions']);
  const regionValues: unknown[] = regions.length > 0 ? regions.map((_, i) => reader.src([...base, 'regions', i])) : [ref('AWS::Region')];
  const amiTags: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tags)) if (key !== RECIPE_TAG) amiTags[key] = value;
  for (const key of Object.keys(reader.record([...base, 'amiTags']) ?? {})) amiTags[key] = reader.src([...base, 'amiTags', key]);
  // Where this recipe version's evidence is; each image's build version (the last part of the AMI's
  // Ec2ImageBuilderArn tag) names its folder below it.
  if (inputs.parameters.has('EvidenceBucketName')) amiTags[EVIDENCE_TAG] = evidenceUri(name, reader.string(['version']) ?? '');
  amiTags[RECIPE_TAG] = name;

  const distributions = regionValues.map((region) => ({
    Region: region,
    AmiDistributionConfiguration: {
      Name: reader.srcOr([...base, 'amiName'], DEFAULTS.amiName(name)),
      Description: reader.src([...base, 'amiDescription']),
      AmiTags: amiTags,
      KmsKeyId: reader.derive([...base, 'kmsKeyId'], partitionAware),
      LaunchPermissionConfiguration: launchPermissions(reader, inputs),
      TargetAccountIds: nonEmptyList(reader, [...base, 'targetAccounts']),
    },
    SsmParameterConfigurations: [
      { ParameterName: reader.srcOr([...base, 'ssmParameter'], DEFAULTS.ssmParameter(name)), DataType: 'aws:ec2:image' },
    ],
  }));
  return {
    Type: 'AWS::ImageBuilder::DistributionConfiguration',
    Properties: {
      Name: stackScopedName('distribution'),
      Description: `Where the ${name} AMIs go and who may launch them`,
      Distributions: regions.length > 0 ? sourced(distributions, reader.file, [...base, 'regions']) : distributions,
      Tags: tags,
    },
  };
}

function launchPermissions(reader: RecipeReader, inputs: TemplateInputs): unknown {
  const base: JsonPath = ['distribution', 'launchPermissions'];
  if (!reader.has(base)) return undefined;
  const permissions: Record<string, unknown> = {};
  if (reader.get([...base, 'organization']) === true) {
    inputs.parameter('OrganizationId');
    inputs.parameter('ManagementAccountId');
    permissions.OrganizationArns = [
      sourced(sub('arn:${AWS::Partition}:organizations::${ManagementAccountId}:organization/${OrganizationId}'), reader.file, [
        ...base,
        'organization',
      ]),
    ];
  }
  const units = reader.list([...base, 'organizationalUnits']);
  if (units.length > 0) {
    inputs.parameter('OrganizationId');
    inputs.parameter('ManagementAccountId');
    permissions.OrganizationalUnitArns = units.map((unit, i) =>
      sourced(
        sub(`arn:\${AWS::Partition}:organizations::\${ManagementAccountId}:ou/\${OrganizationId}/${escapeSub(String(unit))}`),
        reader.file,
        [...base, 'organizationalUnits', i],
      ),
    );
  }
  permissions.UserIds = nonEmptyList(reader, [...base, 'accounts']);
  permissions.UserGroups = nonEmptyList(reader, [...base, 'userGroups']);
  const present = Object.values(permissions).some((value) => value !== undefined);
  return present ? sourced(permissions, reader.file, base) : undefined;
}

function nonEmptyList(reader: RecipeReader, path: JsonPath): unknown {
  return reader.list(path).length > 0 ? reader.src(path) : undefined;
}

// --- pipeline and lifecycle ---------------------------------------------------------------

function pipeline(reader: RecipeReader, name: string, tags: Record<string, unknown>): unknown {
  const schedule = reader.has(['schedule'])
    ? sourced(
        {
          ScheduleExpression: reader.src(['schedule', 'expression']),
          // Image Builder's own default skips runs when only OS packages changed (G5).
          PipelineExecutionStartCondition: reader.srcOr(['schedule', 'startCondition'], DEFAULTS.startCondition),
        },
        reader.file,
        ['schedule'],
      )
    : undefined;
  return {
    Type: 'AWS::ImageBuilder::ImagePipeline',
    Properties: {
      Name: stackScopedName('pipeline'),
      Description: reader.srcOr(['description'], `Bakes the ${name} AMI`),
      ImageRecipeArn: getAtt('ImageRecipe', 'Arn'),
      InfrastructureConfigurationArn: getAtt('InfrastructureConfiguration', 'Arn'),
      DistributionConfigurationArn: getAtt('DistributionConfiguration', 'Arn'),
      Status: 'ENABLED',
      // Inspector scanning needs the enhanced metadata (package inventory) of the image.
      EnhancedImageMetadataEnabled: true,
      ImageTestsConfiguration: {
        ImageTestsEnabled: reader.srcOr(['testing', 'enabled'], true),
        TimeoutMinutes: reader.srcOr(['testing', 'timeoutMinutes'], DEFAULTS.testTimeoutMinutes),
      },
      ImageScanningConfiguration: { ImageScanningEnabled: reader.srcOr(['scanning', 'inspector'], true) },
      Schedule: schedule,
      Tags: tags,
    },
  };
}

/**
 * Two rules over the recipe's images, oldest first: at `deleteAfterDays` the AMIs get their EC2
 * deprecation time (they still launch, but leave default searches), and `deprecationGraceDays`
 * later they are deleted with their snapshots. Neither touches the newest `keepLatest` images or
 * an AMI tagged `ami-bakery:retain=true`, and the deletion skips any AMI launched within
 * `keepLaunchedWithinDays` (LastLaunched covers launches in the accounts it is shared with).
 */
function lifecyclePolicy(reader: RecipeReader, name: string, tags: Record<string, unknown>): unknown {
  const base: JsonPath = ['lifecycle'];
  const deleteAfter = reader.get([...base, 'deleteAfterDays']);
  const deprecateAt = reader.srcOr([...base, 'deleteAfterDays'], DEFAULTS.deleteAfterDays);
  const deleteAt = Math.min(
    1000,
    (typeof deleteAfter === 'number' ? deleteAfter : DEFAULTS.deleteAfterDays) + DEFAULTS.deprecationGraceDays,
  );
  const retainAtLeast = reader.srcOr([...base, 'keepLatest'], DEFAULTS.keepLatest);
  const retained = { TagMap: { [RETAIN_TAG]: 'true' } };
  return {
    Type: 'AWS::ImageBuilder::LifecyclePolicy',
    // The policy names the recipe; create it after the recipe and delete it before.
    DependsOn: ['ImageRecipe'],
    Properties: {
      Name: stackScopedName('lifecycle'),
      Description: `Deprecates, then deletes old images of the ${name} recipe with their AMIs and snapshots, never one launched in the last ${DEFAULTS.keepLaunchedWithinDays} days; tag an AMI ${RETAIN_TAG}=true to keep it`,
      ExecutionRole: getAtt('LifecycleExecutionRole', 'Arn'),
      ResourceType: 'AMI_IMAGE',
      Status: 'ENABLED',
      ResourceSelection: { Recipes: [{ Name: reader.derive(['name'], () => stackScopedName()), SemanticVersion: 'x.x.x' }] },
      PolicyDetails: [
        {
          Action: { Type: 'DEPRECATE', IncludeResources: { Amis: true } },
          Filter: { Type: 'AGE', Value: deprecateAt, Unit: 'DAYS', RetainAtLeast: retainAtLeast },
          ExclusionRules: { Amis: retained },
        },
        {
          Action: { Type: 'DELETE', IncludeResources: { Amis: true, Snapshots: reader.srcOr([...base, 'deleteSnapshots'], true) } },
          Filter: { Type: 'AGE', Value: deleteAt, Unit: 'DAYS', RetainAtLeast: retainAtLeast },
          ExclusionRules: { Amis: { ...retained, LastLaunched: { Value: DEFAULTS.keepLaunchedWithinDays, Unit: 'DAYS' } } },
        },
      ],
      Tags: tags,
    },
  };
}
