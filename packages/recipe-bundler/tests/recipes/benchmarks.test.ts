/**
 * The shipped recipes, bundled: the facts that make each image the benchmark it claims, read from
 * the CloudFormation template the pipeline deploys (not from the recipe files).
 */

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  bundled,
  documentNamed,
  managed,
  only,
  phasesOf,
  positionOf,
  readRecipeFile,
  recipeComponents,
  SHIPPED,
  scriptOf,
  stepsOf,
  type WindowsPart,
  windowsControls,
} from './helpers.js';

const sub = (text: string) => ({ 'Fn::Sub': text });
/** Built from parts so this file does not contain the literal it searches for. */
const COMMERCIAL_PARTITION = ['arn', 'aws', ''].join(':');

describe('Shipped recipes: the set', () => {
  it('covers every benchmark the product promises', () => {
    expect(SHIPPED).toEqual([
      'amazon-linux-2023-arm64-stig-high',
      'amazon-linux-2023-stig-high',
      'rhel-9-stig-high',
      'ubuntu-pro-20-04-cis-level1',
      'ubuntu-pro-22-04-cis-level1',
      'ubuntu-pro-24-04-cis-level1',
      'windows-server-2022-cis-level1',
      'windows-server-2022-stig-high',
      'windows-server-2025-cis-level1',
      'windows-server-2025-stig-high',
    ]);
  });
});

describe.each(SHIPPED)('Shipped recipe %s: security baseline', (name) => {
  it('requires IMDSv2 on build and test instances and terminates them on failure', () => {
    const infrastructure = only(bundled(name).template, 'AWS::ImageBuilder::InfrastructureConfiguration').Properties;
    expect(infrastructure.InstanceMetadataOptions).toMatchObject({ HttpTokens: 'required' });
    expect(infrastructure.TerminateInstanceOnFailure).toBe(true);
  });

  it('encrypts the root volume', () => {
    const mappings = only(bundled(name).template, 'AWS::ImageBuilder::ImageRecipe').Properties.BlockDeviceMappings as {
      Ebs: Record<string, unknown>;
    }[];
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Ebs).toMatchObject({ Encrypted: true, VolumeType: 'gp3' });
  });

  it('shares the AMI with the organization and never publicly', () => {
    const distributions = only(bundled(name).template, 'AWS::ImageBuilder::DistributionConfiguration').Properties.Distributions as Record<
      string,
      Record<string, unknown>
    >[];
    for (const distribution of distributions) {
      const permissions = distribution.AmiDistributionConfiguration?.LaunchPermissionConfiguration as Record<string, unknown>;
      expect(permissions.OrganizationArns).toEqual([
        sub('arn:${AWS::Partition}:organizations::${ManagementAccountId}:organization/${OrganizationId}'),
      ]);
      expect(permissions.UserGroups ?? []).not.toContain('all');
    }
  });

  it('writes the latest AMI id to its SSM parameter', () => {
    const distributions = only(bundled(name).template, 'AWS::ImageBuilder::DistributionConfiguration').Properties.Distributions as {
      SsmParameterConfigurations: unknown[];
    }[];
    expect(distributions[0]?.SsmParameterConfigurations).toEqual([
      { ParameterName: `/ami-bakery/${name}/latest`, DataType: 'aws:ec2:image' },
    ]);
  });

  it('tags the AMI with the benchmark, its version and level, and where its evidence is', () => {
    const { template } = bundled(name);
    const distributions = only(template, 'AWS::ImageBuilder::DistributionConfiguration').Properties.Distributions as {
      AmiDistributionConfiguration: { AmiTags: Record<string, unknown> };
    }[];
    const tags = distributions[0]?.AmiDistributionConfiguration.AmiTags ?? {};
    expect(tags.Benchmark).toMatch(/^(DISA STIG|CIS) /);
    expect(tags.BenchmarkVersion).toMatch(/^(V\dR\d+|\d+\.\d+\.\d+)$/);
    expect(tags.BenchmarkLevel).toMatch(/^(high|Level 1 - (Server|Member Server))$/);
    const version = only(template, 'AWS::ImageBuilder::ImageRecipe').Properties.Version;
    expect(tags['ami-bakery:evidence']).toEqual(sub(`s3://\${EvidenceBucketName}/evidence/${name}/${version}/`));
  });

  it('scans the image with Inspector and tests it', () => {
    const pipeline = only(bundled(name).template, 'AWS::ImageBuilder::ImagePipeline').Properties;
    expect(pipeline.ImageScanningConfiguration).toEqual({ ImageScanningEnabled: true });
    expect(pipeline.EnhancedImageMetadataEnabled).toBe(true);
    expect(pipeline.ImageTestsConfiguration).toMatchObject({ ImageTestsEnabled: true });
  });

  it('keeps the newest images, deprecates older AMIs, then deletes them with their snapshots unless launched recently', () => {
    const details = only(bundled(name).template, 'AWS::ImageBuilder::LifecyclePolicy').Properties.PolicyDetails as {
      Action: unknown;
      Filter: Record<string, unknown>;
      ExclusionRules: { Amis: Record<string, unknown> };
    }[];
    expect(details.map((d) => d.Action)).toEqual([
      { Type: 'DEPRECATE', IncludeResources: { Amis: true } },
      { Type: 'DELETE', IncludeResources: { Amis: true, Snapshots: true } },
    ]);
    expect(details.map((d) => d.Filter)).toMatchObject([
      { Type: 'AGE', RetainAtLeast: 5 },
      { Type: 'AGE', RetainAtLeast: 5 },
    ]);
    expect(Number(details[1]?.Filter.Value)).toBeGreaterThan(Number(details[0]?.Filter.Value));
    expect(details[1]?.ExclusionRules.Amis.LastLaunched).toEqual({ Value: 90, Unit: 'DAYS' });
  });

  it('never hard-codes the commercial partition', () => {
    expect(bundled(name).templateText).not.toContain(COMMERCIAL_PARTITION);
  });
});

describe.each([
  {
    name: 'amazon-linux-2023-stig-high',
    parent: 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    types: /^m[0-9]+i?\.large$|^m5\.large$/,
  },
  {
    name: 'amazon-linux-2023-arm64-stig-high',
    parent: 'ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
    types: /^m[0-9]+g\.large$/,
  },
  {
    name: 'rhel-9-stig-high',
    parent: sub('arn:${AWS::Partition}:imagebuilder:${AWS::Region}:aws:image/red-hat-enterprise-linux-9-x86/x.x.x'),
    types: /^m[0-9]+i?\.large$|^m5\.large$/,
  },
])('Shipped recipe $name: DISA STIG', ({ name, parent, types }) => {
  it('patches first, then applies the parameterised stig-build-linux at Level High', () => {
    const { template } = bundled(name);
    const stig = managed(template, 'stig-build-linux');
    expect(positionOf(template, 'update-linux')).toBeGreaterThanOrEqual(0);
    expect(positionOf(template, 'update-linux')).toBeLessThan(positionOf(template, 'stig-build-linux'));
    expect(stig?.arn).toEqual(sub('arn:${AWS::Partition}:imagebuilder:${AWS::Region}:aws:component/stig-build-linux/1.x.x'));
    expect(stig?.parameters).toEqual({ Level: ['High'], InstallPackages: ['Yes'], SetDoDConsentBanner: ['No'] });
  });

  it('starts from the parent of its OS and architecture, resolved at build time, on matching instance types', () => {
    const { template } = bundled(name);
    expect(only(template, 'AWS::ImageBuilder::ImageRecipe').Properties.ParentImage).toEqual(parent);
    const instanceTypes = only(template, 'AWS::ImageBuilder::InfrastructureConfiguration').Properties.InstanceTypes as string[];
    expect(instanceTypes.filter((t) => !types.test(t))).toEqual([]);
  });

  it('runs AWSTOE outside the /tmp the STIG mounts noexec, and tests reboot plus reachability', () => {
    const { template } = bundled(name);
    expect(only(template, 'AWS::ImageBuilder::ImageRecipe').Properties.WorkingDirectory).toBe('/var/tmp/imagebuilder');
    expect(managed(template, 'reboot-test-linux')).toBeDefined();
    const smoke = documentNamed(template, 'stig-smoke-test');
    expect(stepsOf(smoke, 'test').map((s) => scriptOf(s))).toEqual([
      'systemctl is-active --quiet amazon-ssm-agent',
      'sshd -t',
      'systemctl is-active --quiet auditd',
    ]);
  });
});

describe.each([
  {
    name: 'ubuntu-pro-20-04-cis-level1',
    parameter: '/aws/service/canonical/ubuntu/pro-server/20.04/stable/current/amd64/hvm/ebs-gp2/ami-id',
  },
  {
    name: 'ubuntu-pro-22-04-cis-level1',
    parameter: '/aws/service/canonical/ubuntu/pro-server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id',
  },
  {
    name: 'ubuntu-pro-24-04-cis-level1',
    parameter: '/aws/service/canonical/ubuntu/pro-server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id',
  },
])('Shipped recipe $name: CIS Level 1 Server with the Ubuntu Security Guide', ({ name, parameter }) => {
  it("starts from Canonical's Ubuntu Pro Server parameter of its release, on its root device", () => {
    const recipe = only(bundled(name).template, 'AWS::ImageBuilder::ImageRecipe').Properties;
    expect(recipe.ParentImage).toBe(`ssm:${parameter}`);
    expect((recipe.BlockDeviceMappings as { DeviceName: string }[])[0]?.DeviceName).toBe('/dev/sda1');
  });

  it('waits for cloud-init and Pro auto-attach before patching', () => {
    const { template } = bundled(name);
    const ready = stepsOf(documentNamed(template, 'pro-ready'), 'build');
    expect(scriptOf(ready[0])).toContain('cloud-init status --wait');
    expect(scriptOf(ready[1])).toContain('pro status --wait');
    expect(positionOf(template, 'ComponentProReady')).toBe(0);
    expect(positionOf(template, 'update-linux')).toBe(1);
  });

  it('enables usg with the pro CLI, installs it non-interactively, hardens with the tailoring file and reboots', () => {
    const { template } = bundled(name);
    const build = stepsOf(documentNamed(template, 'cis-level1-server-harden'), 'build');
    expect(build.map((s) => `${s.name} ${s.action}`)).toEqual([
      'EnableUsg ExecuteBash',
      'WriteTailoringFile ExecuteBash',
      'ApplyProfile ExecuteBash',
      'RebootAfterFix Reboot',
    ]);
    expect(scriptOf(build[0])).toContain('pro enable usg --assume-yes');
    expect(scriptOf(build[0])).not.toMatch(/\bua\s+(enable|attach)/);
    expect(scriptOf(build[0])).toContain('export DEBIAN_FRONTEND=noninteractive');
    expect(scriptOf(build[0])).toMatch(/apt-get .*install -y usg$/m);
    expect(scriptOf(build[2])).toContain('usg fix --tailoring-file /etc/ami-bakery/usg/tailoring.xml');
  });

  it('empties the machine-id and cleans cloud-init last, without detaching Ubuntu Pro', () => {
    const { template } = bundled(name);
    const cleanup = scriptOf(stepsOf(documentNamed(template, 'cleanup'), 'build')[0]);
    expect(cleanup).toContain('cloud-init clean --logs');
    expect(cleanup).toContain('truncate -s 0 /etc/machine-id');
    expect(cleanup).not.toMatch(/^\s*pro detach/m);
    // The last build component: the test components start right after it.
    // The generated entry lists its build document and its test document in its place.
    expect(positionOf(template, 'ComponentCisLevel1ServerHarden')).toBe(2);
    expect(positionOf(template, 'ComponentCisLevel1ServerAudit')).toBe(3);
    expect(positionOf(template, 'ComponentCleanup')).toBe(4);
    expect(positionOf(template, 'reboot-test-linux')).toBe(positionOf(template, 'ComponentCleanup') + 1);
    expect(scriptOf(stepsOf(documentNamed(template, 'pro-smoke-test'), 'test')[0])).toContain('d["attached"]');
  });
});

/** A row of a Windows controls table as the YAML gives it. */
type Row = Record<string, unknown> & { id: string; kind: string };

/** A PowerShell single-quoted string, as the generated scripts write text. */
const ps = (text: unknown) => `'${String(text).replaceAll("'", "''")}'`;

/** A registry value as the generated scripts write it. */
function psValue(value: unknown): string {
  if (Array.isArray(value)) return `[string[]]@(${value.map(ps).join(',')})`;
  return typeof value === 'number' ? String(value) : ps(value);
}

const AUDIT_BITS: Record<string, number> = { Success: 1, Failure: 2, 'Success and Failure': 3 };

/**
 * The start of the PowerShell data line a row becomes (`,@(<id>,<target>,<expected value>`): the
 * check script's line is this and `)`; an apply step's line may add the registry value kind.
 */
function dataLine(row: Row): string {
  const fields: Record<string, () => unknown[]> = {
    registry: () => [ps(String(row.path).replace(/^HKLM:\\/i, '')), ps(row.name), psValue(row.value)],
    userRegistry: () => [ps(row.path), ps(row.name), psValue(row.value)],
    securityPolicy: () => [ps(row.section), ps(row.key), ps(Array.isArray(row.value) ? row.value.join(',') : row.value)],
    auditPolicy: () => [ps(String(row.guid).toUpperCase()), AUDIT_BITS[String(row.setting)], ps(row.subcategory)],
    service: () => [ps(row.service), ps(row.startupType)],
  };
  return `,@(${[ps(row.id), ...(fields[row.kind]?.() ?? [])].join(',')}`;
}

/** The build step that applies a row of each kind. */
const APPLY_STEP: Record<string, string[]> = {
  registry: ['ApplyRegistry', 'ApplyRegistryValues'],
  userRegistry: ['ApplyUserValues'],
  securityPolicy: ['ApplySecurityPolicy'],
  auditPolicy: ['ApplyAuditPolicy'],
  service: ['ApplyServices'],
};

const lines = (text: string) => text.split('\n');
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Whether a build part applies the row: a SetRegistry entry equal to it, or its data line in the step of its kind. */
function applies(part: WindowsPart, row: Row): boolean {
  return stepsOf(part.document, 'build').some((step) => {
    if (!APPLY_STEP[row.kind]?.includes(step.name)) return false;
    if (step.action === 'SetRegistry') {
      const entry = JSON.stringify({ path: row.path, name: row.name, value: row.value, type: row.type });
      return (step.inputs as unknown[]).some((input) => JSON.stringify(input) === entry);
    }
    return lines(scriptOf(step)).some((line) => line === `${dataLine(row)})` || line.startsWith(`${dataLine(row)},'`));
  });
}

/** The security policy settings the build parts apply (`[section] key = value`), from their secedit data lines. */
function appliedPolicy(parts: WindowsPart[]): { section: string; key: string; value: string }[] {
  return parts.flatMap((part) =>
    [
      ...scriptOf(stepsOf(part.document, 'build').find((s) => s.name === 'ApplySecurityPolicy')).matchAll(
        /^,@\('[^']*','([^']*)','([^']*)','((?:[^']|'')*)'\)$/gm,
      ),
    ].map((m) => ({ section: m[1] as string, key: m[2] as string, value: (m[3] as string).replaceAll("''", "'") })),
  );
}

/** The registry values the build parts write: SetRegistry entries and the data lines of the PowerShell registry steps. */
function appliedRegistry(parts: WindowsPart[]): { path: string; name: string; value: unknown }[] {
  return parts.flatMap((part) =>
    stepsOf(part.document, 'build').flatMap((step) => {
      if (step.action === 'SetRegistry') return step.inputs as { path: string; name: string; value: unknown }[];
      if (step.name !== 'ApplyRegistryValues' && step.name !== 'ApplyUserValues') return [];
      return [...scriptOf(step).matchAll(/^,@\('[^']*','((?:[^']|'')*)','((?:[^']|'')*)',(.*),'[A-Za-z]+'\)$/gm)].map((m) => ({
        path: (m[1] as string).replaceAll("''", "'"),
        name: (m[2] as string).replaceAll("''", "'"),
        value: m[3],
      }));
    }),
  );
}

/** The services the build parts set a startup type for, as `<service> <startup type>`. */
function appliedServices(parts: WindowsPart[]): string[] {
  return parts.flatMap((part) =>
    [
      ...scriptOf(stepsOf(part.document, 'build').find((s) => s.name === 'ApplyServices')).matchAll(
        /^,@\('[^']*','([^']*)','([^']*)'\)$/gm,
      ),
    ].map((m) => `${m[1]} ${m[2]}`),
  );
}

const FIREWALL = 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\WindowsFirewall';
const PROFILES = ['DomainProfile', 'PrivateProfile', 'PublicProfile'];
/** Local account, local administrator, Administrators: denying any of them a logon right locks out the Administrator account. */
const ADMINISTRATOR_SIDS = /\*S-1-5-113\b|\*S-1-5-114\b|\*S-1-5-32-544\b|-500\b|Administrator/i;

describe.each([
  {
    name: 'windows-server-2022-cis-level1',
    // Benchmark v2.0.0 has an outbound recommendation per profile: each kept at Allow (0).
    outbound: PROFILES.map((profile) => `${FIREWALL}\\${profile} DefaultOutboundAction 0`),
    exceptions: ['1.2.3', '2.2.21', '2.2.26', '2.3.1.4'],
  },
  {
    name: 'windows-server-2025-cis-level1',
    // Benchmark v2.1.0 has no outbound recommendation: no row writes DefaultOutboundAction at all.
    outbound: [],
    exceptions: ['1.2.3', '2.2.21', '2.2.26', '2.3.1.3'],
  },
])('Shipped recipe $name: CIS Level 1 Member Server', ({ name, outbound, exceptions }) => {
  const table = parse(readRecipeFile(name, 'controls/cis-level1.yaml')) as {
    controls: Row[];
    exceptions: { id: string; reason: string }[];
  };
  const documents = () => windowsControls(bundled(name).template, 'ComponentCisLevel1');

  it('applies every table row in a build phase, reads it back in the validate phase and again on the launched instance, with the same check script', () => {
    // Prepare
    const { parts, verify } = documents();

    // Act
    const placement = table.controls.map((row) => {
      const checkedBy = parts.filter((part) => lines(part.checkScript).includes(`${dataLine(row)})`));
      return {
        row: `${row.id} ${row.kind} ${String(row.name ?? row.key ?? row.guid ?? row.service)}`,
        build: parts.filter((part) => applies(part, row)).map((part) => part.part),
        // The validate phase runs the part's own check script.
        validate: checkedBy
          .filter((part) =>
            scriptOf(stepsOf(part.document, 'validate')[0]).includes(`& (Join-Path $work '${part.checkFile}') -Work $work -Out $out`),
          )
          .map((part) => part.part),
        // The verify document runs it on the launched instance, pinned by the SHA-256 of the text the part writes.
        test: checkedBy.filter((part) => verify?.pins.get(part.checkFile) === sha256(part.checkScript)).map((part) => part.part),
      };
    });

    // Assess
    expect(parts.map((part) => `${part.logicalId} ${phasesOf(part.document).join('+')} ${part.checkFile}`)).toEqual(
      parts.map((_, i) => `ComponentCisLevel1Part${i + 1} build+validate check-part-${i + 1}.ps1`),
    );
    expect(verify && `${verify.logicalId} ${phasesOf(verify.document).join('+')}`).toBe('ComponentCisLevel1Verify test');
    const misplaced = placement.filter(
      ({ build, validate, test }) => build.length !== 1 || validate.join() !== build.join() || test.join() !== build.join(),
    );
    expect(misplaced).toEqual([]);
    expect(placement.map((p) => p.row)).toEqual(
      table.controls.map((row) => expect.stringMatching(new RegExp(`^${row.id.replaceAll('.', '\\.')} `))),
    );
  });

  it('pins every check script the parts write and runs each on the launched instance only after its SHA-256 matched', () => {
    const { parts, verify } = documents();
    expect([...(verify?.pins ?? [])]).toEqual(parts.map((part) => [part.checkFile, sha256(part.checkScript)]));
    const loop = /^foreach \(\$c in \$checks\) \{\n([\s\S]*?)\n\}$/m.exec(verify?.script ?? '')?.[1] ?? '';
    expect(lines(loop)).toEqual([
      '  $file = Join-Path $work $c[0]',
      expect.stringMatching(/^ {2}if \(-not \(Test-Path -LiteralPath \$file\)\) \{ throw /),
      '  $hash = (Get-FileHash -LiteralPath $file -Algorithm SHA256).Hash.ToLowerInvariant()',
      expect.stringMatching(/^ {2}if \(\$hash -ne \$c\[1\]\) \{ throw /),
      expect.stringMatching(/^ {2}\$out = /),
      '  & $file -Work $verifyWork -Out $out',
      expect.stringMatching(/^ {2}foreach \(\$line in /),
    ]);
    // No script runs outside that loop.
    expect(lines(verify?.script ?? '').filter((line) => /^\s*&/.test(line))).toEqual(['  & $file -Work $verifyWork -Out $out']);
  });

  it('fails the build in its last part listing every control that does not hold', () => {
    const { parts } = documents();
    const validate = parts.map((part) => scriptOf(stepsOf(part.document, 'validate')[0]));
    expect(validate.at(-1)).toContain('control(s) of controls/cis-level1.yaml do not hold:');
    expect(validate.at(-1)).toMatch(/exit 1/);
    expect(validate.slice(0, -1).filter((text) => /exit 1/.test(text))).toEqual([]);
  });

  it('runs the parts after update-windows, in order, then the verify document with the evidence parameters', () => {
    const { template } = bundled(name);
    const { parts } = documents();
    const components = recipeComponents(template);
    const generated = components
      .flatMap((c) => (c.arn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0] ?? [])
      .filter((id) => id.startsWith('ComponentCisLevel1'));
    expect(generated).toEqual([...parts.map((part) => part.logicalId), 'ComponentCisLevel1Verify']);
    expect(positionOf(template, 'update-windows')).toBeLessThan(positionOf(template, 'ComponentCisLevel1Part1'));
    expect(components[positionOf(template, 'ComponentCisLevel1Verify')]?.parameters).toEqual({
      EvidenceBucket: [{ Ref: 'EvidenceBucketName' }],
      EvidencePrefix: [`evidence/${name}/${only(template, 'AWS::ImageBuilder::ImageRecipe').Properties.Version}`],
    });
  });

  it('keeps Systems Manager: no build step touches the agent or its service', () => {
    const { parts } = documents();
    const services = appliedServices(parts);
    // What the table disables is what the parts apply: the list inspected is the real one.
    expect(services).toEqual(table.controls.filter((row) => row.kind === 'service').map((row) => `${row.service} ${row.startupType}`));
    expect(services.filter((service) => /ssm/i.test(service))).toEqual([]);
    const build = parts.flatMap((part) =>
      stepsOf(part.document, 'build').map((step) => `${part.logicalId} ${step.name}: ${JSON.stringify(step.inputs)}`),
    );
    expect(build.filter((step) => /AmazonSSMAgent|amazon-ssm-agent/i.test(step))).toEqual([]);
  });

  it('keeps outbound traffic allowed: the firewall on in every profile, outbound left at Allow', () => {
    const registry = appliedRegistry(documents().parts);
    const firewall = (valueName: string) =>
      registry.filter((r) => r.path.startsWith(FIREWALL) && r.name === valueName).map((r) => `${r.path} ${r.name} ${r.value}`);
    expect(firewall('EnableFirewall')).toEqual(PROFILES.map((profile) => `${FIREWALL}\\${profile} EnableFirewall 1`));
    expect(firewall('DefaultOutboundAction')).toEqual(outbound);
    expect(registry.filter((r) => /outbound/i.test(r.name) && r.name !== 'DefaultOutboundAction')).toEqual([]);
  });

  it('keeps the local Administrator account: not renamed, disabled or locked out, and no logon right denied to it', () => {
    const { parts, verify } = documents();
    const policy = appliedPolicy(parts);
    // What the table sets in secedit is what the parts apply: the list inspected is the real one.
    expect(policy.map((p) => `[${p.section}] ${p.key}`)).toEqual(
      table.controls.filter((row) => row.kind === 'securityPolicy').map((row) => `[${row.section}] ${row.key}`),
    );
    expect(policy.filter((p) => /^(NewAdministratorName|EnableAdminAccount|AllowAdministratorLockout)$/.test(p.key))).toEqual([]);
    const denied = policy.filter((p) => /^SeDeny/.test(p.key));
    expect(denied.map((p) => p.key)).toContain('SeDenyInteractiveLogonRight');
    expect(denied.filter((p) => ADMINISTRATOR_SIDS.test(p.value))).toEqual([]);
    // The recommendations that would are exceptions with their reason, reported with the evidence.
    const reported = JSON.parse(
      /^\$exceptions = @\(ConvertFrom-Json '(.*)'\)$/m.exec(verify?.script ?? '')?.[1]?.replaceAll("''", "'") ?? '[]',
    ) as {
      id: string;
      reason: string;
    }[];
    expect(reported.filter((e) => exceptions.includes(e.id)).map((e) => e.id)).toEqual(exceptions);
    expect(reported.filter((e) => e.reason.trim() === '')).toEqual([]);
  });
});

describe.each(['windows-server-2022-stig-high', 'windows-server-2025-stig-high'])('Shipped recipe %s: DISA STIG', (name) => {
  it('patches first, then applies stig-build-windows at Level High', () => {
    const { template } = bundled(name);
    expect(managed(template, 'stig-build-windows')?.parameters).toEqual({ Level: ['High'] });
    expect(positionOf(template, 'update-windows')).toBe(0);
    expect(positionOf(template, 'stig-build-windows')).toBe(1);
  });

  it('builds on an xlarge type with a 60 GiB Windows root volume', () => {
    const { template } = bundled(name);
    expect(only(template, 'AWS::ImageBuilder::InfrastructureConfiguration').Properties.InstanceTypes).toEqual([
      'm6i.xlarge',
      'm7i.xlarge',
      'm5.xlarge',
    ]);
    expect(
      (
        only(template, 'AWS::ImageBuilder::ImageRecipe').Properties.BlockDeviceMappings as {
          DeviceName: string;
          Ebs: { VolumeSize: number };
        }[]
      )[0],
    ).toMatchObject({
      DeviceName: '/dev/sda1',
      Ebs: { VolumeSize: 60 },
    });
  });

  it('tests that Systems Manager and RDP still reach the instance', () => {
    const steps = stepsOf(documentNamed(bundled(name).template, 'reachability-test'), 'test');
    expect(steps.map((s) => s.name)).toEqual(['SystemsManagerAgent', 'RemoteDesktop', 'FirewallOnWithRdpRule']);
    expect(scriptOf(steps[0])).toContain('Get-Service -Name AmazonSSMAgent');
  });
});
