/**
 * Deliberately broken copies of tests/fixtures/valid-template.yaml (the cfn-lint fixture). Each
 * mutation replaces text without adding or removing lines, so expected lines stay those of the
 * valid template. Shared by the mutation test and the cfn-lint comparison test.
 */
import { readFileSync } from 'node:fs';

export const VALID_TEMPLATE_PATH = new URL('./fixtures/valid-template.yaml', import.meta.url);
export const VALID_TEMPLATE = readFileSync(VALID_TEMPLATE_PATH, 'utf8');

export interface Expected {
  ruleId: string;
  line: number;
  path: ReadonlyArray<string | number>;
}

export interface Mutation {
  name: string;
  find: string;
  replace: string;
  /** What the built-in checks report. Empty: a known miss (see `note`). */
  ours: Expected[];
  /** cfn-lint 1.51 rule ids expected for this template. Empty: cfn-lint misses it (see `note`). */
  cfnLint: string[];
  note?: string;
}

const RECIPE = ['Resources', 'ImageRecipe', 'Properties'];
const INFRA = ['Resources', 'InfrastructureConfiguration', 'Properties'];
const PIPELINE = ['Resources', 'ImagePipeline', 'Properties'];
const ROLE = ['Resources', 'ImageBuilderRole'];

export const MUTATIONS: Mutation[] = [
  // The three faults of the fixture's broken-template.yaml.
  {
    name: 'Ref to a misspelled role (broken fixture)',
    find: '- !Ref ImageBuilderRole',
    replace: '- !Ref ImageBuilderRoel',
    // cfn-lint reports this at the parent key (33); we point at the !Ref itself.
    ours: [{ ruleId: 'RB5005', line: 34, path: ['Resources', 'ImageBuilderInstanceProfile', 'Properties', 'Roles', 0, 'Ref'] }],
    cfnLint: ['E1020'],
  },
  {
    name: 'integer written as a word (broken fixture)',
    find: 'VolumeSize: 30',
    replace: 'VolumeSize: thirty',
    ours: [{ ruleId: 'RB5003', line: 68, path: [...RECIPE, 'BlockDeviceMappings', 0, 'Ebs', 'VolumeSize'] }],
    cfnLint: ['E3012'],
  },
  {
    name: 'required property renamed (broken fixture)',
    find: 'InstanceProfileName: !Ref',
    replace: 'InstanceProfile: !Ref',
    ours: [
      { ruleId: 'RB5002', line: 75, path: INFRA },
      { ruleId: 'RB5001', line: 77, path: [...INFRA, 'InstanceProfile'] },
    ],
    cfnLint: ['E3002', 'E3003'],
  },
  {
    name: 'unknown property',
    find: 'TerminateInstanceOnFailure: true',
    replace: 'TerminateOnFailure: true',
    ours: [{ ruleId: 'RB5001', line: 80, path: [...INFRA, 'TerminateOnFailure'] }],
    cfnLint: ['E3002'],
  },
  {
    name: 'missing required property',
    find: '      Version: 1.0.0\n      Platform: Linux',
    replace: '      # Version removed\n      Platform: Linux',
    ours: [{ ruleId: 'RB5002', line: 38, path: ['Resources', 'HardeningComponent', 'Properties'] }],
    cfnLint: ['E3003'],
  },
  {
    name: 'list where a boolean is expected',
    find: 'Encrypted: true',
    replace: 'Encrypted: [true]',
    ours: [{ ruleId: 'RB5003', line: 70, path: [...RECIPE, 'BlockDeviceMappings', 0, 'Ebs', 'Encrypted'] }],
    cfnLint: ['E3012'],
  },
  {
    name: 'map where an integer is expected',
    find: 'TimeoutMinutes: 60',
    replace: 'TimeoutMinutes: {Minutes: 60}',
    ours: [{ ruleId: 'RB5003', line: 106, path: [...PIPELINE, 'ImageTestsConfiguration', 'TimeoutMinutes'] }],
    cfnLint: ['E3012'],
  },
  {
    name: 'bad enum value (near miss)',
    find: 'Status: ENABLED',
    replace: 'Status: ENABLE',
    ours: [{ ruleId: 'RB5004', line: 103, path: [...PIPELINE, 'Status'] }],
    cfnLint: ['E3030'],
  },
  {
    name: 'bad enum value (unrelated)',
    find: 'Platform: Linux',
    replace: 'Platform: Plan9',
    ours: [{ ruleId: 'RB5004', line: 41, path: ['Resources', 'HardeningComponent', 'Properties', 'Platform'] }],
    cfnLint: ['E3030'],
  },
  {
    name: 'Ref to a missing parameter',
    find: 'ParentImage: !Ref ParentImage',
    replace: 'ParentImage: !Ref ParentImg',
    ours: [{ ruleId: 'RB5005', line: 62, path: [...RECIPE, 'ParentImage', 'Ref'] }],
    // cfn-lint also warns W2001 (the real parameter is now unused); we have no unused-parameter rule.
    cfnLint: ['E1020', 'W2001'],
  },
  {
    name: 'GetAtt of a missing attribute',
    find: '!GetAtt HardeningComponent.Arn',
    replace: '!GetAtt HardeningComponent.Arm',
    ours: [{ ruleId: 'RB5005', line: 64, path: [...RECIPE, 'Components', 0, 'ComponentArn', 'Fn::GetAtt', 1] }],
    cfnLint: ['E1010'],
  },
  {
    name: 'GetAtt of a missing resource',
    find: '!GetAtt ImageRecipe.Arn',
    replace: '!GetAtt ImageRecipes.Arn',
    ours: [{ ruleId: 'RB5005', line: 100, path: [...PIPELINE, 'ImageRecipeArn', 'Fn::GetAtt', 0] }],
    cfnLint: ['E1010'],
  },
  {
    name: 'Sub variable that names nothing',
    find: 'arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore',
    replace: 'arn:${AWS::Partitio}:iam::aws:policy/AmazonSSMManagedInstanceCore',
    ours: [{ ruleId: 'RB5005', line: 25, path: [...ROLE, 'Properties', 'ManagedPolicyArns', 0, 'Fn::Sub'] }],
    cfnLint: ['E1019'],
  },
  {
    name: 'literal arn:aws: partition',
    find: '- !Sub arn:${AWS::Partition}:iam::aws:policy/EC2InstanceProfileForImageBuilder',
    replace: '- arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder',
    ours: [{ ruleId: 'RB5008', line: 26, path: [...ROLE, 'Properties', 'ManagedPolicyArns', 1] }],
    cfnLint: [],
    note: "cfn-lint misses it: its partition rule (I3042) is informational and off by default, so a hard-coded 'arn:aws:' passes.",
  },
  {
    name: 'an Image Builder name over 128 characters',
    find: 'Name: hardening-component',
    replace: `Name: ${'h'.repeat(129)}`,
    ours: [{ ruleId: 'RB5009', line: 39, path: ['Resources', 'HardeningComponent', 'Properties', 'Name'] }],
    cfnLint: ['E3031'],
  },
  {
    name: 'a component document over 16,000 characters',
    find: '        name: hardening\n',
    replace: `        name: hardening ${'#'.repeat(17_000)}\n`,
    ours: [{ ruleId: 'RB5010', line: 43, path: ['Resources', 'HardeningComponent', 'Properties', 'Data'] }],
    cfnLint: ['E3033'],
  },
  {
    name: 'unknown resource type',
    find: 'Type: AWS::ImageBuilder::ImagePipeline',
    replace: 'Type: AWS::ImageBuilder::ImagePipelin',
    ours: [{ ruleId: 'RB5006', line: 97, path: ['Resources', 'ImagePipeline', 'Type'] }],
    cfnLint: ['E3006'],
  },
  {
    name: 'DependsOn a missing resource',
    find: '      Path: /\n\n  ImageBuilderInstanceProfile:',
    replace: '      Path: /\n    DependsOn: MissingRole\n  ImageBuilderInstanceProfile:',
    ours: [{ ruleId: 'RB5005', line: 28, path: [...ROLE, 'DependsOn'] }],
    cfnLint: ['E3005'],
  },
  {
    name: 'Fn::If on an undeclared condition',
    find: 'Status: ENABLED',
    replace: 'Status: !If [IsProd, ENABLED, DISABLED]',
    ours: [{ ruleId: 'RB5005', line: 103, path: [...PIPELINE, 'Status', 'Fn::If', 0] }],
    cfnLint: ['E1028'],
  },
  {
    name: 'resource without Type',
    find: '    Type: AWS::IAM::InstanceProfile',
    replace: '    Typ: AWS::IAM::InstanceProfile',
    ours: [
      { ruleId: 'RB5007', line: 29, path: ['Resources', 'ImageBuilderInstanceProfile'] },
      { ruleId: 'RB5007', line: 30, path: ['Resources', 'ImageBuilderInstanceProfile', 'Typ'] },
    ],
    // cfn-lint also drops the typeless resource from its Ref targets and adds E1020 on line 77.
    cfnLint: ['E1020', 'E3001'],
  },
  {
    name: 'Name breaking the service pattern',
    find: 'Name: hardening-component',
    replace: 'Name: hardening component!',
    ours: [],
    cfnLint: ['E3031'],
    note: 'We miss it: the resource database has no patterns or lengths; cfn-lint, which runs after the built-in checks, catches it.',
  },
];

export function applyMutation(mutation: Mutation): string {
  const parts = VALID_TEMPLATE.split(mutation.find);
  if (parts.length !== 2) throw new Error(`Mutation '${mutation.name}' must match exactly once; it matched ${parts.length - 1} times`);
  const text = parts.join(mutation.replace);
  if (text.split('\n').length !== VALID_TEMPLATE.split('\n').length) throw new Error(`Mutation '${mutation.name}' changed the line count`);
  return text;
}

/** File-name-safe form of a mutation name. */
export function slugOf(mutation: Mutation): string {
  return mutation.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
}
