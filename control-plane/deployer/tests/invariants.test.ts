import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type GuardEngine, RULES_DIR, wasmModuleDir } from '@ami-bakery/invariants';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createClients } from '../src/aws.js';
import { guardRulesFromS3, invariantsCheck, parseS3Uri, wasmInvariantsCheck } from '../src/invariants.js';
import { zip } from './helpers.js';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());
const clients = () => createClients({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const URI = 's3://ami-bakery-control-123456789012-us-east-1/guard-rules/abc.zip';

function rulesZip(): Uint8Array {
  return zip(
    new Map(
      readdirSync(RULES_DIR)
        .filter((f) => f.endsWith('.guard'))
        .map((f) => [f, new Uint8Array(readFileSync(path.join(RULES_DIR, f)))]),
    ),
  );
}

function serve(bytes: Uint8Array): void {
  s3.on(GetObjectCommand).resolves({ Body: { transformToByteArray: async () => bytes } as never });
}

const input = (recipe: string, resources: Record<string, unknown>) => ({
  recipe,
  stackName: `ami-bakery-recipe-${recipe}`,
  template: { Resources: resources },
  templateText: '',
  parameters: {},
});

describe('Check: invariantsCheck', () => {
  it('turns engine violations into findings of their recipe', async () => {
    // Prepare
    const engine: GuardEngine = {
      backend: 'wasm',
      check: async () =>
        new Map([
          [
            'r1',
            [
              {
                ruleId: 'RB6002',
                slug: 'imdsv2-required',
                resource: 'I',
                path: ['Resources', 'I', 'Properties', 'InstanceMetadataOptions'],
                message: 'require IMDSv2',
              },
            ],
          ],
        ]),
    };
    // Act
    const findings = await invariantsCheck(async () => engine).check([input('r1', {}), input('r2', {})]);
    // Assess
    expect(findings).toEqual([
      { id: 'RB6002', recipe: 'r1', path: 'Resources/I/Properties/InstanceMetadataOptions', message: 'imdsv2-required: require IMDSv2' },
    ]);
  });

  it('fails (nothing deployed) when the engine cannot start, and tries again next time', async () => {
    let attempts = 0;
    const check = invariantsCheck(async () => {
      attempts += 1;
      throw new Error('no wasm');
    });
    await expect(check.check([input('r1', {})])).rejects.toThrow('no wasm');
    await expect(check.check([input('r1', {})])).rejects.toThrow('no wasm');
    expect(attempts).toBe(2);
  });

  it('runs the shipped rules in the WASM evaluator: a template that allows IMDSv1 breaks RB6002', async () => {
    // Prepare
    serve(rulesZip());
    const check = wasmInvariantsCheck(clients, URI, wasmModuleDir());
    // Act
    const findings = await check.check([
      input('imds-optional', {
        InfrastructureConfiguration: {
          Type: 'AWS::ImageBuilder::InfrastructureConfiguration',
          Properties: { Name: 'x', InstanceProfileName: 'p', InstanceMetadataOptions: { HttpTokens: 'optional' } },
        },
      }),
    ]);
    // Assess
    expect(findings.map((f) => [f.id, f.recipe])).toContainEqual(['RB6002', 'imds-optional']);
  });

  it('names the missing Guard evaluator when the package lacks it (nothing is deployed)', async () => {
    serve(rulesZip());
    const check = wasmInvariantsCheck(clients, URI, '/nonexistent/cloudformation-validate');
    await expect(check.check([input('r1', {})])).rejects.toThrow(
      'the deployer package lacks the Guard evaluator /nonexistent/cloudformation-validate: ship dist/cloudformation-validate/ of the deployer build next to index.mjs',
    );
  });
});

describe('Function: guardRulesFromS3', () => {
  it('writes the .guard files of the zip to a folder', async () => {
    serve(
      zip(
        new Map([
          ['rb6001-x.guard', new TextEncoder().encode('rule x {}')],
          ['README.md', new TextEncoder().encode('no')],
        ]),
      ),
    );
    const dir = await guardRulesFromS3(clients(), URI);
    expect(readdirSync(dir)).toEqual(['rb6001-x.guard']);
  });

  it.each([
    ['not a zip', new TextEncoder().encode('nope'), /not a readable zip/],
    ['no rule', zip(new Map([['README.md', new TextEncoder().encode('x')]])), /holds no \.guard file/],
  ])('refuses %s', async (_name, bytes, message) => {
    serve(bytes);
    await expect(guardRulesFromS3(clients(), URI)).rejects.toThrow(message);
  });

  it('reads only s3:// URIs', () => {
    expect(parseS3Uri(URI)).toEqual({ bucket: 'ami-bakery-control-123456789012-us-east-1', key: 'guard-rules/abc.zip' });
    expect(parseS3Uri('https://example.com/x.zip')).toBeUndefined();
  });
});
