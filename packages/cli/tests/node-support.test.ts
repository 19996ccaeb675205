/**
 * The Node.js version notices: `bakery doctor` warns about an end-of-life Node.js once, and no
 * command lets the AWS SDK print its own Node.js notice (it does so on Node.js 20 and older, on
 * the first client of a process). Run as a user runs it: the launcher and the CLI bundle, on the
 * Node.js running this suite, against a local stand-in for STS.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AWS_SDK_NODE_WARNING_SWITCH, isEndOfLife, quietAwsSdkNodeWarning } from '../src/node-support.js';

const LAUNCHER = fileURLToPath(new URL('../bin/bakery.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
/** The SDK's notice starts with this (see @aws-sdk/core emitWarningIfUnsupportedVersion). */
const SDK_NOTICE = 'NodeVersionSupportWarning';

let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          '<Arn>assumed-role/ami-bakery-publish/ci</Arn><UserId>AROAEXAMPLE:ci</UserId><Account>111122223333</Account>' +
          '</GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** Runs the launcher; asynchronously, as the stand-in STS answers from this process. */
function bakery(argv: string[], extra: NodeJS.ProcessEnv = {}) {
  return execa(process.execPath, [LAUNCHER, ...argv], {
    cwd: ROOT,
    reject: false,
    extendEnv: true,
    env: {
      [AWS_SDK_NODE_WARNING_SWITCH]: undefined,
      AWS_ENDPOINT_URL_STS: endpoint,
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'example-secret',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_REGION: 'eu-central-1',
      FORCE_COLOR: undefined,
      NO_COLOR: '1',
      ...extra,
    },
  });
}

describe('Node.js version notices', () => {
  it(`bakery doctor --aws on Node.js ${process.versions.node}: the SDK stays quiet, doctor warns at most once`, async () => {
    // Act
    const result = await bakery(['doctor', '--aws']);

    // Assess
    expect(result.stderr).not.toContain(SDK_NOTICE);
    expect(result.stdout).toMatch(/^AWS credentials +ok +account 111122223333, assumed-role\/ami-bakery-publish\/ci$/m);
    const warnings = result.stdout.split('\n').filter((line) => line.startsWith('Warning:'));
    expect(warnings).toEqual(
      isEndOfLife(NODE_MAJOR, new Date())
        ? [expect.stringMatching(new RegExp(`^Warning: Node\\.js ${NODE_MAJOR} reached end of life`))]
        : [],
    );
  });

  // The control: the check above would see the notice. Only Node.js 20 and older get one.
  it.runIf(NODE_MAJOR < 22)('lets the SDK notice through when the user turns the switch off', async () => {
    // Act
    const result = await bakery(['doctor', '--aws'], { [AWS_SDK_NODE_WARNING_SWITCH]: 'false' });

    // Assess
    expect(result.stderr).toContain(SDK_NOTICE);
    expect(result.stdout).toMatch(/^AWS credentials +ok +account 111122223333/m);
  });

  it.each([
    { name: 'unset', before: undefined, after: 'true' },
    { name: 'set to false by the user', before: 'false', after: 'false' },
    { name: 'set to true', before: 'true', after: 'true' },
  ])('quietAwsSdkNodeWarning with the switch $name leaves it $after', ({ before, after }) => {
    // Arrange
    const env: NodeJS.ProcessEnv = before === undefined ? {} : { [AWS_SDK_NODE_WARNING_SWITCH]: before };

    // Act
    quietAwsSdkNodeWarning(env);

    // Assess
    expect(env[AWS_SDK_NODE_WARNING_SWITCH]).toBe(after);
  });
});
