import { describe, expect, it } from 'vitest';
import { diffTemplates, parseTemplateText, type Template } from '../src/index.js';
import { recipeTemplate } from './helpers.js';

function parsed(text: string): Template {
  const result = parseTemplateText(text);
  if (!result.ok) throw new Error(result.message);
  return result.value as Template;
}

const base = () => parsed(recipeTemplate({ name: 'aaa' }));
const rows = (changes: ReturnType<typeof diffTemplates>) =>
  changes.map((c) => [
    c.logicalId,
    c.action,
    c.replacement ?? '',
    c.properties.map((p) => `${p.path}${p.createOnly ? '*' : ''}${p.cause === 'reference' ? '<-' : ''}`).join(','),
  ]);

describe('Function: diffTemplates', () => {
  it('adds every resource of a new stack', () => {
    expect(rows(diffTemplates(undefined, base())).map((r) => r.slice(0, 2))).toEqual([
      ['ComponentHarden', 'add'],
      ['ImagePipeline', 'add'],
      ['ImageRecipe', 'add'],
      ['InfrastructureConfiguration', 'add'],
      ['InstanceProfile', 'add'],
      ['InstanceRole', 'add'],
    ]);
  });

  it('removes every resource of a deleted stack', () => {
    expect(diffTemplates(base(), undefined).every((c) => c.action === 'remove')).toBe(true);
  });

  it('finds nothing between equal templates', () => {
    expect(diffTemplates(base(), base())).toEqual([]);
  });

  it('predicts the replacements of a version bump and the in-place change it causes', () => {
    // Act
    const changes = diffTemplates(base(), parsed(recipeTemplate({ name: 'aaa', version: '1.1.0' })));
    // Assess: new component and recipe versions are new resources; the pipeline follows in place
    expect(rows(changes)).toEqual([
      ['ComponentHarden', 'replace', 'always', 'Version*'],
      ['ImagePipeline', 'modify', '', 'ImageRecipeArn<-'],
      ['ImageRecipe', 'replace', 'always', 'Components*<-,Version*'],
    ]);
  });

  it('marks a replacement caused only by a reference as conditional', () => {
    // Prepare: only the component's data changes (create-only), the recipe refers to it
    const changes = diffTemplates(base(), parsed(recipeTemplate({ name: 'aaa', data: 'name: other' })));
    // Assess
    expect(rows(changes)).toEqual([
      ['ComponentHarden', 'replace', 'always', 'Data*'],
      ['ImagePipeline', 'modify', '', 'ImageRecipeArn<-'],
      ['ImageRecipe', 'replace', 'conditional', 'Components*<-'],
    ]);
  });

  it('changes in place a property that is not create-only', () => {
    // Prepare
    const after = base();
    const pipeline = (after.Resources as Record<string, { Properties: Record<string, unknown> }>).ImagePipeline;
    if (pipeline) pipeline.Properties.Status = 'DISABLED';
    // Act + Assess
    expect(rows(diffTemplates(base(), after))).toEqual([['ImagePipeline', 'modify', '', 'Status']]);
  });

  it('replaces a resource whose type changed', () => {
    const after = base();
    const resources = after.Resources as Record<string, Record<string, unknown>>;
    resources.InstanceProfile = { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'x' } };
    const [change] = diffTemplates(base(), after).filter((c) => c.logicalId === 'InstanceProfile');
    expect([change?.action, change?.replacement, change?.previousType]).toEqual(['replace', 'always', 'AWS::IAM::InstanceProfile']);
  });

  it('reports a changed resource attribute as an in-place change', () => {
    const after = base();
    const recipe = (after.Resources as Record<string, Record<string, unknown>>).ImageRecipe;
    if (recipe) recipe.DeletionPolicy = 'Retain';
    const [change] = diffTemplates(base(), after);
    expect([change?.logicalId, change?.action, change?.attributes]).toEqual(['ImageRecipe', 'modify', ['DeletionPolicy']]);
  });

  it('does not predict replacement for a type without a schema, and says so', () => {
    const before = { Resources: { X: { Type: 'Custom::Thing', Properties: { A: 1 } } } };
    const after = { Resources: { X: { Type: 'Custom::Thing', Properties: { A: 2 } } } };
    const [change] = diffTemplates(before, after);
    expect([change?.action, change?.unknownType]).toEqual(['modify', true]);
  });

  it('compares a nested create-only path by its own value', () => {
    // Prepare: a schema where only Settings/Name is create-only
    const schemas = (type: string) => (type === 'T::T::T' ? { createOnlyProperties: ['/properties/Settings/Name'] } : undefined);
    const before = { Resources: { X: { Type: 'T::T::T', Properties: { Settings: { Name: 'a', Size: 1 } } } } };
    const size = { Resources: { X: { Type: 'T::T::T', Properties: { Settings: { Name: 'a', Size: 2 } } } } };
    const name = { Resources: { X: { Type: 'T::T::T', Properties: { Settings: { Name: 'b', Size: 1 } } } } };
    // Act + Assess
    expect(rows(diffTemplates(before, size, { schemas }))).toEqual([['X', 'modify', '', 'Settings']]);
    expect(rows(diffTemplates(before, name, { schemas }))).toEqual([['X', 'replace', 'always', 'Settings/Name*']]);
  });

  it('follows references through Fn::Sub', () => {
    const before = {
      Resources: {
        A: { Type: 'AWS::IAM::Role', Properties: { Path: '/a/' } },
        B: { Type: 'AWS::SSM::Parameter', Properties: { Name: { 'Fn::Sub': '/x/${A.Arn}' } } },
      },
    };
    const after = {
      Resources: {
        A: { Type: 'AWS::IAM::Role', Properties: { Path: '/b/' } },
        B: { Type: 'AWS::SSM::Parameter', Properties: { Name: { 'Fn::Sub': '/x/${A.Arn}' } } },
      },
    };
    expect(rows(diffTemplates(before, after))).toEqual([
      ['A', 'replace', 'always', 'Path*'],
      ['B', 'replace', 'conditional', 'Name*<-'],
    ]);
  });
});

describe('Function: parseTemplateText', () => {
  it('reads short-form intrinsics as their long form', () => {
    const result = parseTemplateText(
      "Resources:\n  A:\n    Type: AWS::SSM::Parameter\n    Properties:\n      Name: !Sub '${AWS::StackName}-x'\n      Value: !GetAtt B.Arn\n      Type: !Ref T\n",
    );
    expect(result).toEqual({
      ok: true,
      value: {
        Resources: {
          A: {
            Type: 'AWS::SSM::Parameter',
            Properties: { Name: { 'Fn::Sub': '${AWS::StackName}-x' }, Value: { 'Fn::GetAtt': ['B', 'Arn'] }, Type: { Ref: 'T' } },
          },
        },
      },
    });
  });

  it('keeps dates as text', () => {
    expect(parseTemplateText('AWSTemplateFormatVersion: 2010-09-09\nResources: {}\n')).toEqual({
      ok: true,
      value: { AWSTemplateFormatVersion: '2010-09-09', Resources: {} },
    });
  });

  it('refuses aliases to collections (an alias bomb is never expanded)', () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`;
    expect(parseTemplateText(bomb)).toEqual({
      ok: false,
      message: 'the template uses YAML aliases (*name) to mappings or lists; write the values out',
    });
  });

  it('says where a syntax error is', () => {
    expect(parseTemplateText('Resources:\n  A: [\n')).toMatchObject({ ok: false, line: 3 });
  });
});
