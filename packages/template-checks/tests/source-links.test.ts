import { describe, expect, it } from 'vitest';
import type { Finding } from '@ami-bakery/recipe-schema';
import { checkTemplateFile, mapToSource, readSourceFrom, type SourceLink } from '../src/index.js';

const cwd = new URL('./fixtures/links/', import.meta.url).pathname;
const readSource = readSourceFrom(cwd);
const EBS = ['Resources', 'Recipe', 'Properties', 'BlockDeviceMappings', 0, 'Ebs'];

const LINKS: SourceLink[] = [
  { templatePath: ['Resources', 'Recipe', 'Properties', 'BlockDeviceMappings'], file: 'recipe.yaml', path: ['build', 'rootVolume'] },
  { templatePath: [...EBS, 'VolumeSize'], file: 'recipe.yaml', path: ['build', 'rootVolume', 'sizeGiB'] },
  { templatePath: ['Resources', 'Hardening'], file: 'recipe.yaml', path: ['components', 0] },
  { templatePath: ['Resources', 'Hardening', 'Properties', 'Data'], file: 'components/hardening.yaml', path: [] },
];

function finding(path: Finding['path']): Finding {
  return {
    ruleId: 'RB5003',
    slug: 'wrong-type',
    severity: 'error',
    message: 'm',
    file: 'template.yaml',
    range: { start: { line: 14, column: 25 }, end: { line: 14, column: 31 } },
    path,
    source: 'bakery',
  };
}

describe('mapToSource', () => {
  it.each([
    ['maps a template value to the recipe line it came from (deepest link wins)', [...EBS, 'VolumeSize'], 'recipe.yaml', ['build', 'rootVolume', 'sizeGiB'], '9:14-9:20'],
    ['uses a shallower link for a path below it', [...EBS, 'Encrypted'], 'recipe.yaml', ['build', 'rootVolume'], '8:3-8:13'],
    ['maps a component property to the recipe entry that pulled the component in', ['Resources', 'Hardening', 'Properties', 'Bogus'], 'recipe.yaml', ['components', 0], '6:5-6:36'],
    ['maps into a component file', ['Resources', 'Hardening', 'Properties', 'Data'], 'components/hardening.yaml', [], '1:1-1:16'],
    ['matches list indexes written as strings', ['Resources', 'Recipe', 'Properties', 'BlockDeviceMappings', '0', 'Ebs', 'VolumeSize'], 'recipe.yaml', ['build', 'rootVolume', 'sizeGiB'], '9:14-9:20'],
  ])('%s', (_name, path, file, sourcePath, range) => {
    // Act
    const mapped = mapToSource(finding(path), LINKS, readSource);

    // Assess
    expect([mapped.file, mapped.path, `${mapped.range.start.line}:${mapped.range.start.column}-${mapped.range.end.line}:${mapped.range.end.column}`]).toEqual([file, sourcePath, range]);
    expect(mapped.ruleId).toBe('RB5003');
  });

  it('keeps the template location when no link matches', () => {
    const original = finding(['Resources', 'Other', 'Properties']);
    expect(mapToSource(original, LINKS, readSource)).toEqual(original);
  });

  it('keeps the template location when the source file cannot be read', () => {
    const original = finding([...EBS, 'VolumeSize']);
    expect(mapToSource(original, [{ templatePath: [...EBS], file: 'gone.yaml', path: ['x'] }], readSource)).toEqual(original);
  });

  it('moves built-in findings on a generated template to the recipe and component files', () => {
    // Act
    const findings = checkTemplateFile('template.yaml', { cwd, links: LINKS });

    // Assess
    expect(findings.map((f) => [f.ruleId, f.file, f.range.start.line, f.path])).toEqual([
      ['RB5001', 'recipe.yaml', 6, ['components', 0]],
      ['RB5003', 'recipe.yaml', 9, ['build', 'rootVolume', 'sizeGiB']],
    ]);
  });

  it('reports on the template itself without links', () => {
    const findings = checkTemplateFile('template.yaml', { cwd });
    expect(findings.map((f) => [f.ruleId, f.file, f.range.start.line])).toEqual([
      ['RB5003', 'template.yaml', 14],
      ['RB5001', 'template.yaml', 26],
    ]);
  });
});
