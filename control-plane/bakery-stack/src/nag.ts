import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges cdk-nag findings on a construct. Each finding id is acknowledged on its own, so a
 * new wildcard added later still fails the check until someone writes down why it is needed.
 */
function acknowledge(scope: IConstruct, reason: string, ...ids: string[]): void {
  if (reason.trim().length < 20) throw new Error(`A cdk-nag acknowledgement needs a real reason, got ${JSON.stringify(reason)}`);
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}

export { acknowledge };
