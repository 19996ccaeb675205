import { describe, expect, it } from 'vitest';
import type { RecipeRuleContext } from '../../src/rule.js';
import { amiNameUnique } from '../../src/rules/recipe/AmiNameUnique.js';
import { recipeRules } from '../../src/rules/recipe/index.js';
import { instanceArchitecture } from '../../src/rules/recipe/InstanceTypeArchitecture.js';
import { managedComponentPlatform } from '../../src/rules/recipe/ManagedComponentPlatform.js';
import { parentImagePlatform } from '../../src/rules/recipe/ParentImagePlatform.js';
import { escapesRecipeDir } from '../../src/rules/recipe/recipe-fields.js';
import { workingDirectoryNoexec } from '../../src/rules/recipe/WorkingDirectoryNoexec.js';

function context(data: unknown): RecipeRuleContext {
  return { data, recipeDir: '/nonexistent/recipe', components: [] };
}

describe('Rule: RB3002 instance-type-architecture (family table)', () => {
  it.each([
    ['t4g.large', 'arm64'],
    ['m7g.xlarge', 'arm64'],
    ['c8g.large', 'arm64'],
    ['r7gd.2xlarge', 'arm64'],
    ['im4gn.large', 'arm64'],
    ['is4gen.xlarge', 'arm64'],
    ['x2gd.medium', 'arm64'],
    ['g5g.xlarge', 'arm64'],
    ['hpc7g.4xlarge', 'arm64'],
    ['a1.large', 'arm64'],
    ['m7i.large', 'x86_64'],
    ['m7i-flex.large', 'x86_64'],
    ['c7a.large', 'x86_64'],
    ['g5.xlarge', 'x86_64'],
    ['g4dn.xlarge', 'x86_64'],
    ['gr6.4xlarge', 'x86_64'],
    ['t3.micro', 'x86_64'],
    ['mac2-m2.metal', undefined],
    ['u-6tb1.metal', undefined],
    ['not-an-instance-type', undefined],
  ])('%s runs %s', (instanceType, expected) => {
    expect(instanceArchitecture(instanceType)).toBe(expected);
  });
});

describe('Rule: RB3001 parent-image-platform (reference table)', () => {
  const cases: Array<{ name: string; platform: string; architecture: string; parent: Record<string, string>; says?: string }> = [
    { name: 'Amazon Linux x86_64 parameter on x86_64', platform: 'linux', architecture: 'x86_64', parent: { ssmParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' } },
    { name: 'Amazon Linux arm64 parameter on x86_64', platform: 'linux', architecture: 'x86_64', parent: { ssmParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64' }, says: "'/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64'" },
    { name: 'Amazon Linux x86_64 parameter on arm64', platform: 'linux', architecture: 'arm64', parent: { ssmParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' }, says: "'/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64'" },
    { name: 'Ubuntu amd64 parameter on arm64', platform: 'linux', architecture: 'arm64', parent: { ssmParameter: '/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id' }, says: '/current/arm64/' },
    { name: 'Ubuntu arm64 parameter on x86_64', platform: 'linux', architecture: 'x86_64', parent: { ssmParameter: '/aws/service/canonical/ubuntu/server/22.04/stable/current/arm64/hvm/ebs-gp2/ami-id' }, says: '/current/amd64/' },
    { name: 'managed x86 image on arm64', platform: 'linux', architecture: 'arm64', parent: { managedImage: 'amazon-linux-2023-x86/x.x.x' }, says: "'amazon-linux-2023-arm64/x.x.x'" },
    { name: 'Windows parameter on linux', platform: 'linux', architecture: 'x86_64', parent: { ssmParameter: '/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base' }, says: 'or set platform: windows' },
    { name: 'Windows managed image on linux', platform: 'linux', architecture: 'x86_64', parent: { managedImage: 'windows-server-2022-english-full-base-x86/x.x.x' }, says: 'is a Windows image' },
    { name: 'Amazon Linux parameter on windows', platform: 'windows', architecture: 'x86_64', parent: { ssmParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' }, says: 'or set platform: linux' },
    { name: 'Windows parameter on arm64', platform: 'windows', architecture: 'arm64', parent: { ssmParameter: '/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base' }, says: 'EC2 has Windows images for x86_64 only' },
    { name: 'private parameter without hints', platform: 'linux', architecture: 'arm64', parent: { ssmParameter: '/golden/base-ami' } },
    { name: 'fixed AMI id', platform: 'windows', architecture: 'arm64', parent: { amiId: 'ami-0123456789abcdef0' } },
  ];

  it.each(cases)('$name', ({ platform, architecture, parent, says }) => {
    // Act
    const hits = parentImagePlatform.check(context({ platform, architecture, parentImage: parent }));

    // Assess
    if (says === undefined) {
      expect(hits).toEqual([]);
      return;
    }
    expect(hits.map((h) => h.path)).toEqual([['parentImage', Object.keys(parent)[0]]]);
    expect(hits[0]?.message).toContain(says);
  });
});

describe('Rule: RB3012 working-directory-noexec (path table)', () => {
  it.each([
    { name: '/tmp itself', platform: 'linux', directory: '/tmp', flagged: true },
    { name: 'trailing slash', platform: 'linux', directory: '/tmp/', flagged: true },
    { name: 'double slash', platform: 'linux', directory: '//tmp/build', flagged: true },
    { name: 'dot segments into /tmp', platform: 'linux', directory: '/var/../tmp/x', flagged: true },
    { name: 'dot segments out of /tmp', platform: 'linux', directory: '/tmp/../var/tmp/imagebuilder', flagged: false },
    { name: '/dev/shm', platform: 'linux', directory: '/dev/shm/imagebuilder', flagged: true },
    { name: 'a sibling named like /tmp', platform: 'linux', directory: '/tmpfs-build', flagged: false },
    { name: 'the default', platform: 'linux', directory: '/var/tmp/imagebuilder', flagged: false },
    { name: 'windows ignores POSIX paths', platform: 'windows', directory: '/tmp', flagged: false },
  ])('$name', ({ platform, directory, flagged }) => {
    const hits = workingDirectoryNoexec.check(context({ platform, build: { workingDirectory: directory } }));
    expect(hits.map((h) => h.path)).toEqual(flagged ? [['build', 'workingDirectory']] : []);
  });
});

describe('Rule: RB3013 managed-component-platform (name table)', () => {
  it.each([
    { name: 'stig-build-windows-high', platform: 'linux', says: 'use the linux counterpart (e.g. stig-build-linux-high)' },
    { name: 'windows-server-iis', platform: 'linux', says: 'use a linux component instead or remove it' },
    { name: 'update-linux-kernel-5', platform: 'windows', says: 'use the windows counterpart (e.g. update-windows-kernel-5)' },
    { name: 'Reboot-Test-Linux', platform: 'windows', says: 'use the windows counterpart (e.g. reboot-test-windows)' },
    { name: 'update-linux', platform: 'linux', says: undefined },
    { name: 'chocolatey', platform: 'windows', says: undefined },
    { name: 'linuxbrew-tools', platform: 'windows', says: undefined },
  ])('$name on $platform', ({ name, platform, says }) => {
    const hits = managedComponentPlatform.check(context({ platform, tests: [{ managed: name }] }));
    if (says === undefined) {
      expect(hits).toEqual([]);
      return;
    }
    expect(hits.map((h) => h.path)).toEqual([['tests', 0, 'managed']]);
    expect(hits[0]?.message).toContain(says);
  });
});

describe('Rule: RB3011 ami-name-unique (name table)', () => {
  it.each([
    { amiName: 'golden-{{ imagebuilder:buildDate }}', flagged: false },
    { amiName: 'golden-{{imagebuilder:buildDate}}', flagged: false },
    { amiName: 'golden-{{ imagebuilder:buildVersion }}', flagged: true },
    { amiName: 'golden', flagged: true },
  ])('$amiName', ({ amiName, flagged }) => {
    const hits = amiNameUnique.check(context({ distribution: { amiName } }));
    expect(hits.map((h) => h.path)).toEqual(flagged ? [['distribution', 'amiName']] : []);
  });
});

describe('component paths outside the recipe folder', () => {
  it.each([
    { file: 'components/a.yaml', escapes: false },
    { file: './components/../components/a.yaml', escapes: false },
    { file: '../other/a.yaml', escapes: true },
    { file: 'components/../../a.yaml', escapes: true },
    { file: '/etc/a.yaml', escapes: true },
    { file: 'C:\\components\\a.yaml', escapes: true },
    { file: '..\\other\\a.yaml', escapes: true },
    { file: '~/a.yaml', escapes: true },
  ])('$file', ({ file, escapes }) => {
    expect(escapesRecipeDir(file, '/nonexistent/recipe', `/nonexistent/recipe/${file}`)).toBe(escapes);
  });
});

describe('recipe rules on documents of the wrong shape', () => {
  const shapes: Array<[string, unknown]> = [
    ['null document', null],
    ['a list', [1, 2]],
    ['a string', 'recipe'],
    ['every section a string', { platform: 'linux', architecture: 'x86_64', parentImage: 'x', components: 'x', tests: 'x', build: 'x', distribution: 'x', scanning: 'x' }],
    ['nested lists instead of maps', { platform: 'linux', build: { instanceTypes: [[], {}, 3, null], instanceMetadata: [], rootVolume: [] }, components: [null, 3, [], { managed: 42, file: {} }], distribution: { launchPermissions: { userGroups: 'all' }, amiName: 7 } }],
    ['unknown platform and architecture', { platform: 'beos', architecture: 'sparc', parentImage: { ssmParameter: '/aws/service/ami-windows-latest/x' }, build: { instanceTypes: ['m7g.large'], workingDirectory: '/tmp' } }],
  ];

  it.each(shapes)('%s gives no hits and no crash', (_name, data) => {
    // Act
    const hits = recipeRules.flatMap((rule) => rule.check(context(data)).map((hit) => ({ id: rule.id, path: hit.path })));

    // Assess
    expect(hits).toEqual([]);
  });
});
