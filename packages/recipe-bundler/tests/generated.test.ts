import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateWindowsControls } from '@ami-bakery/recipe-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bundleRecipe, checkVersions } from '../src/index.js';
import { at, bundleFixture, FIXTURES, PACKAGE_DIR } from './helpers/fixtures.js';
import { RecipeRepo } from './helpers/recipe-repo.js';

const sub = (text: string) => ({ 'Fn::Sub': text });
const TABLE = 'controls/settings.yaml';

let current: RecipeRepo | undefined;
afterEach(() => {
  current?.cleanup();
  current = undefined;
});

describe('bundleRecipe: generated components', () => {
  const { template, manifest, links } = bundleFixture('generated-windows');
  const table = parse(readFileSync(path.join(FIXTURES, 'generated-windows', TABLE), 'utf8'));
  const expected = generateWindowsControls(table, { baseName: 'generated-windows-settings', tableFile: TABLE });

  const logicalId = (suffix: string) => `ComponentSettings${suffix.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())}`;

  it('deploys each generated document (build parts and the test-phase verify document) as a component of its own, with the document as Data', () => {
    const parts = expected.map((document) => ({
      Name: sub(`\${AWS::StackName}-settings-${document.suffix}`),
      Version: '2.1.0',
      Platform: 'Windows',
      Data: document.text,
      ChangeDescription: expect.stringMatching(
        new RegExp(`^controls/settings\\.yaml 2\\.1\\.0 part ${document.part} of ${document.parts} \\(sha256 [0-9a-f]{16}\\)$`),
      ),
    }));
    expect(expected.map((d) => `${d.stage} ${d.suffix} ${(d.data.phases as { name: string }[]).map((p) => p.name).join('+')}`)).toEqual([
      'build part-1 build+validate',
      'test verify test',
    ]);
    expect(expected.map((d) => at(template, `Resources.${logicalId(d.suffix)}.Properties`))).toEqual(
      parts.map((p) => expect.objectContaining(p)),
    );
  });

  it('lists the parts in place of the entry in the image recipe, then the verify document with the evidence parameters', () => {
    expect(at(template, 'Resources.ImageRecipe.Properties.Components')).toEqual([
      { ComponentArn: sub('arn:${AWS::Partition}:imagebuilder:${AWS::Region}:aws:component/update-windows/x.x.x') },
      { ComponentArn: { 'Fn::GetAtt': ['ComponentSettingsPart1', 'Arn'] } },
      {
        ComponentArn: { 'Fn::GetAtt': ['ComponentSettingsVerify', 'Arn'] },
        Parameters: [
          { Name: 'EvidenceBucket', Value: [{ Ref: 'EvidenceBucketName' }] },
          { Name: 'EvidencePrefix', Value: ['evidence/generated-windows/1.0.0'] },
        ],
      },
      { ComponentArn: sub('arn:${AWS::Partition}:imagebuilder:${AWS::Region}:aws:component/reboot-test-windows/x.x.x') },
    ]);
  });

  it('records the table as an input and every part as a local component of the table', () => {
    expect(manifest?.inputs.map((i) => i.path)).toEqual([TABLE, 'recipe.yaml']);
    expect(manifest?.components.filter((c) => c.file === TABLE)).toEqual(
      expected.map((d) => ({
        kind: 'local',
        name: `ami-bakery-recipe-generated-windows-settings-${d.suffix}`,
        version: '2.1.0',
        file: TABLE,
      })),
    );
  });

  it('declares the evidence bucket and tags the AMI with where the evidence of its recipe version goes', () => {
    expect(Object.keys(template.Parameters as object)).toContain('EvidenceBucketName');
    expect(
      at(
        template,
        'Resources.DistributionConfiguration.Properties.Distributions.0.AmiDistributionConfiguration.AmiTags.ami-bakery:evidence',
      ),
    ).toEqual(sub('s3://${EvidenceBucketName}/evidence/generated-windows/1.0.0/'));
  });

  it('links each part to the table, so template findings land in the file the author edits', () => {
    expect(links).toContainEqual({
      templatePath: ['Resources', 'ComponentSettingsPart1'],
      file: `tests/fixtures/generated-windows/${TABLE}`,
      path: [],
    });
    expect(links).toContainEqual({
      templatePath: ['Resources', 'ComponentSettingsPart1', 'Properties', 'Name'],
      file: 'tests/fixtures/generated-windows/recipe.yaml',
      path: ['components', 1, 'table'],
    });
  });

  it('changes the content hash with a table value, not with a table comment', () => {
    // Prepare
    current = new RecipeRepo('generated-windows');
    const before = bundleRecipe(current.recipeDir, { cwd: PACKAGE_DIR, sourceCommit: null }).manifest?.contentHash;

    // Act
    current.edit(TABLE, (t) => `# reviewed\n${t}`);
    const commented = bundleRecipe(current.recipeDir, { cwd: PACKAGE_DIR, sourceCommit: null }).manifest?.contentHash;
    current.edit(TABLE, (t) => t.replace('value: 255', 'value: 253'));
    const changed = bundleRecipe(current.recipeDir, { cwd: PACKAGE_DIR, sourceCommit: null }).manifest?.contentHash;

    // Assess
    expect(commented).toBe(before);
    expect(changed).not.toBe(before);
  });

  it('asks for a version bump when the table changed but the entry version did not (RB4001)', () => {
    // Prepare
    const r = new RecipeRepo('generated-windows');
    current = r;
    r.edit(TABLE, (t) => t.replace('value: 255', 'value: 253'));

    // Act
    const findings = checkVersions(r.relativeDir, { base: r.base, cwd: r.dir });

    // Assess
    const line = r.lineOf('recipe.yaml', 'version: 2.1.0');
    expect(findings.map((f) => `${f.ruleId} ${f.path.join('.')} ${f.range.start.line}:${f.range.start.column}`)).toEqual([
      `RB4001 components.1.version ${line}:14`,
    ]);
    expect(findings[0]?.message).toContain(`Component ${TABLE} changed since`);
  });
});

describe('bundleRecipe: artifact bucket placeholders', () => {
  const { template, parameters } = bundleFixture('evidence-linux');

  it('replaces the placeholders: the bucket by the ArtifactBucketName parameter, the prefix by evidence/<recipe>', () => {
    expect(at(template, 'Resources.ImageRecipe.Properties.Components.0.Parameters')).toEqual([
      { Name: 'Bucket', Value: [{ Ref: 'ArtifactBucketName' }] },
      { Name: 'Prefix', Value: ['evidence/evidence-linux'] },
      { Name: 'Destination', Value: [sub('s3://${ArtifactBucketName}/evidence/evidence-linux/${!literal}/')] },
    ]);
    expect(parameters).toContain('ArtifactBucketName');
  });

  it('lets the build instance write under the evidence prefix, next to its build logs, with the bakery key through S3 for both', () => {
    const policies = at(template, 'Resources.InstanceRole.Properties.Policies') as {
      PolicyName: string;
      PolicyDocument: { Statement: Record<string, unknown>[] };
    }[];
    expect(policies.map((p) => p.PolicyName)).toEqual([
      'write-build-logs',
      'write-evidence',
      'read-own-instance-tags',
      'use-bakery-key-through-s3',
    ]);
    expect(policies[1]?.PolicyDocument.Statement).toEqual([
      {
        Sid: 'WriteEvidence',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: sub('arn:${AWS::Partition}:s3:::${ArtifactBucketName}/evidence/evidence-linux/*'),
      },
    ]);
    // The evidence folder is named after the image build version, the test instance's Ec2ImageBuilderArn tag.
    expect(policies[2]?.PolicyDocument.Statement).toEqual([
      { Sid: 'ReadImageBuildVersionTag', Effect: 'Allow', Action: 'ec2:DescribeTags', Resource: '*' },
    ]);
    expect(policies[3]?.PolicyDocument.Statement[0]?.Condition).toEqual({
      StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.${AWS::URLSuffix}') },
      StringLike: {
        'kms:EncryptionContext:aws:s3:arn': [
          sub('arn:${AWS::Partition}:s3:::${ArtifactBucketName}'),
          sub('arn:${AWS::Partition}:s3:::${ArtifactBucketName}/image-builder-logs/evidence-linux/*'),
          sub('arn:${AWS::Partition}:s3:::${ArtifactBucketName}/evidence/evidence-linux/*'),
        ],
      },
    });
  });

  it('cannot deploy without the bucket: the parameter has no default and no empty value', () => {
    expect(at(template, 'Parameters.ArtifactBucketName.Default')).toBeUndefined();
    expect('').not.toMatch(new RegExp(at(template, 'Parameters.ArtifactBucketName.AllowedPattern') as string));
  });

  it('adds neither grant nor rule to a recipe without placeholders', () => {
    const plain = bundleFixture('full-linux').template;
    expect(JSON.stringify(plain.Resources)).not.toContain('write-evidence');
    expect(JSON.stringify(plain.Resources)).not.toContain('ec2:DescribeTags');
    expect(at(plain, 'Parameters.EvidenceBucketName')).toBeUndefined();
  });
});
