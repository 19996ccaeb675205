import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateRecipeFile, validateRecipeText } from '../../src/validate.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/recipe/', import.meta.url));

describe('recipe suppressions', () => {
  it('marks a suppressed finding with the reason and keeps it in the report', () => {
    // Act
    const { findings } = validateRecipeFile('suppressed/recipe.yaml', { cwd: FIXTURES });

    // Assess
    const suppressed = findings.find((f) => f.ruleId === 'RB3005');
    expect(suppressed).toMatchObject({
      severity: 'error',
      path: ['build', 'terminateOnFailure'],
      range: { start: { line: 15, column: 23 } },
      suppressed: { reason: 'Keeping the instance of one failing build to debug the STIG step.' },
    });
  });

  it('reports a suppression that matches nothing as RB0006 at its id', () => {
    // Act
    const { findings } = validateRecipeFile('suppressed/recipe.yaml', { cwd: FIXTURES });

    // Assess
    expect(
      findings.map((f) => ({
        ruleId: f.ruleId,
        path: f.path,
        line: f.range.start.line,
        column: f.range.start.column,
        suppressed: f.suppressed !== undefined,
      })),
    ).toEqual([
      { ruleId: 'RB3005', path: ['build', 'terminateOnFailure'], line: 15, column: 23, suppressed: true },
      { ruleId: 'RB0006', path: ['suppressions', 1, 'id'], line: 20, column: 9, suppressed: false },
    ]);
    expect(findings[1]?.message).toContain('Suppression of RB3004 matches no finding; remove it.');
  });

  it('applies a suppression with a path only to findings in recipe.yaml, never to a component document', () => {
    // Act
    const { findings } = validateRecipeFile('suppressed-path/recipe.yaml', { cwd: FIXTURES });

    // Assess: path: phases (a component path) matches nothing; the path-less entry suppresses the component's RB2008.
    expect(findings.map((f) => ({ ruleId: f.ruleId, file: f.file, line: f.range.start.line, suppressed: f.suppressed?.reason }))).toEqual([
      {
        ruleId: 'RB2008',
        file: 'suppressed-path/components/optional.yaml',
        line: 8,
        suppressed: "Without a path the suppression covers the recipe's components too.",
      },
      { ruleId: 'RB0006', file: 'suppressed-path/recipe.yaml', line: 13, suppressed: undefined },
    ]);
  });

  it('leaves findings outside the suppression path unsuppressed', () => {
    // Prepare
    const text = [
      'name: narrow-suppression',
      'version: 1.0.0',
      'platform: linux',
      'architecture: x86_64',
      'parentImage:',
      '  ssmParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      'components:',
      '  - managed: update-linux',
      'build:',
      '  instanceTypes: [t3.micro, t3.small]',
      'suppressions:',
      '  - id: RB3015',
      '    reason: The first type is a deliberate canary for the capacity fallback.',
      '    path: build.instanceTypes.0',
    ].join('\n');

    // Act
    const { findings } = validateRecipeText(text, `${FIXTURES}inline/recipe.yaml`, { cwd: FIXTURES });

    // Assess
    expect(findings.map((f) => ({ ruleId: f.ruleId, path: f.path, suppressed: f.suppressed?.reason }))).toEqual([
      {
        ruleId: 'RB3015',
        path: ['build', 'instanceTypes', 0],
        suppressed: 'The first type is a deliberate canary for the capacity fallback.',
      },
      { ruleId: 'RB3015', path: ['build', 'instanceTypes', 1], suppressed: undefined },
    ]);
  });

  it('refuses to suppress a schema finding: the id is a schema error and the finding stays unsuppressed', () => {
    // Prepare
    const text = [
      'name: schema-suppression',
      'version: 1.0.0',
      'platform: linux',
      'architecture: x86_64',
      'parentImage:',
      '  ssmParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      'components:',
      '  - managed: update-linux',
      'build:',
      '  instanceTypes: [m7i.large]',
      '  rootVolume: { sizeGiB: "thirty" }',
      'suppressions:',
      '  - id: RB1003',
      '    reason: Trying to hide a wrong type from the bundler.',
    ].join('\n');

    // Act
    const { findings } = validateRecipeText(text, `${FIXTURES}inline/recipe.yaml`, { cwd: FIXTURES });

    // Assess
    expect(
      findings.map((f) => ({ ruleId: f.ruleId, path: f.path.join('.'), line: f.range.start.line, suppressed: f.suppressed !== undefined })),
    ).toEqual([
      { ruleId: 'RB1003', path: 'build.rootVolume.sizeGiB', line: 11, suppressed: false },
      { ruleId: 'RB1005', path: 'suppressions.0.id', line: 13, suppressed: false },
    ]);
    expect(findings[1]?.message).toContain('cannot be suppressed');
  });
});
