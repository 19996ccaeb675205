import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { type BundleResult, bundleRecipe } from '../../src/index.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

export const RECIPES_DIR = path.join(REPO_ROOT, 'recipes');

/** Every recipe folder the repository ships. */
export const SHIPPED = readdirSync(RECIPES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(path.join(RECIPES_DIR, entry.name, 'recipe.yaml')))
  .map((entry) => entry.name)
  .sort();

export type Template = Record<string, unknown> & { Resources: Record<string, Resource> };
export interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: unknown;
}

const bundles = new Map<string, BundleResult & { template: Template }>();

/** The recipe bundled as the pipeline would (cached: several tests read one bundle). */
export function bundled(name: string): BundleResult & { template: Template } {
  let result = bundles.get(name);
  if (!result) {
    const bundle = bundleRecipe(`recipes/${name}`, { cwd: REPO_ROOT, sourceCommit: null });
    if (!bundle.ok || !bundle.template)
      throw new Error(
        `${name} did not bundle: ${bundle.findings.map((f) => `${f.file}:${f.range.start.line} ${f.ruleId} ${f.message}`).join('; ')}`,
      );
    result = bundle as BundleResult & { template: Template };
    bundles.set(name, result);
  }
  return result;
}

export function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

export function only(template: Template, type: string): Resource {
  const found = resourcesOf(template, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return (found[0] as [string, Resource])[1];
}

export interface RecipeComponent {
  arn: unknown;
  parameters: Record<string, unknown[]>;
}

/** The image recipe's components in order, with their parameters by name. */
export function recipeComponents(template: Template): RecipeComponent[] {
  const components = only(template, 'AWS::ImageBuilder::ImageRecipe').Properties.Components as {
    ComponentArn: unknown;
    Parameters?: { Name: string; Value: unknown[] }[];
  }[];
  return components.map((c) => ({
    arn: c.ComponentArn,
    parameters: Object.fromEntries((c.Parameters ?? []).map((p) => [p.Name, p.Value])),
  }));
}

/** The managed component named `name` (any version), by its partition-aware ARN. */
export function managed(template: Template, name: string): RecipeComponent | undefined {
  const pattern = new RegExp(`^arn:\\$\\{AWS::Partition\\}:imagebuilder:\\$\\{AWS::Region\\}:aws:component/${name}/[0-9x.]+$`);
  return recipeComponents(template).find((c) => pattern.test((c.arn as { 'Fn::Sub'?: string })['Fn::Sub'] ?? ''));
}

/** Position of a component in the image recipe: managed ones by name, local and generated ones by logical id. */
export function positionOf(template: Template, nameOrLogicalId: string): number {
  return recipeComponents(template).findIndex((c) => {
    const arn = c.arn as { 'Fn::Sub'?: string; 'Fn::GetAtt'?: [string, string] };
    return arn['Fn::GetAtt']?.[0] === nameOrLogicalId || (arn['Fn::Sub'] ?? '').includes(`:aws:component/${nameOrLogicalId}/`);
  });
}

/** A local or generated component's document, parsed from its `Data`, by the component resource name suffix. */
export function documentNamed(template: Template, suffix: string): Record<string, unknown> {
  const found = resourcesOf(template, 'AWS::ImageBuilder::Component').find(
    ([, r]) => (r.Properties.Name as { 'Fn::Sub': string })['Fn::Sub'] === `\${AWS::StackName}-${suffix}`,
  );
  if (!found) throw new Error(`no component ${suffix}`);
  return parse(found[1].Properties.Data as string) as Record<string, unknown>;
}

export interface Step {
  name: string;
  action: string;
  inputs: unknown;
}

export function stepsOf(document: Record<string, unknown>, phase: string): Step[] {
  return ((document.phases as { name: string; steps: Step[] }[]).find((p) => p.name === phase)?.steps ?? []) as Step[];
}

/** The shell or PowerShell text of a step (commands joined). */
export function scriptOf(step: Step | undefined): string {
  return ((step?.inputs as { commands?: string[] } | undefined)?.commands ?? []).join('\n');
}

export function readRecipeFile(name: string, file: string): string {
  return readFileSync(path.join(RECIPES_DIR, name, file), 'utf8');
}

/** A build part of a generated Windows controls table, as the template deploys it. */
export interface WindowsPart {
  logicalId: string;
  /** The part number of the logical id (`...Part<n>`). */
  part: number;
  document: Record<string, unknown>;
  /** The file the part's WriteCheckScript step writes, e.g. `check-part-1.ps1`. */
  checkFile: string;
  /** The check script it writes into the image: the text of its here-string, whose SHA-256 the verify document pins. */
  checkScript: string;
}

/** The test-phase verify document of a generated Windows controls table. */
export interface WindowsVerify {
  logicalId: string;
  document: Record<string, unknown>;
  /** Its one test-phase step's script. */
  script: string;
  /** The check scripts it runs, by file name, with the SHA-256 each must have. */
  pins: Map<string, string>;
}

/**
 * The generated documents of a Windows controls table (build parts in part order and the verify
 * document), by the logical id prefix of the table's components, e.g. `ComponentCisLevel1`.
 */
export function windowsControls(template: Template, prefix: string): { parts: WindowsPart[]; verify: WindowsVerify | undefined } {
  const components = resourcesOf(template, 'AWS::ImageBuilder::Component').map(([id, r]) => ({
    id,
    document: parse(r.Properties.Data as string) as Record<string, unknown>,
  }));
  const parts = components
    .flatMap(({ id, document }) => {
      const part = new RegExp(`^${prefix}Part(\\d+)$`).exec(id)?.[1];
      if (part === undefined) return [];
      const write = scriptOf(stepsOf(document, 'build').find((s) => s.name === 'WriteCheckScript'));
      return [
        {
          logicalId: id,
          part: Number(part),
          document,
          checkFile: /^\[System\.IO\.File\]::WriteAllText\(\(Join-Path \$work '([^']+)'\), \$text, /m.exec(write)?.[1] ?? '',
          checkScript: /^\$text = @'\n([\s\S]*?)\n'@$/m.exec(write)?.[1] ?? '',
        },
      ];
    })
    .sort((a, b) => a.part - b.part);
  const found = components.find(({ id }) => id === `${prefix}Verify`);
  if (found === undefined) return { parts, verify: undefined };
  const script = scriptOf(stepsOf(found.document, 'test')[0]);
  const pins = new Map([...script.matchAll(/^,@\('([^']+\.ps1)','([0-9a-f]{64})'\)$/gm)].map((m) => [m[1] as string, m[2] as string]));
  return { parts, verify: { logicalId: found.id, document: found.document, script, pins } };
}

/** Names of a document's phases, in order. */
export function phasesOf(document: Record<string, unknown>): string[] {
  return (document.phases as { name: string }[]).map((p) => p.name);
}
