/** Shared test inputs: the shipped recipes bundled in memory, and the real cfn-guard binary. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleRecipe } from '@ami-bakery/recipe-bundler';
import { execa } from 'execa';
import { shippedGuardBinary } from '../src/index.js';

export type Json = Record<string, unknown>;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every recipe under recipes/, bundled exactly as `bakery bundle` does. */
export function shippedTemplates(): { name: string; template: Json; text: string }[] {
  const dir = path.join(REPO_ROOT, 'recipes');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'recipe.yaml')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const result = bundleRecipe(path.join(dir, name), { cwd: REPO_ROOT, sourceCommit: null });
      if (!result.ok || !result.template || result.templateText === undefined)
        throw new Error(`${name} does not bundle: ${result.findings.map((f) => `${f.ruleId} ${f.message}`).join('; ')}`);
      return { name, template: structuredClone(result.template) as Json, text: result.templateText };
    });
}

export function guardBinary(): string {
  const binary = shippedGuardBinary();
  if (binary === undefined) throw new Error(`@cdklabs/cdk-validator-cfnguard ships no cfn-guard for ${process.platform}/${process.arch}`);
  return binary;
}

/** `cfn-guard validate` as a person runs it: exit code and the failed rule names of its summary. */
export async function runGuardCli(dataFile: string, rules: string): Promise<{ exitCode: number | undefined; failed: string[] }> {
  const run = await execa(guardBinary(), ['validate', '--data', dataFile, '--rules', rules, '--show-summary', 'fail'], { reject: false });
  const failed = [...run.stdout.matchAll(/\/(rb\d{4}_[a-z0-9_]+)\s+FAIL/g)].map((m) => m[1] as string);
  return { exitCode: run.exitCode, failed: [...new Set(failed)].sort() };
}
