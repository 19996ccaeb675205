import type { ComponentRule } from '../../rule.js';
import { stepsOf } from './document.js';

export const onFailureContinue: ComponentRule = {
  id: 'RB2008',
  slug: 'on-failure-continue',
  severity: 'warning',
  description:
    'No step relies on onFailure: Continue to tolerate a failure: the next steps run, but the document (and the image build) still fails.',
  appliesTo: 'component',
  check({ data }) {
    return stepsOf(data)
      .filter((step) => step.step.onFailure === 'Continue')
      .map((step) => ({
        path: [...step.path, 'onFailure'],
        message: `onFailure: Continue runs the next steps but still marks the document, and the image build, as failed. Use Ignore to tolerate a failure of step '${step.name ?? step.stepIndex + 1}', or Abort to stop at once.`,
      }));
  },
};
