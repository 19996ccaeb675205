/**
 * Contract between this stack and the bootstrap Lambda, both sides real: the custom resource in
 * the synthesized management template sets exactly the properties the Lambda accepts, and the
 * Lambda passes exactly the parameters the synthesized bakery stack declares.
 */
import { BAKERY_DEFAULTS, synthBakeryTemplate } from '@ami-bakery/bakery-stack';
import { desiredParameters, PROPERTY_NAMES, parseProperties, stackParameters } from '@ami-bakery/bootstrap-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Json, synthManagement } from './support.js';

process.env.CDK_VALIDATION = 'false';

/** CloudFormation adds these to every custom resource request; they are not settings. */
const CLOUDFORMATION_KEYS = ['ServiceTimeout', 'ServiceToken'];
/** Values for the parameters that have no usable default (the SSM variant's default is a parameter path). */
const TYPED_IN: Record<string, string> = {
  BakeryAccountId: '333333333333',
  BakeryRegion: 'eu-central-1',
  OrganizationId: 'o-a1b2c3d4e5',
  'AWS::AccountId': '222222222222',
};

function bootstrapResource(json: Json): Json {
  const found = Object.values(json.Resources as Record<string, Json>).filter((r) => r.Type === 'Custom::AmiBakeryBootstrap');
  if (found.length !== 1) throw new Error(`Expected one Custom::AmiBakeryBootstrap, found ${found.length}`);
  return (found[0] as Json).Properties as Json;
}

/** The properties as the Lambda receives them when the stack is deployed with its defaults. */
function deployedProperties(json: Json, properties: Json): Record<string, string> {
  const parameters = json.Parameters as Record<string, Json>;
  const value = (node: unknown, key: string): string => {
    if (typeof node === 'string') return node;
    const name = (node as { Ref?: string }).Ref;
    if (name === undefined) return `{${key}}`;
    if (name in TYPED_IN) return TYPED_IN[name] as string;
    const fallback = parameters[name]?.Default;
    if (typeof fallback !== 'string') throw new Error(`${key} refers to ${name}, which has no default: add it to TYPED_IN`);
    return fallback;
  };
  return Object.fromEntries(Object.entries(properties).map(([key, node]) => [key, value(node, key)]));
}

describe.each([
  { variant: 'cdk deploy (asset code, plain organization id)', props: {} },
  {
    variant: 'CloudFormation / CfCT (S3 code, SSM organization id)',
    props: { lambdaCode: { kind: 's3Parameters' as const }, organizationParameters: 'ssm' as const },
  },
])('Management stack -> bootstrap Lambda: $variant', ({ props }) => {
  let json: Json;
  let properties: Json;
  beforeAll(() => {
    ({ json } = synthManagement(props));
    properties = bootstrapResource(json);
  });

  it('sets exactly the custom resource properties the Lambda accepts', () => {
    const settings = Object.keys(properties).filter((key) => !CLOUDFORMATION_KEYS.includes(key));
    expect(settings.sort()).toEqual([...PROPERTY_NAMES].sort());
    expect(
      Object.keys(properties)
        .filter((key) => CLOUDFORMATION_KEYS.includes(key))
        .sort(),
    ).toEqual(CLOUDFORMATION_KEYS);
  });

  it('deployed with its defaults, hands the Lambda properties it parses (ServiceToken and ServiceTimeout included)', () => {
    // Act
    const parsed = parseProperties(deployedProperties(json, properties));

    // Assess
    expect(parsed).toEqual({
      bakeryAccountId: '333333333333',
      bakeryRegion: 'eu-central-1',
      configurationRoleName: 'ami-bakery-configuration',
      bakeryStackName: 'ami-bakery',
      namePrefix: BAKERY_DEFAULTS.NamePrefix,
      repositoryName: BAKERY_DEFAULTS.RepositoryName,
      branchName: BAKERY_DEFAULTS.BranchName,
      sourceType: BAKERY_DEFAULTS.SourceType,
      sourceObjectKey: BAKERY_DEFAULTS.SourceObjectKey,
      recipeStackPrefix: BAKERY_DEFAULTS.RecipeStackPrefix,
      organizationId: 'o-a1b2c3d4e5',
      managementAccountId: '222222222222',
      seedRecipes: 'all',
      purge: false,
      solutionVersion: '1.0.0',
      prune: 'true',
      deployConcurrency: '4',
      evidenceLockMode: 'NONE',
      evidenceLockDays: '365',
      notificationEmail: '',
    });
  });
});

describe('Bootstrap Lambda -> bakery stack parameters', () => {
  let bakery: Json;
  let declared: Record<string, Json>;
  beforeAll(() => {
    bakery = synthBakeryTemplate() as Json;
    declared = bakery.Parameters as Record<string, Json>;
  });
  const props = parseProperties({
    BakeryAccountId: '333333333333',
    BakeryRegion: 'eu-central-1',
    ConfigurationRoleName: 'ami-bakery-configuration',
    BakeryStackName: 'ami-bakery',
    OrganizationId: 'o-a1b2c3d4e5',
    ManagementAccountId: '222222222222',
  });

  const shipped = {
    deployerCodeKey: `deployer/${'a'.repeat(64)}.zip`,
    imageEventsCodeKey: `image-events/${'c'.repeat(64)}.zip`,
    guardRulesKey: `guard-rules/${'b'.repeat(64)}.zip`,
  };

  it('sets exactly the parameters the synthesized bakery stack declares', () => {
    expect(Object.keys(desiredParameters(props, shipped)).sort()).toEqual(Object.keys(declared).sort());
  });

  it('passes every one of them to CloudFormation, none dropped as undeclared', () => {
    // Prepare
    const body = JSON.stringify(bakery);
    const template = {
      body,
      bytes: Buffer.byteLength(body),
      parameters: new Map(Object.entries(declared).map(([name, spec]) => [name, { hasDefault: 'Default' in spec }])),
    };

    // Act
    const passed = stackParameters(template, props, shipped);

    // Assess
    expect(passed).toEqual([
      { ParameterKey: 'NamePrefix', ParameterValue: 'ami-bakery' },
      { ParameterKey: 'RepositoryName', ParameterValue: 'ami-bakery-recipes' },
      { ParameterKey: 'BranchName', ParameterValue: 'main' },
      { ParameterKey: 'SourceType', ParameterValue: 'CodeCommit' },
      { ParameterKey: 'SourceObjectKey', ParameterValue: 'source/bundle.zip' },
      { ParameterKey: 'OrganizationId', ParameterValue: 'o-a1b2c3d4e5' },
      { ParameterKey: 'ManagementAccountId', ParameterValue: '222222222222' },
      { ParameterKey: 'RecipeStackPrefix', ParameterValue: 'ami-bakery-recipe-' },
      { ParameterKey: 'Prune', ParameterValue: 'true' },
      { ParameterKey: 'DeployConcurrency', ParameterValue: '4' },
      { ParameterKey: 'EvidenceLockMode', ParameterValue: 'NONE' },
      { ParameterKey: 'EvidenceLockDays', ParameterValue: '365' },
      { ParameterKey: 'NotificationEmail', ParameterValue: '' },
      { ParameterKey: 'DeployerCodeKey', ParameterValue: shipped.deployerCodeKey },
      { ParameterKey: 'ImageEventsCodeKey', ParameterValue: shipped.imageEventsCodeKey },
      { ParameterKey: 'GuardRulesKey', ParameterValue: shipped.guardRulesKey },
    ]);
  });
});
