/**
 * `bakery usage` (AWS Config advanced queries answered by aws-sdk-client-mock, the AMIs in moto's
 * EC2) with instances on a revoked image, and `bakery plan` over a promotion and a revocation
 * committed with the catalog commands (exact text).
 */

import { findOnPath, type MotoServer, startMoto } from '@ami-bakery/test-support/moto-server';
import {
  ConfigServiceClient,
  DescribeConfigurationAggregatorsCommand,
  SelectAggregateResourceConfigCommand,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isDeprecated } from '../../src/catalog/observe.js';
import { createPromoteCommand } from '../../src/commands/promote.js';
import { createRevokeCommand } from '../../src/commands/revoke.js';
import { createUsageCommand } from '../../src/commands/usage.js';
import { bakery } from '../helpers.js';
import {
  type Amis,
  answerImageBuilder,
  catalogYaml,
  cleanup,
  git,
  ImagebuilderClient,
  putEvidence,
  RECIPE,
  registerAmis,
  runCommand,
  workspace,
} from './fixture.js';

const moto = findOnPath('moto_server');
if (process.env.CI === 'true' && !moto) throw new Error('moto_server is needed for the catalog command tests');

describe.skipIf(!moto)('Catalog: usage and plan', () => {
  let server: MotoServer;
  let amis: Amis;
  const imagebuilder = mockClient(ImagebuilderClient);
  const config = mockClient(ConfigServiceClient);
  const temps: string[] = [];
  const ami = (image: string, region = 'eu-west-1') => amis[image]?.[region] as string;

  beforeAll(async () => {
    server = await startMoto(moto as string);
    amis = await registerAmis(server.endpoint);
    await putEvidence(server.endpoint, amis);
    answerImageBuilder(imagebuilder, amis);
  });
  afterAll(async () => {
    imagebuilder.restore();
    config.restore();
    await server?.stop();
  });
  beforeEach(() => config.reset());
  afterEach(() => cleanup(temps));

  const aggregator = {
    ConfigurationAggregatorName: 'org-all',
    OrganizationAggregationSource: { RoleArn: 'arn:aws:iam::111122223333:role/config', AllAwsRegions: true },
  };

  /** Config's answers: two instances and a launch template on the recipe's AMIs, a terminated instance, paged. */
  function answerConfig(): void {
    config.on(DescribeConfigurationAggregatorsCommand).resolves({ ConfigurationAggregators: [aggregator] });
    const instance = (id: string, account: string, region: string, image: string, state: string) =>
      JSON.stringify({
        accountId: account,
        awsRegion: region,
        resourceId: id,
        resourceType: 'AWS::EC2::Instance',
        configuration: { imageId: image, state: { name: state } },
      });
    config.on(SelectAggregateResourceConfigCommand).callsFake((input: { Expression: string; NextToken?: string }) => {
      if (input.Expression.includes("'AWS::EC2::LaunchTemplate'"))
        return {
          Results: [
            JSON.stringify({
              accountId: '444455556666',
              awsRegion: 'us-east-1',
              resourceId: 'lt-0123456789abcdef0',
              resourceName: 'web-fleet',
              resourceType: 'AWS::EC2::LaunchTemplate',
              configuration: { LaunchTemplateName: 'web-fleet', LaunchTemplateData: { ImageId: ami('1.2.0/3', 'us-east-1') } },
            }),
          ],
        };
      if (input.NextToken === undefined)
        return { Results: [instance('i-0aaaaaaaaaaaaaaa1', '210987654321', 'eu-west-1', ami('1.1.0/1'), 'running')], NextToken: 'page-2' };
      return {
        Results: [
          instance('i-0bbbbbbbbbbbbbbb2', '210987654321', 'eu-west-1', ami('1.2.0/3'), 'running'),
          instance('i-0ccccccccccccccc3', '210987654321', 'eu-west-1', ami('1.1.0/1'), 'terminated'),
        ],
      };
    });
  }

  describe('Command: bakery usage', () => {
    it('lists the instances and launch templates on each image, flags the revoked one, and fails', async () => {
      // Prepare
      const dir = workspace(
        temps,
        catalogYaml({ stable: { image: '1.2.0/3', score: 98.5 } }, amis, [{ image: '1.1.0/1', reason: 'broken sshd config' }]),
      );
      answerConfig();
      // Act
      const result = await runCommand(createUsageCommand, server.endpoint, dir, [RECIPE], {});
      const json = await runCommand(createUsageCommand, server.endpoint, dir, [RECIPE], { json: true });
      // Assess
      expect([result.code, result.stderr]).toEqual([1, '']);
      expect(result.stdout.split('\n')).toEqual([
        expect.stringMatching(/^RECIPE\s+IMAGE\s+ACCOUNT\s+REGION\s+TYPE\s+RESOURCE\s+AMI\s+FLAG$/),
        expect.stringMatching(
          new RegExp(`^al2023-web  1\\.2\\.0/3  210987654321  eu-west-1  instance\\s+i-0bbbbbbbbbbbbbbb2 running\\s+${ami('1.2.0/3')}$`),
        ),
        expect.stringMatching(
          new RegExp(
            `^al2023-web  1\\.2\\.0/3  444455556666  us-east-1  launch template  lt-0123456789abcdef0 \\(web-fleet\\)\\s+${ami('1.2.0/3', 'us-east-1')}$`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^al2023-web  1\\.1\\.0/1  210987654321  eu-west-1  instance\\s+i-0aaaaaaaaaaaaaaa1 running\\s+${ami('1.1.0/1')}  REVOKED: broken sshd config$`,
          ),
        ),
        '',
        '3 resources use 2 images; 1 on a revoked image, 0 on a deprecated one (Config aggregator org-all, all regions).',
        '',
      ]);
      const body = JSON.parse(json.stdout) as {
        resources: { resourceId: string; image: string; revoked: string | null; deprecated: boolean }[];
      };
      expect(body.resources.map((r) => [r.resourceId, r.image, r.revoked, r.deprecated])).toEqual([
        ['i-0bbbbbbbbbbbbbbb2', '1.2.0/3', null, false],
        ['lt-0123456789abcdef0', '1.2.0/3', null, false],
        ['i-0aaaaaaaaaaaaaaa1', '1.1.0/1', 'broken sshd config', false],
      ]);
      const expressions = config.commandCalls(SelectAggregateResourceConfigCommand).map((c) => c.args[0].input.Expression ?? '');
      expect(expressions.every((e) => e.includes(`'${ami('1.1.0/1')}'`) && e.includes(`'${ami('1.2.0/3', 'us-east-1')}'`))).toBe(true);
      expect(expressions.every((e) => e.length <= 4096)).toBe(true);
    });

    it.each([
      {
        name: 'no aggregator at all',
        aggregators: [],
        says: 'no Config organization aggregator in eu-west-1; see README "Rolling images out and back"',
      },
      {
        name: 'only an account aggregator',
        aggregators: [
          {
            ConfigurationAggregatorName: 'two-accounts',
            AccountAggregationSources: [{ AccountIds: ['210987654321'], AllAwsRegions: true }],
          },
        ],
        says: 'no Config organization aggregator in eu-west-1 (only account aggregators: two-accounts)',
      },
      {
        name: 'two organization aggregators',
        aggregators: [aggregator, { ...aggregator, ConfigurationAggregatorName: 'org-eu' }],
        says: 'name one with --aggregator',
      },
    ])('says how to set up the aggregator when there is $name', async ({ aggregators, says }) => {
      // Prepare
      const dir = workspace(temps);
      config.on(DescribeConfigurationAggregatorsCommand).resolves({ ConfigurationAggregators: aggregators });
      // Act
      const result = await runCommand(createUsageCommand, server.endpoint, dir, [RECIPE], {});
      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(says);
      expect(config.commandCalls(SelectAggregateResourceConfigCommand)).toEqual([]);
    });
  });

  describe('Command: bakery plan with catalog changes', () => {
    it('shows a promotion and then a revocation committed on top of the base, exactly, with no stack change', async () => {
      // Prepare
      const dir = workspace(temps, catalogYaml({ stable: { image: '1.1.0/2', score: 97 } }, amis));
      const base = git(dir, 'rev-parse', 'HEAD');
      // Act
      const promoted = await runCommand(createPromoteCommand, server.endpoint, dir, [RECIPE, '1.2.0/3'], {});
      const afterPromote = await bakery(['plan', '--base', base], { cwd: dir });
      const revoked = await runCommand(createRevokeCommand, server.endpoint, dir, [RECIPE, '1.2.0/3'], { reason: 'kernel panic on m7i' });
      const afterRevoke = await bakery(['plan', '--base', 'HEAD~1'], { cwd: dir });
      // Assess
      expect([promoted.code, revoked.code]).toEqual([0, 0]);
      expect([afterPromote.code, afterPromote.stderr]).toEqual([0, '']);
      expect(
        afterPromote.stdout.replace(/\b[0-9a-f]{7}\b/g, '<commit>'),
      ).toBe(`Plan of ami-bakery-recipe-* stacks (base ${base} (<commit>), head working tree (<commit>))

0 to create, 0 to update, 0 to delete, 1 unchanged; 0 image builds will start

Image catalog (channel parameters /ami-bakery/<recipe>/<channel>)
~ al2023-web  stable    1.1.0/2 -> 1.2.0/3  promoted
    eu-west-1   ${ami('1.1.0/2')} -> ${ami('1.2.0/3')}
    us-east-1   ${ami('1.1.0/2', 'us-east-1')} -> ${ami('1.2.0/3', 'us-east-1')}

Catalog: 2 channel parameters to set, 0 to delete; 0 images to revoke, 0 to unrevoke
`);
      expect(
        afterRevoke.stdout.replace(/\b[0-9a-f]{7}\b/g, '<commit>'),
      ).toBe(`Plan of ami-bakery-recipe-* stacks (base HEAD~1 (<commit>), head working tree (<commit>))

0 to create, 0 to update, 0 to delete, 1 unchanged; 0 image builds will start

Image catalog (channel parameters /ami-bakery/<recipe>/<channel>)
! al2023-web  revoke    1.2.0/3  reason: kernel panic on m7i
    deprecate now, tag ami-bakery:revoked-reason: eu-west-1 ${ami('1.2.0/3')}, us-east-1 ${ami('1.2.0/3', 'us-east-1')}
    stable falls back to 1.1.0/2
~ al2023-web  stable    1.2.0/3 -> 1.1.0/2  falls back (1.2.0/3 is revoked)
    eu-west-1   ${ami('1.2.0/3')} -> ${ami('1.1.0/2')}
    us-east-1   ${ami('1.2.0/3', 'us-east-1')} -> ${ami('1.1.0/2', 'us-east-1')}

Catalog: 2 channel parameters to set, 0 to delete; 1 image to revoke, 0 to unrevoke
`);
    });
  });
});

describe('Function: isDeprecated', () => {
  const state = (deprecationTime: string | undefined) => ({
    ami: 'ami-0123456789abcdef0',
    region: 'eu-west-1',
    state: 'available',
    deprecationTime,
    revokedReason: null,
  });
  it.each([
    { time: undefined, expected: false },
    { time: '2026-12-01T00:00:00.000Z', expected: true },
    { time: '2026-12-02T10:00:00.000Z', expected: true },
    { time: '2027-01-01T00:00:00.000Z', expected: false },
    { time: 'soon', expected: false },
  ])('deprecation time $time is $expected at 2026-12-02T10:00Z', ({ time, expected }) => {
    expect(isDeprecated(state(time), new Date('2026-12-02T10:00:00Z'))).toBe(expected);
  });
});
