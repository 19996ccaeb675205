/**
 * The shipped recipes, bundled: the facts that make each image the benchmark it claims, read from
 * the CloudFormation template the pipeline deploys (not from the recipe files).
 */

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  bundled,
  documentNamed,
  managed,
  only,
  positionOf,
  readRecipeFile,
  recipeComponents,
  resourcesOf,
  SHIPPED,
  scriptOf,
  stepsOf,
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

describe.each(['windows-server-2022-cis-level1', 'windows-server-2025-cis-level1'])(
  'Shipped recipe %s: CIS Level 1 Member Server',
  (name) => {
    const table = parse(readRecipeFile(name, 'controls/cis-level1.yaml')) as { controls: Record<string, unknown>[] };

    function parts(): Record<string, unknown>[] {
      const { template } = bundled(name);
      return resourcesOf(template, 'AWS::ImageBuilder::Component')
        .filter(([id]) => id.startsWith('ComponentCisLevel1Part'))
        .map(([, r]) => parse(r.Properties.Data as string) as Record<string, unknown>);
    }

    it('applies every table row in a build phase and reads it back in a validate phase', () => {
      // Prepare
      const build = parts()
        .flatMap((d) => stepsOf(d, 'build'))
        .map((s) => (s.action === 'SetRegistry' ? JSON.stringify(s.inputs) : scriptOf(s)))
        .join('\n');
      const validate = parts()
        .flatMap((d) => stepsOf(d, 'validate'))
        .map((s) => scriptOf(s))
        .join('\n');

      // Act
      const missing = table.controls.flatMap((row) => {
        const id = `,@('${row.id}',`;
        const inBuild =
          row.kind === 'registry' && build.includes(JSON.stringify({ path: row.path, name: row.name, value: row.value, type: row.type }))
            ? true
            : build
                .split('\n')
                .some((line) => line.startsWith(id) && line.includes(`'${String(row.key ?? row.guid ?? row.service ?? row.name)}'`));
        const inValidate = validate
          .split('\n')
          .some((line) => line.startsWith(id) && line.includes(`'${String(row.name ?? row.key ?? row.guid ?? row.service)}'`));
        return [...(inBuild ? [] : [`${row.id} build`]), ...(inValidate ? [] : [`${row.id} validate`])];
      });

      // Assess
      expect(table.controls.length).toBeGreaterThanOrEqual(100);
      expect(missing).toEqual([]);
    });

    it('fails the build in its last part listing every control that does not hold', () => {
      const documents = parts();
      const last = scriptOf(stepsOf(documents.at(-1) as Record<string, unknown>, 'validate')[0]);
      expect(last).toContain('control(s) of controls/cis-level1.yaml do not hold:');
      expect(last).toMatch(/exit 1/);
      expect(documents.slice(0, -1).every((d) => !/exit 1/.test(scriptOf(stepsOf(d, 'validate')[0])))).toBe(true);
    });

    it('runs the parts after update-windows, in order', () => {
      const { template } = bundled(name);
      const arns = recipeComponents(template).map((c) => JSON.stringify(c.arn));
      const partIds = arns.flatMap((arn) => /ComponentCisLevel1Part(\d+)/.exec(arn)?.[1] ?? []);
      expect(partIds).toEqual(parts().map((_, i) => String(i + 1)));
      expect(arns.findIndex((arn) => arn.includes('update-windows'))).toBeLessThan(
        arns.findIndex((arn) => arn.includes('ComponentCisLevel1Part1')),
      );
    });

    it('keeps Systems Manager and the local administrator: no row touches the agent, outbound traffic or the Administrator account', () => {
      const text = JSON.stringify(table.controls);
      expect(text).not.toMatch(/AmazonSSMAgent|NewAdministratorName|EnableAdminAccount/);
      expect(table.controls.filter((r) => r.name === 'DefaultOutboundAction').map((r) => r.value)).toEqual([0, 0, 0]);
    });
  },
);

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
