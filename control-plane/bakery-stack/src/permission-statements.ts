/**
 * The one renderer of the permission lists kept as data (`DEPLOYER_PERMISSIONS` of
 * `@ami-bakery/deployer/permissions`, `IMAGE_EVENTS_PERMISSIONS` of
 * `@ami-bakery/image-events/permissions`): each statement becomes an IAM statement with its
 * placeholders filled by Fn::Sub, so the stack grants exactly the list the access proofs evaluate.
 */
import type { PermissionStatement } from '@ami-bakery/deployer/permissions';
import { Fn, aws_iam as iam } from 'aws-cdk-lib';

/**
 * Pseudo parameters and the stack parameters (`${RecipeStackPrefix}`, `${GuardRulesKey}`,
 * `${NamePrefix}`, `${OrganizationId}`, ...) resolve in Fn::Sub by themselves; `text` fills a
 * placeholder with Fn::Sub text of its own (a name built from parameters), `tokens` with a value
 * known only at deploy time (an imported ARN, a bucket name with the stack id), passed as an
 * Fn::Sub variable.
 */
function permissionStatements(
  statements: readonly PermissionStatement[],
  text: Readonly<Record<string, string>>,
  tokens: Readonly<Record<string, string>>,
): iam.PolicyStatement[] {
  const fill = (template: string): string => {
    // A whole-value placeholder needs no Fn::Sub: the value itself, or a Ref of the pseudo parameter.
    const whole = /^\$\{([A-Za-z:]+)\}$/.exec(template)?.[1];
    if (whole !== undefined && whole in tokens) return tokens[whole] as string;
    if (whole?.startsWith('AWS::')) return Fn.ref(whole);
    let filled = template;
    for (const [name, value] of Object.entries(text)) filled = filled.replaceAll(`\${${name}}`, value);
    if (!filled.includes('${')) return filled;
    const used = Object.entries(tokens).filter(([name]) => filled.includes(`\${${name}}`));
    return used.length === 0 ? Fn.sub(filled) : Fn.sub(filled, Object.fromEntries(used));
  };
  const conditions = (statement: PermissionStatement) =>
    Object.fromEntries(
      Object.entries(statement.conditions ?? {}).map(([operator, keys]) => [
        operator,
        Object.fromEntries(Object.entries(keys).map(([key, value]) => [key, typeof value === 'string' ? fill(value) : value.map(fill)])),
      ]),
    );
  return statements.map(
    (statement) =>
      new iam.PolicyStatement({
        sid: statement.sid,
        effect: statement.effect === 'Deny' ? iam.Effect.DENY : iam.Effect.ALLOW,
        actions: [...statement.actions],
        resources: statement.resources.map(fill),
        ...(statement.conditions ? { conditions: conditions(statement) } : {}),
      }),
  );
}

export { permissionStatements };
