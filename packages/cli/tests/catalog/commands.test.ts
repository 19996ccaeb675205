/**
 * `bakery promote`, `revoke`, `unrevoke` and `images` against moto (EC2 images, SSM channel
 * parameters, S3 evidence) with Image Builder answered by aws-sdk-client-mock: the decisions,
 * the refusals by id, the file written and the one commit made.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { findOnPath, type MotoServer, startMoto } from '@ami-bakery/test-support/moto-server';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createImagesCommand } from '../../src/commands/images.js';
import { createPromoteCommand } from '../../src/commands/promote.js';
import { createRevokeCommand } from '../../src/commands/revoke.js';
import { createUnrevokeCommand } from '../../src/commands/unrevoke.js';
import {
  type Amis,
  answerImageBuilder,
  catalogText,
  catalogYaml,
  cleanup,
  commitCatalog,
  git,
  head,
  ImagebuilderClient,
  putChannel,
  putEvidence,
  RECIPE,
  registerAmis,
  runCommand,
  tagRevoked,
  workspace,
} from './fixture.js';

const moto = findOnPath('moto_server');
if (process.env.CI === 'true' && !moto) throw new Error('moto_server is needed for the catalog command tests');

describe.skipIf(!moto)('Catalog commands', () => {
  let server: MotoServer;
  let amis: Amis;
  const imagebuilder = mockClient(ImagebuilderClient);
  const temps: string[] = [];

  beforeAll(async () => {
    server = await startMoto(moto as string);
    amis = await registerAmis(server.endpoint);
    await putEvidence(server.endpoint, amis);
    answerImageBuilder(imagebuilder, amis);
  });
  afterAll(async () => {
    imagebuilder.restore();
    await server?.stop();
  });
  afterEach(() => cleanup(temps));

  const ami = (image: string, region = 'eu-west-1') => amis[image]?.[region] as string;
  const stable11 = () =>
    catalogYaml({ stable: { image: '1.1.0/2', score: 97 } }, amis, [{ image: '1.1.0/1', reason: 'broken sshd config' }]);

  describe('Command: bakery promote', () => {
    it('moves stable to the image, prints the change as bakery plan shows it, and commits catalog.yaml alone', async () => {
      // Prepare
      const dir = workspace(temps, stable11());
      writeFileSync(path.join(dir, 'notes.txt'), 'not part of the commit\n');
      git(dir, 'add', 'notes.txt');
      const before = head(dir);
      // Act
      const result = await runCommand(createPromoteCommand, server.endpoint, dir, [RECIPE, '1.2.0/3'], { channel: 'stable' });
      // Assess
      expect([result.code, result.stderr]).toEqual([0, '']);
      const lines = result.stdout.split('\n');
      expect(lines.slice(0, 9)).toEqual([
        'Promote al2023-web 1.2.0/3 to stable (was 1.1.0/2), score 98.5 (needs 95: catalog.minimumScore in recipe.yaml):',
        '',
        'Image catalog (channel parameters /ami-bakery/<recipe>/<channel>)',
        '~ al2023-web  stable    1.1.0/2 -> 1.2.0/3  promoted',
        `    eu-west-1   ${ami('1.1.0/2')} -> ${ami('1.2.0/3')}`,
        `    us-east-1   ${ami('1.1.0/2', 'us-east-1')} -> ${ami('1.2.0/3', 'us-east-1')}`,
        '',
        'Catalog: 2 channel parameters to set, 0 to delete; 0 images to revoke, 0 to unrevoke',
        '',
      ]);
      const file = parse(catalogText(dir) ?? '');
      expect(file.channels.stable).toEqual({
        image: '1.2.0/3',
        amis: { 'eu-west-1': ami('1.2.0/3'), 'us-east-1': ami('1.2.0/3', 'us-east-1') },
        score: 98.5,
        promotedAt: '2026-12-02T10:00:00Z',
      });
      expect(file.revoked.map((r: { image: string }) => r.image)).toEqual(['1.1.0/1']);
      expect(git(dir, 'rev-parse', 'HEAD~1')).toBe(before);
      expect(git(dir, 'log', '-1', '--format=%s')).toBe('catalog: promote al2023-web 1.2.0/3 to stable');
      expect(git(dir, 'show', '--name-only', '--format=', 'HEAD')).toBe('recipes/al2023-web/catalog.yaml');
      expect(git(dir, 'diff', '--cached', '--name-only')).toBe('notes.txt');
    });

    it('takes a recipe version for its newest AVAILABLE build, and promotes to a recipe without catalog.yaml', async () => {
      // Prepare
      const dir = workspace(temps);
      // Act
      const result = await runCommand(createPromoteCommand, server.endpoint, dir, [RECIPE, '1.1.0'], {});
      // Assess
      expect(result.code).toBe(0);
      expect(parse(catalogText(dir) ?? '').channels.stable.image).toBe('1.1.0/2');
      expect(catalogText(dir)?.startsWith('# Image catalog of al2023-web')).toBe(true);
    });

    const refusals: { name: string; image: string; channel?: string; id: string; says: string }[] = [
      { name: 'an image that did not build', image: '1.4.0/1', id: 'CATALOG001 image-not-built', says: 'has no image build 1.4.0/1' },
      {
        name: 'an image that failed',
        image: '1.3.0/1',
        id: 'CATALOG002 image-not-available',
        says: '1.3.0/1 is FAILED (test phase failed',
      },
      { name: 'a version whose builds all failed', image: '1.3.0', id: 'CATALOG002 image-not-available', says: 'not AVAILABLE' },
      { name: 'a revoked image', image: '1.1.0/1', id: 'CATALOG003 image-revoked', says: 'bakery unrevoke al2023-web 1.1.0/1' },
      {
        name: 'an image below the threshold',
        image: '1.2.0/2',
        id: 'CATALOG004 score-below-threshold',
        says: 'scored 90, below 95 (catalog.minimumScore in recipe.yaml)',
      },
      {
        name: 'a channel recipe.yaml does not declare',
        image: '1.2.0/3',
        channel: 'beta',
        id: 'CATALOG005 channel-not-declared',
        says: 'add it to catalog.channels',
      },
      {
        name: 'the candidate channel',
        image: '1.2.0/3',
        channel: 'candidate',
        id: 'CATALOG005 channel-not-declared',
        says: 'every successful build',
      },
    ];
    it.each(refusals)('refuses $name ($id), committing nothing', async ({ image, channel, id, says }) => {
      // Prepare
      const dir = workspace(temps, stable11());
      const before = head(dir);
      // Act
      const result = await runCommand(createPromoteCommand, server.endpoint, dir, [RECIPE, image], channel ? { channel } : {});
      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`bakery promote: refused, ${id}: `);
      expect(result.stderr).toContain(says);
      expect([head(dir), catalogText(dir)]).toEqual([before, stable11()]);
    });

    it('refuses to overwrite uncommitted changes of catalog.yaml, before any AWS call', async () => {
      // Prepare
      const dir = workspace(temps, stable11());
      const edited = `${stable11()}# a note not yet committed\n`;
      writeFileSync(path.join(dir, 'recipes', RECIPE, 'catalog.yaml'), edited);
      const calls = imagebuilder.calls().length;
      // Act
      const result = await runCommand(createPromoteCommand, server.endpoint, dir, [RECIPE, '1.2.0/3'], {});
      // Assess
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('recipes/al2023-web/catalog.yaml has changes that are not committed; commit or discard them first');
      expect(catalogText(dir)).toBe(edited);
      expect(imagebuilder.calls().length).toBe(calls);
    });

    it('--dry-run prints the change and writes nothing', async () => {
      // Prepare
      const dir = workspace(temps, stable11());
      const before = head(dir);
      // Act
      const result = await runCommand(createPromoteCommand, server.endpoint, dir, [RECIPE, '1.2.0/3'], { 'dry-run': true });
      // Assess
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Dry run: recipes/al2023-web/catalog.yaml is unchanged.');
      expect([head(dir), catalogText(dir)]).toEqual([before, stable11()]);
    });
  });

  describe('Command: bakery revoke', () => {
    it('revokes the image and moves stable back to where it pointed before, in one commit', async () => {
      // Prepare
      const dir = workspace(temps, stable11());
      commitCatalog(
        dir,
        catalogYaml({ stable: { image: '1.2.0/3', score: 98.5 } }, amis, [{ image: '1.1.0/1', reason: 'broken sshd config' }]),
        'promote',
      );
      // Act
      const result = await runCommand(createRevokeCommand, server.endpoint, dir, [RECIPE, '1.2.0/3'], {
        reason: 'CVE-2026-1234 in openssl',
        disable: true,
      });
      // Assess
      expect([result.code, result.stderr]).toEqual([0, '']);
      expect(result.stdout.split('\n').slice(0, 14)).toEqual([
        'Revoke al2023-web 1.2.0/3: CVE-2026-1234 in openssl',
        '  stable falls back to 1.1.0/2 (where it pointed before)',
        '',
        'Image catalog (channel parameters /ami-bakery/<recipe>/<channel>)',
        '! al2023-web  revoke    1.2.0/3  reason: CVE-2026-1234 in openssl',
        `    deprecate now, tag ami-bakery:revoked-reason, disable: eu-west-1 ${ami('1.2.0/3')}, us-east-1 ${ami('1.2.0/3', 'us-east-1')}`,
        '    stable falls back to 1.1.0/2',
        '~ al2023-web  stable    1.2.0/3 -> 1.1.0/2  falls back (1.2.0/3 is revoked)',
        `    eu-west-1   ${ami('1.2.0/3')} -> ${ami('1.1.0/2')}`,
        `    us-east-1   ${ami('1.2.0/3', 'us-east-1')} -> ${ami('1.1.0/2', 'us-east-1')}`,
        '',
        'Catalog: 2 channel parameters to set, 0 to delete; 1 image to revoke, 0 to unrevoke',
        '',
        expect.stringMatching(/^Committed [0-9a-f]{12}: catalog: revoke al2023-web 1\.2\.0\/3\.$/),
      ]);
      const file = parse(catalogText(dir) ?? '');
      expect([file.channels.stable.image, file.channels.stable.score]).toEqual(['1.1.0/2', 97]);
      expect(file.revoked).toEqual([
        expect.objectContaining({ image: '1.1.0/1' }),
        {
          image: '1.2.0/3',
          amis: { 'eu-west-1': ami('1.2.0/3'), 'us-east-1': ami('1.2.0/3', 'us-east-1') },
          reason: 'CVE-2026-1234 in openssl',
          disable: true,
          revokedAt: '2026-12-02T10:00:00Z',
        },
      ]);
      expect(git(dir, 'log', '-1', '--format=%B').trim().split('\n')).toEqual([
        'catalog: revoke al2023-web 1.2.0/3',
        '',
        'Reason: CVE-2026-1234 in openssl',
        'The AMIs are disabled too.',
        'stable falls back to 1.1.0/2 (where it pointed before)',
      ]);
    });

    it.each([
      {
        name: 'without history, to the newest earlier build that reaches the threshold',
        revoked: [] as { image: string; reason: string }[],
        expected: { stable: '1.1.0/2', says: 'stable falls back to 1.1.0/2 (the newest earlier build that reaches the threshold)' },
      },
      {
        name: 'with every earlier good build revoked, out of the catalog',
        revoked: [
          { image: '1.1.0/1', reason: 'a' },
          { image: '1.1.0/2', reason: 'b' },
        ],
        expected: { stable: undefined, says: 'stable: no good image is left; it leaves the catalog and its parameter is deleted' },
      },
    ])('falls back $name (1.2.0/2 is below the threshold)', async ({ revoked, expected }) => {
      // Prepare
      const dir = workspace(temps, catalogYaml({ stable: { image: '1.2.0/3', score: 98.5 } }, amis, revoked));
      // Act
      const result = await runCommand(createRevokeCommand, server.endpoint, dir, [RECIPE, '1.2.0/3'], { reason: 'CVE-2026-1234' });
      // Assess
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n')[1]).toBe(`  ${expected.says}`);
      expect(parse(catalogText(dir) ?? '').channels.stable?.image).toBe(expected.stable);
    });

    it.each([
      { name: 'no reason', values: {} as Record<string, string>, stderr: 'give the reason: --reason TEXT' },
      { name: 'a reason of two lines', values: { reason: 'a\nb' } as Record<string, string>, stderr: '--reason must be one line' },
    ])('is a usage error with $name', async ({ values, stderr }) => {
      const dir = workspace(temps, stable11());
      await expect(runCommand(createRevokeCommand, server.endpoint, dir, [RECIPE, '1.2.0/3'], values)).rejects.toThrow(stderr);
    });
  });

  describe('Command: bakery unrevoke', () => {
    it('takes the revocation out and leaves the channels alone', async () => {
      // Prepare
      const dir = workspace(temps, stable11());
      // Act
      const result = await runCommand(createUnrevokeCommand, server.endpoint, dir, [RECIPE, '1.1.0/1'], {});
      // Assess
      expect(result.code).toBe(0);
      expect(result.stdout.split('\n').slice(0, 6)).toEqual([
        'Unrevoke al2023-web 1.1.0/1 (was revoked: broken sshd config)',
        '',
        'Image catalog (channel parameters /ami-bakery/<recipe>/<channel>)',
        '+ al2023-web  unrevoke  1.1.0/1  was revoked: broken sshd config',
        `    remove tag ami-bakery:revoked-reason, cancel its deprecation: eu-west-1 ${ami('1.1.0/1')}, us-east-1 ${ami('1.1.0/1', 'us-east-1')}`,
        '',
      ]);
      const file = parse(catalogText(dir) ?? '');
      expect([file.revoked, file.channels.stable.image]).toEqual([[], '1.1.0/2']);
      expect(git(dir, 'log', '-1', '--format=%s')).toBe('catalog: unrevoke al2023-web 1.1.0/1');
    });

    it('refuses an image that is not revoked (CATALOG007)', async () => {
      const dir = workspace(temps, stable11());
      const result = await runCommand(createUnrevokeCommand, server.endpoint, dir, [RECIPE, '1.2.0/3'], {});
      expect([result.code, result.stderr]).toEqual([
        1,
        'bakery unrevoke: refused, CATALOG007 image-not-revoked: 1.2.0/3 is not revoked in recipes/al2023-web/catalog.yaml (revoked: 1.1.0/1)\n',
      ]);
    });
  });

  describe('Command: bakery images', () => {
    it('lists every build with its state, channels committed and deployed, score, age, and revocation', async () => {
      // Prepare
      const dir = workspace(
        temps,
        catalogYaml({ stable: { image: '1.2.0/3', score: 98.5 } }, amis, [{ image: '1.1.0/1', reason: 'broken sshd config' }]),
      );
      await putChannel(server.endpoint, 'eu-west-1', 'stable', ami('1.1.0/2'));
      await putChannel(server.endpoint, 'eu-west-1', 'candidate', ami('1.2.0/3'));
      await tagRevoked(server.endpoint, 'eu-west-1', ami('1.1.0/1'), 'broken sshd config');
      // Act
      const result = await runCommand(createImagesCommand, server.endpoint, dir, [RECIPE], {});
      const json = await runCommand(createImagesCommand, server.endpoint, dir, [RECIPE], { json: true });
      // Assess
      expect([result.code, result.stderr]).toEqual([0, '']);
      expect(result.stdout).toBe(
        [
          'al2023-web (images ami-bakery-recipe-al2023-web, eu-west-1)',
          '  IMAGE    STATE      CHANNELS                                SCORE  AGE   DEPRECATED  REVOKED',
          '  1.3.0/1  FAILED     -                                       -      30 h  -           -',
          '  1.2.0/3  AVAILABLE  candidate, stable (not applied yet)     98.5   3 d   -           -',
          '  1.2.0/2  AVAILABLE  -                                       90     10 d  -           -',
          '  1.1.0/2  AVAILABLE  stable (deployed, not in catalog.yaml)  97     24 d  -           -',
          '  1.1.0/1  AVAILABLE  -                                       96     31 d  -           broken sshd config',
          '',
        ].join('\n'),
      );
      const images = JSON.parse(json.stdout).recipes[0].images as { image: string; revoked: unknown; channels: unknown }[];
      expect(images.find((i) => i.image === '1.1.0/1')?.revoked).toEqual({ reason: 'broken sshd config', disable: false, applied: true });
      expect(images.find((i) => i.image === '1.2.0/3')?.channels).toEqual([
        { channel: 'candidate', committed: false, deployed: true },
        { channel: 'stable', committed: true, deployed: false },
      ]);
    });
  });
});
