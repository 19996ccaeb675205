import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTemplateText, type Template } from '@ami-bakery/bundle';
import { createGuardEngine } from '@ami-bakery/invariants';
import { bundleRecipe } from '@ami-bakery/recipe-bundler';
import { describe, expect, it } from 'vitest';
import { baselineCheck, composeChecks } from '../src/checks.js';
import { invariantsCheck } from '../src/invariants.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe("The shipped recipes against the deployer's template checks", () => {
  it('pass the baseline and the security invariants (the deployer would deploy them)', async () => {
    // Prepare
    const names = readdirSync(path.join(ROOT, 'recipes'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    const inputs = names.map((name) => {
      const result = bundleRecipe(path.join(ROOT, 'recipes', name), { cwd: ROOT, sourceCommit: null });
      const parsed = parseTemplateText(result.templateText ?? '');
      if (!parsed.ok) throw new Error(`${name}: ${parsed.message}`);
      return {
        recipe: name,
        stackName: result.stackName,
        template: parsed.value as Template,
        templateText: result.templateText ?? '',
        parameters: {},
      };
    });
    const check = composeChecks(
      baselineCheck,
      invariantsCheck(async () => createGuardEngine({ backend: 'wasm' })),
    );
    // Act
    const findings = await check.check(inputs);
    // Assess
    expect(findings).toEqual([]);
  });
});
