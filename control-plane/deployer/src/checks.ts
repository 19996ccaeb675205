/**
 * Template checks: what every template must pass before any change set is created. The deployer
 * runs them over all templates it is about to deploy; a recipe with a finding is not deployed
 * (the others are), and a check that cannot run stops the whole deployment before any change.
 *
 * The security invariants of packages/invariants plug in here as one more TemplateCheck; the
 * baseline below is what the deployer enforces on its own.
 */
import type { Template } from '@ami-bakery/bundle';

interface TemplateCheckInput {
  readonly recipe: string;
  readonly stackName: string;
  readonly template: Template;
  readonly templateText: string;
  /** The parameter values the stack is deployed with (only those the template declares). */
  readonly parameters: Readonly<Record<string, string>>;
}

interface TemplateFinding {
  /** Stable id of the rule, e.g. DEPLOY101 or an invariant's id. */
  readonly id: string;
  readonly recipe: string;
  /** Where in the template: `Resources/<id>/Properties/...`. */
  readonly path?: string;
  readonly message: string;
}

interface TemplateCheck {
  readonly name: string;
  /** Findings for the given templates; throwing means the check could not run (nothing is deployed). */
  check(inputs: readonly TemplateCheckInput[]): Promise<readonly TemplateFinding[]>;
}

/** Runs every check over the same inputs and joins their findings. */
function composeChecks(...checks: readonly TemplateCheck[]): TemplateCheck {
  return {
    name: checks.map((c) => c.name).join(' + ') || 'none',
    async check(inputs) {
      const findings: TemplateFinding[] = [];
      for (const check of checks) findings.push(...(await check.check(inputs)));
      return findings;
    },
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function resources(template: Template): [string, Json][] {
  const section = template.Resources;
  if (!isObject(section)) return [];
  return Object.entries(section).filter((e): e is [string, Json] => isObject(e[1]));
}

const props = (resource: Json): Json => (isObject(resource.Properties) ? resource.Properties : {});

/** Every value of an `Fn::If` in both branches, or the value itself. */
function branches(value: unknown): unknown[] {
  if (isObject(value) && Array.isArray(value['Fn::If']) && value['Fn::If'].length === 3)
    return [...branches(value['Fn::If'][1]), ...branches(value['Fn::If'][2])];
  return [value];
}

/**
 * The deployer's own baseline, independent of any rule file:
 * - DEPLOY101: no AMI is shared with everyone (launch permission group `all`);
 * - DEPLOY102: build instances require IMDSv2 (`HttpTokens: required`);
 * - DEPLOY103: every IAM role carries a permissions boundary.
 */
const baselineCheck: TemplateCheck = {
  name: 'deployer baseline (DEPLOY101-103)',
  async check(inputs) {
    const findings: TemplateFinding[] = [];
    for (const input of inputs) {
      for (const [id, resource] of resources(input.template)) {
        const p = props(resource);
        const at = (...path: (string | number)[]) => ['Resources', id, 'Properties', ...path].join('/');
        if (resource.Type === 'AWS::ImageBuilder::DistributionConfiguration') {
          const distributions = Array.isArray(p.Distributions) ? p.Distributions : [];
          distributions.forEach((d, i) => {
            const launch =
              isObject(d) && isObject(d.AmiDistributionConfiguration)
                ? d.AmiDistributionConfiguration.LaunchPermissionConfiguration
                : undefined;
            for (const value of branches(launch)) {
              const groups = isObject(value) ? value.UserGroups : undefined;
              if (Array.isArray(groups) && groups.some((g) => typeof g === 'string' && g.toLowerCase() === 'all')) {
                findings.push({
                  id: 'DEPLOY101',
                  recipe: input.recipe,
                  path: at('Distributions', i, 'AmiDistributionConfiguration', 'LaunchPermissionConfiguration', 'UserGroups'),
                  message: 'the AMI would be public (launch permission for group "all")',
                });
              }
            }
          });
        }
        if (resource.Type === 'AWS::ImageBuilder::InfrastructureConfiguration') {
          const tokens = isObject(p.InstanceMetadataOptions) ? p.InstanceMetadataOptions.HttpTokens : undefined;
          if (tokens !== 'required') {
            findings.push({
              id: 'DEPLOY102',
              recipe: input.recipe,
              path: at('InstanceMetadataOptions', 'HttpTokens'),
              message: `build instances must require IMDSv2 (HttpTokens: required), not ${JSON.stringify(tokens ?? 'unset')}`,
            });
          }
        }
        if (resource.Type === 'AWS::IAM::Role' && p.PermissionsBoundary === undefined) {
          findings.push({
            id: 'DEPLOY103',
            recipe: input.recipe,
            path: at('PermissionsBoundary'),
            message: 'the role has no permissions boundary',
          });
        }
      }
    }
    return findings;
  },
};

export { baselineCheck, composeChecks, type TemplateCheck, type TemplateCheckInput, type TemplateFinding };
