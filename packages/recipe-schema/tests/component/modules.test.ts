import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSchema } from '../../src/schema-validator.js';

/** The smallest valid inputs of every AWSTOE action module, and whether the module takes a list. */
const MODULES: Array<{ action: string; inputs: unknown; list: boolean }> = [
  { action: 'AppendFile', inputs: [{ path: '/etc/motd' }], list: true },
  { action: 'Assert', inputs: { fileExists: '/etc/motd' }, list: false },
  { action: 'CopyFile', inputs: [{ source: '/a', destination: '/b' }], list: true },
  { action: 'CopyFolder', inputs: [{ source: '/a', destination: '/b/' }], list: true },
  { action: 'CreateFile', inputs: [{ path: '/a', content: 'x', encoding: 'UTF-16-LE', permissions: '0644' }], list: true },
  { action: 'CreateFolder', inputs: [{ path: '/a', permissions: '755' }], list: true },
  { action: 'CreateSymlink', inputs: [{ path: '/l', target: '/t', force: true }], list: true },
  { action: 'DeleteFile', inputs: [{ path: '/a/*log' }], list: true },
  { action: 'DeleteFolder', inputs: [{ path: '/a', force: true }], list: true },
  { action: 'ExecuteBash', inputs: { commands: ['true'] }, list: false },
  { action: 'ExecuteBinary', inputs: { path: '/bin/true', arguments: ['--x'] }, list: false },
  { action: 'ExecuteDocument', inputs: { document: 's3://b/doc.yaml', 'document-s3-bucket-owner': 123456789012, phases: 'build, validate', parameters: [{ name: 'p', value: 'v' }] }, list: false },
  { action: 'ExecutePowerShell', inputs: { file: 'C:\\scripts\\setup.PS1' }, list: false },
  { action: 'InstallMSI', inputs: { path: 'C:\\a.msi', reboot: 'Force', logOptions: '*vx', properties: { TARGETDIR: 'C:\\app' } }, list: false },
  { action: 'ListFiles', inputs: [{ path: '/a', fileNamePattern: '*.log', recursive: true }], list: true },
  { action: 'MoveFile', inputs: [{ source: '/a', destination: '/b' }], list: true },
  { action: 'MoveFolder', inputs: [{ source: '/a', destination: '/b' }], list: true },
  { action: 'ReadFile', inputs: [{ path: '/a', encoding: 'utf8', printFileContent: true }], list: true },
  { action: 'Reboot', inputs: { delaySeconds: 60 }, list: false },
  { action: 'S3Download', inputs: [{ source: 's3://b/k/*', destination: '/d/', expectedBucketOwner: '123456789012', overwrite: false }], list: true },
  { action: 'S3Upload', inputs: [{ source: '/d/*', destination: 's3://b/k/', recurse: true }], list: true },
  { action: 'SetFileEncoding', inputs: [{ path: '/a', encoding: 'utf-32-BE' }], list: true },
  { action: 'SetFileOwner', inputs: [{ path: '/a', owner: 'root', group: 'root' }], list: true },
  { action: 'SetFilePermissions', inputs: [{ path: '/a', permissions: '0600' }], list: true },
  { action: 'SetFolderOwner', inputs: [{ path: '/a', owner: 'root', recursive: false }], list: true },
  { action: 'SetFolderPermissions', inputs: [{ path: '/a', permissions: '0700', recursive: false }], list: true },
  { action: 'SetRegistry', inputs: [{ path: 'HKEY_CURRENT_USER\\Software\\Test', name: 'Version', value: 1.1, type: 'DWORD' }], list: true },
  { action: 'UninstallMSI', inputs: { path: 'https://example.com/a.msi', reboot: 'Skip' }, list: false },
  { action: 'UpdateOS', inputs: { include: ['KB1234567', '*Security*'] }, list: false },
  { action: 'WebDownload', inputs: [{ source: 'https://example.com/a.zip', destination: '/d/', checksum: 'abc', algorithm: 'SHA512' }], list: true },
];

function document(step: Record<string, unknown>) {
  return { schemaVersion: 1.0, phases: [{ name: 'build', steps: [{ name: 'Step', ...step }] }] };
}

function hits(step: Record<string, unknown>) {
  return checkSchema('component', document(step)).map((h) => ({ ruleId: h.rule.id, path: h.path.join('.') }));
}

describe('component schema action modules', () => {
  it('covers every module the schema knows', () => {
    const schema = JSON.parse(readFileSync(new URL('../../schemas/component.schema.json', import.meta.url), 'utf8'));
    expect(schema.definitions.step.properties.action.enum).toEqual(MODULES.map((m) => m.action));
    expect(Object.keys(schema.definitions.inputs)).toEqual(MODULES.map((m) => m.action));
  });

  it.each(MODULES)('accepts minimal $action inputs', ({ action, inputs }) => {
    expect(hits({ action, inputs })).toEqual([]);
  });

  it.each(MODULES)('rejects $action inputs of the other shape, naming the module', ({ action, inputs, list }) => {
    // Prepare
    const wrong = list ? (inputs as unknown[])[0] : [inputs];

    // Act
    const found = checkSchema('component', document({ action, inputs: wrong }));

    // Assess
    expect(found.map((h) => ({ ruleId: h.rule.id, path: h.path.join('.') }))).toEqual([{ ruleId: 'RB1003', path: 'phases.0.steps.0.inputs' }]);
    expect(found[0]?.message).toContain(list ? 'must be a list, not a map' : 'must be a map, not a list');
    if (action !== 'Assert') expect(found[0]?.message).toContain(action);
  });

  it.each([
    { name: 'Reboot', step: { action: 'Reboot' }, expected: [] },
    { name: 'UpdateOS', step: { action: 'UpdateOS' }, expected: [] },
    { name: 'ExecuteBinary', step: { action: 'ExecuteBinary' }, expected: [{ ruleId: 'RB1001', path: 'phases.0.steps.0' }] },
  ])('requires inputs only where the module needs them: $name', ({ step, expected }) => {
    expect(hits(step)).toEqual(expected);
  });

  it.each([
    { name: 'encoding utf7', step: { action: 'ReadFile', inputs: [{ path: '/a', encoding: 'utf7' }] }, path: 'phases.0.steps.0.inputs.0.encoding', ruleId: 'RB1005' },
    { name: 'S3Download from https', step: { action: 'S3Download', inputs: [{ source: 'https://b/k', destination: '/d' }] }, path: 'phases.0.steps.0.inputs.0.source', ruleId: 'RB1005' },
    { name: 'WebDownload from ftp', step: { action: 'WebDownload', inputs: [{ source: 'ftp://h/f', destination: '/d', checksum: 'a', algorithm: 'MD5' }] }, path: 'phases.0.steps.0.inputs.0.source', ruleId: 'RB1005' },
    { name: 'InstallMSI reboot Never', step: { action: 'InstallMSI', inputs: { path: 'a.msi', reboot: 'Never' } }, path: 'phases.0.steps.0.inputs.reboot', ruleId: 'RB1004' },
    { name: 'SetRegistry without hive', step: { action: 'SetRegistry', inputs: [{ path: 'SOFTWARE\\X', name: 'n', value: 'v', type: 'SZ' }] }, path: 'phases.0.steps.0.inputs.0.path', ruleId: 'RB1005' },
    { name: 'PowerShell file that is not .ps1', step: { action: 'ExecutePowerShell', inputs: { file: 'setup.bat' } }, path: 'phases.0.steps.0.inputs.file', ruleId: 'RB1005' },
    { name: 'ExecuteDocument maxAttempts 3', step: { action: 'ExecuteDocument', maxAttempts: 3, inputs: { document: 'd.yaml' } }, path: 'phases.0.steps.0.maxAttempts', ruleId: 'RB1004' },
    { name: 'Reboot negative delay', step: { action: 'Reboot', inputs: { delaySeconds: -1 } }, path: 'phases.0.steps.0.inputs.delaySeconds', ruleId: 'RB1006' },
    { name: 'bucket owner too short', step: { action: 'S3Upload', inputs: [{ source: '/a', destination: 's3://b/', expectedBucketOwner: '1234' }] }, path: 'phases.0.steps.0.inputs.0.expectedBucketOwner', ruleId: 'RB1005' },
  ])('rejects $name', ({ step, path, ruleId }) => {
    expect(hits(step)).toEqual([{ ruleId, path }]);
  });

  it.each([
    { name: 'chaining expression as S3 source', step: { action: 'S3Download', inputs: [{ source: '{{ build.Find.outputs.stdout }}', destination: '/d' }] } },
    { name: 'parameter as registry path', step: { action: 'SetRegistry', inputs: [{ path: '{{ KeyPath }}', name: 'n', value: ['a', 'b'], type: 'MULTI_SZ' }] } },
    { name: 'expression as permissions', step: { action: 'SetFilePermissions', inputs: [{ path: '/a', permissions: '{{ Mode }}' }] } },
  ])('lets expressions through patterns: $name', ({ step }) => {
    expect(hits(step)).toEqual([]);
  });
});
