import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseYaml, rangeOf } from '@ami-bakery/recipe-schema';
import { describe, expect, it } from 'vitest';
import { bundleRecipe, linkFor } from '../src/index.js';
import { at, bundleFixture, PACKAGE_DIR } from './helpers/fixtures.js';

const sub = (text: string) => ({ 'Fn::Sub': text });
const getAtt = (id: string, attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });
const instanceBoundary = { Ref: 'PermissionsBoundaryArn' };
const lifecycleBoundary = { Ref: 'LifecyclePermissionsBoundaryArn' };

describe('bundleRecipe: resources', () => {
  it.each([
    {
      fixture: 'full-linux',
      ids: [
        'InstanceRole',
        'InstanceProfile',
        'LifecycleExecutionRole',
        'ComponentSiteHardening',
        'ComponentCleanup',
        'ComponentAudit',
        'ImageRecipe',
        'InfrastructureConfiguration',
        'DistributionConfiguration',
        'ImagePipeline',
        'LifecyclePolicy',
      ],
    },
    {
      fixture: 'minimal',
      ids: [
        'InstanceRole',
        'InstanceProfile',
        'LifecycleExecutionRole',
        'ImageRecipe',
        'InfrastructureConfiguration',
        'DistributionConfiguration',
        'ImagePipeline',
        'LifecyclePolicy',
      ],
    },
    {
      fixture: 'pinned-ami',
      ids: [
        'InstanceRole',
        'InstanceProfile',
        'LifecycleExecutionRole',
        'ComponentComponentsBuildSetup',
        'ComponentComponentsTestSetup',
        'ImageRecipe',
        'InfrastructureConfiguration',
        'DistributionConfiguration',
        'ImagePipeline',
        'LifecyclePolicy',
      ],
    },
  ])('$fixture has exactly the expected logical ids, in a stable order', ({ fixture, ids }) => {
    // Act
    const { template } = bundleFixture(fixture);

    // Assess
    expect(Object.keys(template.Resources as object)).toEqual(ids);
  });

  it.each([
    ['InstanceRole', 'AWS::IAM::Role'],
    ['InstanceProfile', 'AWS::IAM::InstanceProfile'],
    ['LifecycleExecutionRole', 'AWS::IAM::Role'],
    ['ComponentSiteHardening', 'AWS::ImageBuilder::Component'],
    ['ImageRecipe', 'AWS::ImageBuilder::ImageRecipe'],
    ['InfrastructureConfiguration', 'AWS::ImageBuilder::InfrastructureConfiguration'],
    ['DistributionConfiguration', 'AWS::ImageBuilder::DistributionConfiguration'],
    ['ImagePipeline', 'AWS::ImageBuilder::ImagePipeline'],
    ['LifecyclePolicy', 'AWS::ImageBuilder::LifecyclePolicy'],
  ])('%s is an %s', (id, type) => {
    expect(at(bundleFixture('full-linux').template, `Resources.${id}.Type`)).toBe(type);
  });

  it.each([
    ['ComponentSiteHardening', '${AWS::StackName}-site-hardening'],
    ['ComponentCleanup', '${AWS::StackName}-cleanup'],
    ['ComponentAudit', '${AWS::StackName}-audit'],
    ['ImageRecipe', '${AWS::StackName}'],
    ['InfrastructureConfiguration', '${AWS::StackName}-infrastructure'],
    ['DistributionConfiguration', '${AWS::StackName}-distribution'],
    ['ImagePipeline', '${AWS::StackName}-pipeline'],
    ['LifecyclePolicy', '${AWS::StackName}-lifecycle'],
  ])('%s is named %s, so the deploy role that allows only RecipeStackPrefix* names covers it', (id, name) => {
    expect(at(bundleFixture('full-linux').template, `Resources.${id}.Properties.Name`)).toEqual(sub(name));
  });

  it.each([
    ['InstanceRole', 'Properties.Path'],
    ['LifecycleExecutionRole', 'Properties.Path'],
    ['InstanceProfile', 'Properties.Path'],
  ])('%s sits under the IAM path /<stack name>/ with a generated name', (id, property) => {
    const resource = at(bundleFixture('full-linux').template, `Resources.${id}`) as { Properties: Record<string, unknown> };
    expect(at(resource, property)).toEqual(sub('/${AWS::StackName}/'));
    expect(resource.Properties).not.toHaveProperty('RoleName');
    expect(resource.Properties).not.toHaveProperty('InstanceProfileName');
  });
});

describe('bundleRecipe: local components', () => {
  it('inlines the canonical document as Data: keys sorted, number tokens as written', () => {
    const { template } = bundleFixture('full-linux');
    expect(at(template, 'Resources.ComponentSiteHardening.Properties.Data')).toBe(
      [
        'description: Site SSH policy and login banner',
        'name: site-hardening',
        'parameters:',
        '  - AllowedUsers:',
        '      default: ec2-user',
        '      description: Users allowed to log in over SSH',
        '      type: string',
        'phases:',
        '  - name: build',
        '    steps:',
        '      - action: ExecuteBash',
        '        inputs:',
        '          commands:',
        '            - echo "AllowUsers {{ AllowedUsers }}" > /etc/ssh/sshd_config.d/50-allow-users.conf',
        '        name: AllowUsers',
        '      - action: CreateFile',
        '        inputs:',
        '          - content: Authorized use only.',
        '            overwrite: true',
        '            path: /etc/issue.net',
        '        name: Banner',
        '  - name: validate',
        '    steps:',
        '      - action: Assert',
        '        inputs:',
        '          fileExists: /etc/issue.net',
        '        name: CheckBanner',
        'schemaVersion: 1.0',
        '',
      ].join('\n'),
    );
  });

  it.each([
    { property: 'Version', expected: '1.0.3' },
    { property: 'Platform', expected: 'Linux' },
    { property: 'Description', expected: 'Site SSH policy and login banner' },
    { property: 'SupportedOsVersions', expected: undefined },
    { property: 'Type', expected: undefined },
  ])('sets $property to $expected', ({ property, expected }) => {
    expect(at(bundleFixture('full-linux').template, `Resources.ComponentSiteHardening.Properties.${property}`)).toEqual(expected);
  });

  it('describes the change by path, version and canonical content hash, never by commit', () => {
    const description = at(bundleFixture('full-linux').template, 'Resources.ComponentCleanup.Properties.ChangeDescription');
    expect(description).toMatch(/^components\/cleanup\.yaml 2\.0\.0 \(sha256 [0-9a-f]{16}\)$/);
  });

  it('names documents with the same basename after their folders', () => {
    const { template } = bundleFixture('pinned-ami');
    expect(at(template, 'Resources.ComponentComponentsBuildSetup.Properties.Name')).toEqual(
      sub('${AWS::StackName}-components-build-setup'),
    );
    expect(at(template, 'Resources.ComponentComponentsTestSetup.Properties.Name')).toEqual(sub('${AWS::StackName}-components-test-setup'));
    expect(at(template, 'Resources.ComponentComponentsBuildSetup.Properties.Description')).toBe(
      'components/build/setup.yaml of the pinned-ami recipe',
    );
  });
});

describe('bundleRecipe: image recipe', () => {
  it('lists build then test components in recipe order, managed ones by partition-aware ARN', () => {
    expect(at(bundleFixture('full-linux').template, 'Resources.ImageRecipe.Properties.Components')).toEqual([
      { ComponentArn: sub('arn:${AWS::Partition}:imagebuilder:${AWS::Region}:aws:component/update-linux/x.x.x') },
      {
        ComponentArn: sub('arn:${AWS::Partition}:imagebuilder:${AWS::Region}:aws:component/stig-build-linux/2025.1.x'),
        Parameters: [
          { Name: 'Level', Value: ['high'] },
          { Name: 'InstallPackages', Value: ['No'] },
        ],
      },
      { ComponentArn: getAtt('ComponentSiteHardening', 'Arn'), Parameters: [{ Name: 'AllowedUsers', Value: ['ec2-user', 'ssm-user'] }] },
      { ComponentArn: getAtt('ComponentCleanup', 'Arn') },
      { ComponentArn: sub('arn:${AWS::Partition}:imagebuilder:${AWS::Region}:aws:component/reboot-test-linux/x.x.x') },
      { ComponentArn: getAtt('ComponentAudit', 'Arn') },
    ]);
  });

  it.each([
    { fixture: 'full-linux', expected: 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' },
    { fixture: 'minimal', expected: 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64' },
    {
      fixture: 'windows-managed',
      expected: sub('arn:${AWS::Partition}:imagebuilder:${AWS::Region}:aws:image/windows-server-2022-english-full-base-x86/x.x.x'),
    },
    { fixture: 'pinned-ami', expected: 'ami-0abcdef1234567890' },
  ])('$fixture: ParentImage resolves at build time ($expected)', ({ fixture, expected }) => {
    expect(at(bundleFixture(fixture).template, 'Resources.ImageRecipe.Properties.ParentImage')).toEqual(expected);
  });

  it.each([
    {
      fixture: 'full-linux',
      expected: [
        {
          DeviceName: '/dev/xvda',
          Ebs: {
            DeleteOnTermination: true,
            Encrypted: true,
            KmsKeyId: 'alias/ami-bakery-ebs',
            VolumeSize: 30,
            VolumeType: 'gp3',
            Iops: 4000,
            Throughput: 250,
          },
        },
      ],
    },
    {
      fixture: 'windows-managed',
      expected: [{ DeviceName: '/dev/sda1', Ebs: { DeleteOnTermination: true, Encrypted: true, VolumeSize: 60, VolumeType: 'gp3' } }],
    },
    { fixture: 'minimal', expected: undefined },
  ])('$fixture: BlockDeviceMappings', ({ fixture, expected }) => {
    expect(at(bundleFixture(fixture).template, 'Resources.ImageRecipe.Properties.BlockDeviceMappings')).toEqual(expected);
  });

  it.each([
    { fixture: 'full-linux', expected: '/var/tmp/imagebuilder' },
    { fixture: 'pinned-ami', expected: '/opt/imagebuilder' },
    { fixture: 'windows-managed', expected: undefined },
  ])('$fixture: WorkingDirectory is $expected', ({ fixture, expected }) => {
    expect(at(bundleFixture(fixture).template, 'Resources.ImageRecipe.Properties.WorkingDirectory')).toBe(expected);
  });

  it('sets no AdditionalInstanceConfiguration (nothing in a recipe needs one)', () => {
    expect(at(bundleFixture('full-linux').template, 'Resources.ImageRecipe.Properties')).not.toHaveProperty(
      'AdditionalInstanceConfiguration',
    );
  });
});

describe('bundleRecipe: infrastructure configuration', () => {
  it.each([
    { fixture: 'full-linux', property: 'InstanceTypes', expected: ['m6i.large', 'm5.large'] },
    { fixture: 'full-linux', property: 'InstanceProfileName', expected: { Ref: 'InstanceProfile' } },
    { fixture: 'full-linux', property: 'SubnetId', expected: 'subnet-0123456789abcdef0' },
    { fixture: 'full-linux', property: 'SecurityGroupIds', expected: ['sg-0123456789abcdef0'] },
    { fixture: 'minimal', property: 'SubnetId', expected: undefined },
    { fixture: 'full-linux', property: 'InstanceMetadataOptions', expected: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } },
    { fixture: 'minimal', property: 'InstanceMetadataOptions', expected: { HttpTokens: 'required', HttpPutResponseHopLimit: 2 } },
    { fixture: 'minimal', property: 'TerminateInstanceOnFailure', expected: true },
    {
      fixture: 'full-linux',
      property: 'Logging',
      expected: { S3Logs: { S3BucketName: { Ref: 'ArtifactBucketName' }, S3KeyPrefix: 'image-builder-logs/full-linux' } },
    },
    {
      fixture: 'windows-managed',
      property: 'Logging',
      expected: { S3Logs: { S3BucketName: 'central-build-logs', S3KeyPrefix: 'windows/stig' } },
    },
    {
      fixture: 'full-linux',
      property: 'SnsTopicArn',
      expected: sub('arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:ami-bakery-builds'),
    },
    { fixture: 'windows-managed', property: 'SnsTopicArn', expected: sub('arn:${AWS::Partition}:sns:us-gov-west-1:111122223333:builds') },
    { fixture: 'minimal', property: 'SnsTopicArn', expected: undefined },
    {
      fixture: 'full-linux',
      property: 'ResourceTags',
      expected: { CostCenter: 'platform', Owner: 'cloud-team', 'ami-bakery:recipe': 'full-linux' },
    },
  ])('$fixture: $property', ({ fixture, property, expected }) => {
    expect(at(bundleFixture(fixture).template, `Resources.InfrastructureConfiguration.Properties.${property}`)).toEqual(expected);
  });
});

describe('bundleRecipe: distribution configuration', () => {
  it('writes one distribution per region with org, OU and account launch permissions built from parameters', () => {
    const distributions = at(
      bundleFixture('full-linux').template,
      'Resources.DistributionConfiguration.Properties.Distributions',
    ) as unknown[];
    const expected = (region: string) => ({
      Region: region,
      AmiDistributionConfiguration: {
        Name: 'full-linux-{{ imagebuilder:buildDate }}',
        Description: 'Hardened Amazon Linux 2023 (STIG high)',
        AmiTags: { CostCenter: 'platform', Owner: 'cloud-team', Compliance: 'stig-high', 'ami-bakery:recipe': 'full-linux' },
        KmsKeyId: sub('arn:${AWS::Partition}:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
        LaunchPermissionConfiguration: {
          OrganizationArns: [sub('arn:${AWS::Partition}:organizations::${ManagementAccountId}:organization/${OrganizationId}')],
          OrganizationalUnitArns: [
            sub('arn:${AWS::Partition}:organizations::${ManagementAccountId}:ou/${OrganizationId}/ou-ab12-cdef3456'),
          ],
          UserIds: ['444455556666'],
        },
        TargetAccountIds: ['777788889999'],
      },
      SsmParameterConfigurations: [{ ParameterName: '/golden/al2023/latest', DataType: 'aws:ec2:image' }],
    });
    expect(distributions).toEqual([expected('eu-west-1'), expected('eu-central-1')]);
  });

  it.each([
    {
      fixture: 'minimal',
      expected: [
        {
          Region: { Ref: 'AWS::Region' },
          AmiDistributionConfiguration: { Name: 'minimal-{{ imagebuilder:buildDate }}', AmiTags: { 'ami-bakery:recipe': 'minimal' } },
          SsmParameterConfigurations: [{ ParameterName: '/ami-bakery/minimal/latest', DataType: 'aws:ec2:image' }],
        },
      ],
    },
    {
      fixture: 'windows-managed',
      expected: [
        {
          Region: { Ref: 'AWS::Region' },
          AmiDistributionConfiguration: {
            Name: 'windows-2022-stig-{{ imagebuilder:buildDate }}',
            AmiTags: { 'ami-bakery:recipe': 'windows-managed' },
            LaunchPermissionConfiguration: { UserIds: ['444455556666', '777788889999'] },
          },
          SsmParameterConfigurations: [{ ParameterName: '/ami-bakery/windows-managed/latest', DataType: 'aws:ec2:image' }],
        },
      ],
    },
  ])('$fixture: defaults to the stack region and the default SSM parameter', ({ fixture, expected }) => {
    expect(at(bundleFixture(fixture).template, 'Resources.DistributionConfiguration.Properties.Distributions')).toEqual(expected);
  });
});

describe('bundleRecipe: image pipeline', () => {
  it.each([
    {
      fixture: 'full-linux',
      expected: {
        Schedule: { ScheduleExpression: 'cron(0 4 ? * sun *)', PipelineExecutionStartCondition: 'EXPRESSION_MATCH_ONLY' },
        ImageTestsConfiguration: { ImageTestsEnabled: true, TimeoutMinutes: 120 },
        ImageScanningConfiguration: { ImageScanningEnabled: true },
      },
    },
    {
      fixture: 'windows-managed',
      expected: {
        Schedule: {
          ScheduleExpression: 'cron(0 2 1 * ? *)',
          PipelineExecutionStartCondition: 'EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE',
        },
        ImageTestsConfiguration: { ImageTestsEnabled: false, TimeoutMinutes: 90 },
        ImageScanningConfiguration: { ImageScanningEnabled: false },
      },
    },
    {
      fixture: 'minimal',
      expected: {
        Schedule: undefined,
        ImageTestsConfiguration: { ImageTestsEnabled: true, TimeoutMinutes: 90 },
        ImageScanningConfiguration: { ImageScanningEnabled: true },
      },
    },
  ])('$fixture: schedule, tests and Inspector scanning', ({ fixture, expected }) => {
    const properties = at(bundleFixture(fixture).template, 'Resources.ImagePipeline.Properties') as Record<string, unknown>;
    expect({
      Schedule: properties.Schedule,
      ImageTestsConfiguration: properties.ImageTestsConfiguration,
      ImageScanningConfiguration: properties.ImageScanningConfiguration,
    }).toEqual(expected);
  });

  it('wires the recipe, infrastructure and distribution by ARN and enables enhanced metadata', () => {
    const properties = at(bundleFixture('minimal').template, 'Resources.ImagePipeline.Properties') as Record<string, unknown>;
    expect(properties).toMatchObject({
      ImageRecipeArn: getAtt('ImageRecipe', 'Arn'),
      InfrastructureConfigurationArn: getAtt('InfrastructureConfiguration', 'Arn'),
      DistributionConfigurationArn: getAtt('DistributionConfiguration', 'Arn'),
      Status: 'ENABLED',
      EnhancedImageMetadataEnabled: true,
    });
  });
});

describe('bundleRecipe: lifecycle policy', () => {
  it.each([
    { fixture: 'full-linux', days: 30, keep: 3, snapshots: true },
    { fixture: 'windows-managed', days: 180, keep: 2, snapshots: false },
    { fixture: 'minimal', days: 90, keep: 5, snapshots: true },
  ])(
    '$fixture: deprecates after $days days, deletes 30 days later unless launched in the last 90, keeping $keep, snapshots $snapshots, any recipe version',
    ({ fixture, days, keep, snapshots }) => {
      const { template } = bundleFixture(fixture);
      expect(at(template, 'Resources.ImageRecipe.Properties.Name')).toEqual(sub('${AWS::StackName}'));
      expect(at(template, 'Resources.LifecyclePolicy.Properties')).toMatchObject({
        ExecutionRole: getAtt('LifecycleExecutionRole', 'Arn'),
        ResourceType: 'AMI_IMAGE',
        Status: 'ENABLED',
        ResourceSelection: { Recipes: [{ Name: sub('${AWS::StackName}'), SemanticVersion: 'x.x.x' }] },
        PolicyDetails: [
          {
            Action: { Type: 'DEPRECATE', IncludeResources: { Amis: true } },
            Filter: { Type: 'AGE', Value: days, Unit: 'DAYS', RetainAtLeast: keep },
            ExclusionRules: { Amis: { TagMap: { 'ami-bakery:retain': 'true' } } },
          },
          {
            Action: { Type: 'DELETE', IncludeResources: { Amis: true, Snapshots: snapshots } },
            Filter: { Type: 'AGE', Value: days + 30, Unit: 'DAYS', RetainAtLeast: keep },
            ExclusionRules: { Amis: { TagMap: { 'ami-bakery:retain': 'true' }, LastLaunched: { Value: 90, Unit: 'DAYS' } } },
          },
        ],
      });
    },
  );
});

describe('bundleRecipe: IAM', () => {
  it('gives the build instance the two managed policies by partition, its boundary, PutObject under its log prefix only, and the bakery key through S3 for it', () => {
    const role = at(bundleFixture('full-linux').template, 'Resources.InstanceRole.Properties') as Record<string, unknown>;
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(role.ManagedPolicyArns).toEqual([
      sub('arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore'),
      sub('arn:${AWS::Partition}:iam::aws:policy/EC2InstanceProfileForImageBuilder'),
    ]);
    expect(role.PermissionsBoundary).toEqual(instanceBoundary);
    expect(role.Policies).toEqual([
      {
        PolicyName: 'write-build-logs',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'WriteBuildLogs',
              Effect: 'Allow',
              Action: 's3:PutObject',
              Resource: sub('arn:${AWS::Partition}:s3:::${ArtifactBucketName}/image-builder-logs/full-linux/*'),
            },
          ],
        },
      },
      {
        PolicyName: 'use-bakery-key-through-s3',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'EncryptUploadsThroughS3',
              Effect: 'Allow',
              Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
              Resource: { Ref: 'ArtifactKeyArn' },
              Condition: {
                StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.${AWS::URLSuffix}') },
                StringLike: {
                  'kms:EncryptionContext:aws:s3:arn': [
                    sub('arn:${AWS::Partition}:s3:::${ArtifactBucketName}'),
                    sub('arn:${AWS::Partition}:s3:::${ArtifactBucketName}/image-builder-logs/full-linux/*'),
                  ],
                },
              },
            },
          ],
        },
      },
    ]);
  });

  it('scopes the log statement to a bucket named in the recipe', () => {
    const statements = at(
      bundleFixture('windows-managed').template,
      'Resources.InstanceRole.Properties.Policies.0.PolicyDocument.Statement',
    );
    expect(statements).toEqual([
      {
        Sid: 'WriteBuildLogs',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: sub('arn:${AWS::Partition}:s3:::central-build-logs/windows/stig/*'),
      },
    ]);
  });

  it('trusts only Image Builder acting for this account with the lifecycle role', () => {
    const role = at(bundleFixture('minimal').template, 'Resources.LifecycleExecutionRole.Properties') as Record<string, unknown>;
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'imagebuilder.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
    expect(role.ManagedPolicyArns).toEqual([
      sub('arn:${AWS::Partition}:iam::aws:policy/service-role/EC2ImageBuilderLifecycleExecutionPolicy'),
    ]);
    expect(role.PermissionsBoundary).toEqual(lifecycleBoundary);
    expect(role).not.toHaveProperty('Policies');
  });

  it('attaches the instance profile to the instance role', () => {
    expect(at(bundleFixture('minimal').template, 'Resources.InstanceProfile.Properties')).toEqual({
      Path: sub('/${AWS::StackName}/'),
      Roles: [{ Ref: 'InstanceRole' }],
    });
  });

  it.each(['full-linux', 'minimal', 'windows-managed', 'pinned-ami'])('%s: no IAM statement allows a wildcard action', (fixture) => {
    const actions: unknown[] = [];
    JSON.stringify(bundleFixture(fixture).template, (key, value) => {
      if (key === 'Statement') for (const statement of value as { Action: unknown }[]) actions.push(...[statement.Action].flat());
      return value;
    });
    expect(actions).toContain('sts:AssumeRole');
    for (const action of actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
  });
});

describe('bundleRecipe: parameters, rules and outputs', () => {
  it.each([
    {
      fixture: 'full-linux',
      parameters: [
        'ArtifactBucketName',
        'ArtifactKeyArn',
        'LifecyclePermissionsBoundaryArn',
        'ManagementAccountId',
        'OrganizationId',
        'PermissionsBoundaryArn',
      ],
      conditions: [],
      rules: ['OrganizationSharing'],
    },
    {
      fixture: 'minimal',
      parameters: ['ArtifactBucketName', 'ArtifactKeyArn', 'LifecyclePermissionsBoundaryArn', 'PermissionsBoundaryArn'],
      conditions: [],
      rules: [],
    },
    { fixture: 'windows-managed', parameters: ['LifecyclePermissionsBoundaryArn', 'PermissionsBoundaryArn'], conditions: [], rules: [] },
  ])('$fixture declares only the parameters it uses: $parameters', ({ fixture, parameters, conditions, rules }) => {
    const result = bundleFixture(fixture);
    expect(Object.keys(result.template.Parameters as object)).toEqual(parameters);
    expect(result.parameters).toEqual(parameters);
    expect(Object.keys((result.template.Conditions as object | undefined) ?? {})).toEqual(conditions);
    expect(Object.keys((result.template.Rules as object | undefined) ?? {})).toEqual(rules);
  });

  it.each([
    { name: 'ArtifactBucketName', fallback: undefined, valid: ['ami-bakery-artifacts-111122223333'], invalid: ['', 'Bad_Bucket', 'a'] },
    {
      name: 'ArtifactKeyArn',
      fallback: undefined,
      valid: ['arn:aws-cn:kms:cn-north-1:111122223333:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d'],
      invalid: ['', 'alias/bakery'],
    },
    {
      name: 'PermissionsBoundaryArn',
      fallback: undefined,
      valid: ['arn:aws-us-gov:iam::111122223333:policy/bakery/boundary'],
      invalid: ['', 'boundary', 'arn:aws-cn:iam::1:policy/x'],
    },
    {
      name: 'LifecyclePermissionsBoundaryArn',
      fallback: undefined,
      valid: ['arn:aws-us-gov:iam::111122223333:policy/bakery/lifecycle'],
      invalid: ['', 'boundary'],
    },
    { name: 'OrganizationId', fallback: '', valid: ['', 'o-a1b2c3d4e5'], invalid: ['o-short', 'org-a1b2c3d4e5'] },
    { name: 'ManagementAccountId', fallback: '', valid: ['', '111122223333'], invalid: ['11112222333', 'abc'] },
  ])('$name: default $fallback, its pattern accepts $valid', ({ name, fallback, valid, invalid }) => {
    const parameter = at(bundleFixture('full-linux').template, `Parameters.${name}`) as {
      Default?: string;
      AllowedPattern: string;
      Type: string;
    };
    const pattern = new RegExp(parameter.AllowedPattern);
    expect(parameter.Type).toBe('String');
    expect(parameter.Default).toBe(fallback);
    for (const value of valid) expect(value).toMatch(pattern);
    for (const value of invalid) expect(value).not.toMatch(pattern);
  });

  it('asserts the organization parameters are set when the AMI is shared with the organization', () => {
    expect(at(bundleFixture('full-linux').template, 'Rules.OrganizationSharing.Assertions')).toEqual([
      {
        Assert: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'OrganizationId' }, ''] }] },
        AssertDescription: expect.stringContaining('OrganizationId must be set'),
      },
      {
        Assert: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ManagementAccountId' }, ''] }] },
        AssertDescription: expect.stringContaining('ManagementAccountId must be set'),
      },
    ]);
  });

  it.each([
    { fixture: 'full-linux', ssm: '/golden/al2023/latest' },
    { fixture: 'minimal', ssm: '/ami-bakery/minimal/latest' },
  ])('$fixture outputs the pipeline ARN and the SSM parameter $ssm', ({ fixture, ssm }) => {
    expect(bundleFixture(fixture).template.Outputs).toEqual({
      PipelineArn: { Description: 'ARN of the image pipeline', Value: getAtt('ImagePipeline', 'Arn') },
      SsmParameterName: { Description: expect.any(String), Value: ssm },
    });
  });

  it.each(['full-linux', 'minimal', 'windows-managed', 'pinned-ami'])(
    '%s: no hard-coded partition and no per-region AMI map',
    (fixture) => {
      const { templateText, template } = bundleFixture(fixture);
      expect(templateText).not.toMatch(/arn:aws[-a-z]*:/);
      expect(template).not.toHaveProperty('Mappings');
      expect(templateText).not.toContain('{{resolve:ssm');
      expect(templateText).not.toContain('AWS::SSM::Parameter::Value');
    },
  );

  it('has no literal partition in the bundler source either', () => {
    const files = readdirSync(path.join(PACKAGE_DIR, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(readFileSync(path.join(PACKAGE_DIR, 'src', file), 'utf8'), file).not.toContain('arn:aws:');
  });
});

describe('bundleRecipe: source links', () => {
  it.each([
    { templatePath: 'Resources.ImageRecipe.Properties.Name', file: 'tests/fixtures/full-linux/recipe.yaml', path: 'name' },
    { templatePath: 'Resources.ImageRecipe.Properties.Version', file: 'tests/fixtures/full-linux/recipe.yaml', path: 'version' },
    {
      templatePath: 'Resources.ComponentSiteHardening.Properties.Name',
      file: 'tests/fixtures/full-linux/recipe.yaml',
      path: 'components.2.file',
    },
    {
      templatePath: 'Resources.LifecyclePolicy.Properties.ResourceSelection.Recipes.0.Name',
      file: 'tests/fixtures/full-linux/recipe.yaml',
      path: 'name',
    },
    {
      templatePath: 'Resources.ImageRecipe.Properties.ParentImage',
      file: 'tests/fixtures/full-linux/recipe.yaml',
      path: 'parentImage.ssmParameter',
    },
    {
      templatePath: 'Resources.ImageRecipe.Properties.Components.1.ComponentArn',
      file: 'tests/fixtures/full-linux/recipe.yaml',
      path: 'components.1.managed',
    },
    {
      templatePath: 'Resources.ImageRecipe.Properties.Components.2.Parameters.0.Value',
      file: 'tests/fixtures/full-linux/recipe.yaml',
      path: 'components.2.parameters.AllowedUsers',
    },
    {
      templatePath: 'Resources.ImageRecipe.Properties.Components.5.ComponentArn',
      file: 'tests/fixtures/full-linux/recipe.yaml',
      path: 'tests.1.file',
    },
    {
      templatePath: 'Resources.ComponentSiteHardening.Properties.Data',
      file: 'tests/fixtures/full-linux/components/site-hardening.yaml',
      path: '',
    },
    {
      templatePath: 'Resources.ComponentSiteHardening.Properties.Version',
      file: 'tests/fixtures/full-linux/recipe.yaml',
      path: 'components.2.version',
    },
    {
      templatePath: 'Resources.InfrastructureConfiguration.Properties.InstanceMetadataOptions.HttpPutResponseHopLimit',
      file: 'tests/fixtures/full-linux/recipe.yaml',
      path: 'build.instanceMetadata.httpPutResponseHopLimit',
    },
    {
      templatePath: 'Resources.DistributionConfiguration.Properties.Distributions.1.Region',
      file: 'tests/fixtures/full-linux/recipe.yaml',
      path: 'distribution.regions.1',
    },
    {
      templatePath:
        'Resources.DistributionConfiguration.Properties.Distributions.0.AmiDistributionConfiguration.LaunchPermissionConfiguration.OrganizationalUnitArns.0',
      file: 'tests/fixtures/full-linux/recipe.yaml',
      path: 'distribution.launchPermissions.organizationalUnits.0',
    },
    {
      templatePath: 'Resources.LifecyclePolicy.Properties.PolicyDetails.0.Filter.RetainAtLeast',
      file: 'tests/fixtures/full-linux/recipe.yaml',
      path: 'lifecycle.keepLatest',
    },
  ])('links $templatePath to $file:$path', ({ templatePath, file, path: sourcePath }) => {
    const split = (dotted: string) => (dotted === '' ? [] : dotted.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)));
    expect(bundleFixture('full-linux').links).toContainEqual({ templatePath: split(templatePath), file, path: split(sourcePath) });
  });

  it('points every link at a template value that exists and a source value that exists', () => {
    const { links, template } = bundleFixture('full-linux');
    for (const link of links) {
      expect(at(template, link.templatePath.join('.')), link.templatePath.join('.')).toBeDefined();
      const text = readFileSync(path.join(PACKAGE_DIR, link.file), 'utf8');
      const { parsed } = parseYaml(text, link.file);
      expect(
        at(parsed.data, link.path.join('.')) ?? (link.path.length === 0 ? parsed.data : undefined),
        `${link.file}:${link.path.join('.')}`,
      ).toBeDefined();
    }
  });

  it.each([
    { templatePath: 'Resources/ImageRecipe/Properties/BlockDeviceMappings/0/Ebs/Encrypted', expected: 'build.rootVolume' },
    { templatePath: 'Resources/ImageRecipe/Properties/BlockDeviceMappings/0/Ebs/VolumeSize', expected: 'build.rootVolume.sizeGiB' },
    { templatePath: 'Resources/InfrastructureConfiguration/Properties/TerminateInstanceOnFailure', expected: 'build' },
    { templatePath: 'Resources/ComponentCleanup/Properties/Data', expected: '' },
    { templatePath: 'Resources/InstanceRole/Properties/ManagedPolicyArns/0', expected: undefined },
  ])('linkFor falls back to the closest authored ancestor of $templatePath', ({ templatePath, expected }) => {
    const segments = templatePath.split('/').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    expect(linkFor(bundleFixture('full-linux').links, segments)?.path.join('.')).toBe(expected);
  });

  it('lets a checker turn a template path into the recipe line', () => {
    const { links } = bundleFixture('full-linux');
    const link = links.find((l) => l.templatePath.join('.') === 'Resources.LifecyclePolicy.Properties.PolicyDetails.0.Filter.Value');
    const text = readFileSync(path.join(PACKAGE_DIR, link?.file ?? ''), 'utf8');
    const range = rangeOf(parseYaml(text, 'recipe.yaml').parsed, link?.path ?? []);
    expect(range.start).toEqual({ line: text.split('\n').findIndex((l) => l.includes('deleteAfterDays')) + 1, column: 20 });
  });
});

describe('bundleRecipe: invalid input', () => {
  it('returns the validation findings and no template when the recipe has errors', () => {
    const result = bundleRecipe('tests/fixtures/duplicate-key', { cwd: PACKAGE_DIR, sourceCommit: null });
    expect(result.ok).toBe(false);
    expect(result.template).toBeUndefined();
    expect(result.templateText).toBeUndefined();
    expect(result.manifest).toBeUndefined();
    expect(result.findings.map((f) => [f.ruleId, f.file, f.severity, f.range.start.line])).toContainEqual([
      'RB0003',
      'tests/fixtures/duplicate-key/recipe.yaml',
      'error',
      11,
    ]);
  });

  it('reports a missing recipe.yaml as unreadable', () => {
    const result = bundleRecipe('tests/fixtures/no-such-recipe', { cwd: PACKAGE_DIR, sourceCommit: null });
    expect(result.ok).toBe(false);
    expect(result.findings.map((f) => [f.ruleId, f.file])).toEqual([['RB0005', 'tests/fixtures/no-such-recipe/recipe.yaml']]);
  });
});
