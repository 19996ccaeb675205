import { describe, expect, it } from 'vitest';
import { changeSetResourceChanges } from '../src/index.js';

describe('Function: changeSetResourceChanges', () => {
  it('maps CloudFormation changes to resource changes, replacements included', () => {
    expect(
      changeSetResourceChanges([
        { ResourceChange: { Action: 'Add', LogicalResourceId: 'B', ResourceType: 'AWS::IAM::Role' } },
        {
          ResourceChange: {
            Action: 'Modify',
            LogicalResourceId: 'A',
            ResourceType: 'AWS::ImageBuilder::ImageRecipe',
            Replacement: 'True',
            Details: [
              { Target: { Attribute: 'Properties', Name: 'Version', RequiresRecreation: 'Always' }, ChangeSource: 'DirectModification' },
              {
                Target: { Attribute: 'Properties', Name: 'Components', RequiresRecreation: 'Always' },
                ChangeSource: 'ResourceAttribute',
                CausingEntity: 'ComponentHarden.Arn',
              },
            ],
          },
        },
        {
          ResourceChange: {
            Action: 'Modify',
            LogicalResourceId: 'C',
            ResourceType: 'AWS::ImageBuilder::ImagePipeline',
            Replacement: 'Conditional',
          },
        },
        {
          ResourceChange: {
            Action: 'Modify',
            LogicalResourceId: 'D',
            ResourceType: 'AWS::ImageBuilder::ImagePipeline',
            Replacement: 'False',
          },
        },
        { ResourceChange: { Action: 'Remove', LogicalResourceId: 'E', ResourceType: 'AWS::SSM::Parameter' } },
        {},
      ]),
    ).toEqual([
      {
        logicalId: 'A',
        type: 'AWS::ImageBuilder::ImageRecipe',
        action: 'replace',
        replacement: 'always',
        properties: [
          { path: 'Components', createOnly: true, cause: 'reference', via: ['ComponentHarden'] },
          { path: 'Version', createOnly: true, cause: 'value' },
        ],
        attributes: [],
      },
      { logicalId: 'B', type: 'AWS::IAM::Role', action: 'add', properties: [], attributes: [] },
      {
        logicalId: 'C',
        type: 'AWS::ImageBuilder::ImagePipeline',
        action: 'replace',
        replacement: 'conditional',
        properties: [],
        attributes: [],
      },
      { logicalId: 'D', type: 'AWS::ImageBuilder::ImagePipeline', action: 'modify', properties: [], attributes: [] },
      { logicalId: 'E', type: 'AWS::SSM::Parameter', action: 'remove', properties: [], attributes: [] },
    ]);
  });
});
