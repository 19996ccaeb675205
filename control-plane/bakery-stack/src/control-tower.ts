import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';

/**
 * The AWS Control Tower proactive controls (the Guard rules `@cdklabs/cdk-validator-cfnguard`
 * ships with the real cfn-guard binary) as a CDK policy-validation plugin. Both CDK apps add it:
 * `Validations.of(app).addPlugins(controlTowerGuard())`. Every finding that is an accepted
 * exception is acknowledged on its construct with a reason (`acknowledge(scope, reason,
 * 'cdk-validator-cfnguard::<rule>')`); the reasons in one place are listed below so the README and
 * docs/security.md can show them.
 */
function controlTowerGuard(): CfnGuardValidator {
  return new CfnGuardValidator({ controlTowerRulesEnabled: true });
}

/** Acknowledgement id of a Control Tower rule finding, as `Validations.acknowledge` takes it. */
function controlTowerFinding(rule: string): string {
  return `cdk-validator-cfnguard::${rule}`;
}

/** The Control Tower rules the bakery accepts as exceptions, each with the reason. */
const CONTROL_TOWER_EXCEPTIONS: Readonly<Record<string, string>> = {};

export { CONTROL_TOWER_EXCEPTIONS, controlTowerFinding, controlTowerGuard };
