/**
 * Valid starting points and the damage applied to them. The recipe and component are realistic and
 * schema-valid, so every finding in a run comes from the mutation.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

export const RECIPE = {
  name: 'fuzz-base',
  version: '1.2.3',
  description: 'Amazon Linux 2023 with updates and a local hardening step.',
  platform: 'linux',
  architecture: 'x86_64',
  parentImage: { ssmParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' },
  components: [
    { managed: 'update-linux', version: 'x.x.x' },
    { file: 'components/harden.yaml', version: '1.0.0', parameters: { Level: 'high', Extra: ['a', 'b'] } },
  ],
  tests: [{ managed: 'reboot-test-linux', version: 'x.x.x' }],
  build: {
    instanceTypes: ['m7i.large', 'm6i.large'],
    rootVolume: { sizeGiB: 30, volumeType: 'gp3', encrypted: true },
    instanceMetadata: { httpTokens: 'required', httpPutResponseHopLimit: 2 },
    terminateOnFailure: true,
  },
  distribution: {
    regions: ['eu-west-1', 'eu-central-1'],
    amiName: 'fuzz-base-{{ imagebuilder:buildDate }}',
    amiTags: { Team: 'platform' },
    launchPermissions: { organization: true },
  },
  schedule: { expression: 'cron(0 4 ? * sun *)' },
  lifecycle: { keepLatest: 5, deleteAfterDays: 90 },
  tags: { CostCenter: '1234' },
};

export const COMPONENT = {
  name: 'harden',
  description: 'Applies settings and checks them.',
  schemaVersion: 1.0,
  parameters: [
    { Level: { type: 'string', default: 'high', description: 'Hardening level.' } },
    { Extra: { type: 'string', default: 'none', description: 'Extra packages.' } },
  ],
  constants: [{ Target: { type: 'string', value: '/etc/bakery' } }],
  phases: [
    {
      name: 'build',
      steps: [
        { name: 'MakeFolder', action: 'CreateFolder', inputs: [{ path: '{{ Target }}' }] },
        {
          name: 'Apply',
          action: 'ExecuteBash',
          loop: { name: 'Pass', forEach: ['one', 'two'] },
          inputs: { commands: ['echo "{{ Level }} {{ loop.value }}" >> {{ Target }}/applied'] },
        },
      ],
    },
    {
      name: 'validate',
      steps: [{ name: 'Check', action: 'ExecuteBash', inputs: { commands: ['test -s {{ Target }}/applied'] } }],
    },
  ],
};

export const RECIPE_TEXT = stringify(RECIPE);
export const COMPONENT_TEXT = stringify(COMPONENT);

/** Every path into a value, root first: the places a structural mutation can hit. */
export function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => pathsOf(item, [...prefix, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return here;
}

const wrongValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 2000, maxLength: 10_000 }),
  fc.constantFrom('', '{{ missing }}', '{{', 'x.x.x', '../../../etc/passwd', '0.0.0', '-1', 'ami-0', '🙂'),
  fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.integer()), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { maxKeys: 4 }),
);

/** A structural mutation of a document: delete a key or item, or replace a value with one of the wrong type. */
export function structuralMutation(base: unknown): fc.Arbitrary<{ label: string; text: string }> {
  const paths = pathsOf(base);
  return fc
    .record({ at: fc.nat({ max: paths.length - 1 }), remove: fc.boolean(), value: wrongValue })
    .map(({ at, remove, value }) => {
      const path = paths[at] ?? [];
      const copy = structuredClone(base) as unknown;
      const result = path.length === 0 ? (remove ? undefined : value) : mutateAt(copy, path, remove, value);
      return { label: `${remove ? 'delete' : 'replace'} ${path.join('.') || '<root>'}`, text: stringify(result) ?? '' };
    });
}

function mutateAt(root: unknown, path: (string | number)[], remove: boolean, value: unknown): unknown {
  let parent = root as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (!remove) parent[last] = value;
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return root;
}

/** Characters and fragments that break YAML in interesting ways. */
const DAMAGE = fc.constantFrom('\t', ':', ': ', '[', ']', '{', '}', '- ', '? ', '&a ', '*a', '*nope', '<<: *a', '!!binary ', '!Ref ', '"', "'", '\n', '\r', '\r\n', '#', '%YAML 1.1\n', '---\n', '...\n', '@', '`', '|', '>', ',', '\u0000', '\ufeff', '\ud800', '  ', '\n  - ', 'key: value\n');

/** Text damage at random offsets: cut, insert, delete, duplicate a line (a duplicate key), splice binary bytes. */
export function textDamage(text: string): fc.Arbitrary<{ label: string; text: string }> {
  const offset = fc.nat({ max: text.length });
  return fc.oneof(
    offset.map((at) => ({ label: `cut at ${at}`, text: text.slice(0, at) })),
    fc.tuple(offset, fc.array(fc.oneof(DAMAGE, fc.string({ maxLength: 6 })), { minLength: 1, maxLength: 4 })).map(([at, pieces]) => ({
      label: `insert ${JSON.stringify(pieces.join(''))} at ${at}`,
      text: text.slice(0, at) + pieces.join('') + text.slice(at),
    })),
    fc.tuple(offset, fc.nat({ max: 40 })).map(([at, length]) => ({ label: `delete ${length} at ${at}`, text: text.slice(0, at) + text.slice(at + length) })),
    fc.nat().map((n) => {
      const lines = text.split('\n');
      const i = n % lines.length;
      return { label: `duplicate line ${i + 1}`, text: [...lines.slice(0, i + 1), ...lines.slice(i)].join('\n') };
    }),
    fc.tuple(offset, fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([at, bytes]) => ({
      label: `splice ${bytes.length} random bytes at ${at}`,
      text: text.slice(0, at) + Buffer.from(bytes).toString('utf8') + text.slice(at),
    })),
  );
}

/** Hand-picked hostile documents, each tried as a recipe and as a component. */
export const HOSTILE: ReadonlyArray<{ name: string; text: string | Buffer }> = [
  { name: 'an empty file', text: '' },
  { name: 'only a comment', text: '# nothing here\n' },
  { name: 'a null document', text: '~\n' },
  { name: 'a scalar document', text: 'just a string\n' },
  { name: 'several documents', text: `${RECIPE_TEXT}---\n${COMPONENT_TEXT}` },
  { name: 'a byte-order mark and CRLF line ends', text: `\ufeff${RECIPE_TEXT.replace(/\n/g, '\r\n')}` },
  { name: 'a 1 MB string value', text: `name: ${'x'.repeat(1_048_576)}\nplatform: linux\n` },
  { name: 'a 1 MB key', text: `${'k'.repeat(1_048_576)}: 1\n` },
  { name: 'a 1 MB line without a line end', text: `description: "${'y'.repeat(1_048_576)}` },
  { name: '500 levels of flow nesting', text: `components: ${'['.repeat(500)}${']'.repeat(500)}\n` },
  { name: '500 levels of unclosed flow nesting', text: `phases: ${'['.repeat(500)}\n` },
  {
    name: '500 levels of block nesting',
    text: `${Array.from({ length: 500 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n')} end\n`,
  },
  { name: '500 levels of nested lists', text: `${Array.from({ length: 500 }, (_, i) => `${'  '.repeat(i)}-`).join('\n')} x\n` },
  {
    name: 'an alias bomb',
    text: ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`), 'name: *i', ''].join('\n'),
  },
  { name: 'an alias to a missing anchor', text: 'name: *nowhere\n' },
  { name: 'a merge key of a scalar', text: 'base: &b 1\nbuild:\n  <<: *b\n' },
  { name: 'unknown tags', text: 'name: !Ref Thing\nphases: !!binary aGVsbG8=\nversion: !!int nope\n' },
  { name: 'tabs for indentation', text: 'build:\n\tinstanceTypes:\n\t\t- m7i.large\n' },
  { name: '1,000 keys in one map', text: Array.from({ length: 1_000 }, (_, i) => `k${i}: ${i}`).join('\n') },
  { name: 'duplicate keys at every level', text: 'name: a\nname: b\nbuild:\n  x: 1\n  x: 2\nphases:\n  - name: b\n    name: c\n' },
  { name: 'binary garbage', text: Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)) },
  { name: 'NUL bytes', text: Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0x00, 0x00, 0x0a, 0x00]) },
  { name: 'invalid UTF-8', text: Buffer.from([0xff, 0xfe, 0x6e, 0x3a, 0x20, 0xc3, 0x28, 0x0a, 0xe2, 0x82]) },
];
