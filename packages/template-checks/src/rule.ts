/** What a built-in template rule is and what it sees. */
import type { RuleHit, RuleMeta } from '@ami-bakery/recipe-schema';
import { isRecord } from './intrinsics.js';
import { type PropertyIssue, walkProperties } from './property-walk.js';
import type { Spec } from './spec.js';

/** A rule's hit; `needle` narrows the location to that text inside the node (e.g. `${Name}` in a `!Sub`). */
export interface TemplateHit extends RuleHit {
  needle?: string;
}

/** What every template rule sees. Rules must not assume the template is well formed. */
export interface TemplateRuleContext {
  /** The whole template as data (long-form intrinsic functions). */
  template: unknown;
  spec: Spec;
  /** The `Resources` section when it is a map, else empty. */
  resources: Record<string, unknown>;
  /** Names declared in `Parameters`, `Conditions` and `Mappings`. */
  parameters: ReadonlySet<string>;
  conditions: ReadonlySet<string>;
  mappings: ReadonlySet<string>;
  /** True when the template declares a `Transform`, which may add resources and properties. */
  hasTransform: boolean;
  /** The stack the template is deployed as, when known (a recipe's): fills in `${AWS::StackName}`. */
  stackName: string | undefined;
  /** The spec walk over every resource's properties, done once and shared by RB5001-RB5004. */
  propertyIssues(): readonly PropertyIssue[];
}

export interface TemplateRule extends RuleMeta {
  appliesTo: 'template';
  check(ctx: TemplateRuleContext): TemplateHit[];
}

export function createContext(template: unknown, spec: Spec, stackName?: string): TemplateRuleContext {
  const root = isRecord(template) ? template : {};
  const keys = (section: unknown): ReadonlySet<string> => new Set(isRecord(section) ? Object.keys(section) : []);
  let issues: readonly PropertyIssue[] | undefined;
  return {
    template,
    spec,
    resources: isRecord(root.Resources) ? root.Resources : {},
    parameters: keys(root.Parameters),
    conditions: keys(root.Conditions),
    mappings: keys(root.Mappings),
    hasTransform: root.Transform !== undefined,
    stackName,
    propertyIssues() {
      issues ??= walkProperties(template, spec);
      return issues;
    },
  };
}
