import { readFile } from 'node:fs/promises';
import type { Parameter } from '@aws-sdk/client-cloudformation';
import { PackageError } from './errors.js';
import type { BootstrapProperties } from './properties.js';

/** CloudFormation's limit for an inline TemplateBody. */
const MAX_TEMPLATE_BODY_BYTES = 51_200;

interface BakeryTemplate {
  /** Minified JSON: the packaged file is pretty-printed, whitespace would count against the limit. */
  body: string;
  bytes: number;
  /** Declared parameter names, each with whether the template gives a default. */
  parameters: Map<string, { hasDefault: boolean }>;
}

async function loadTemplate(path: string): Promise<BakeryTemplate> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PackageError(
      `The bakery stack template is missing from the Lambda package (${path}): rebuild the package with "pnpm --filter @ami-bakery/bootstrap-lambda build" after synthesizing control-plane/bakery-stack`,
      { cause: error },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PackageError(`The packaged bakery stack template (${path}) is not valid JSON: rebuild the package`, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || !('Resources' in parsed)) {
    throw new PackageError(
      `The packaged bakery stack template (${path}) has no Resources section: rebuild the package from the synthesized BakeryStack template`,
    );
  }
  const body = JSON.stringify(parsed);
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_TEMPLATE_BODY_BYTES) {
    throw new PackageError(
      `The bakery stack template is ${bytes} bytes minified; CloudFormation accepts at most ${MAX_TEMPLATE_BODY_BYTES} bytes as TemplateBody. ` +
        'Shrink control-plane/bakery-stack (fewer inline policies, no inline Lambda code) and rebuild the package.',
    );
  }
  const declared = (parsed as { Parameters?: Record<string, { Default?: unknown }> }).Parameters ?? {};
  const parameters = new Map(
    Object.entries(declared).map(([name, spec]) => [name, { hasDefault: spec !== null && typeof spec === 'object' && 'Default' in spec }]),
  );
  return { body, bytes, parameters };
}

/** Content-hash keys of what the bootstrap uploads to the control bucket before deploying. */
interface ShippedKeys {
  deployerCodeKey: string;
  imageEventsCodeKey: string;
  guardRulesKey: string;
}

/** Every bakery-stack parameter the bootstrap sets, whether or not the packaged template declares it. */
function desiredParameters(props: BootstrapProperties, shipped?: ShippedKeys): Record<string, string> {
  return {
    NamePrefix: props.namePrefix,
    RepositoryName: props.repositoryName,
    BranchName: props.branchName,
    SourceType: props.sourceType,
    SourceObjectKey: props.sourceObjectKey,
    OrganizationId: props.organizationId,
    ManagementAccountId: props.managementAccountId,
    RecipeStackPrefix: props.recipeStackPrefix,
    Prune: props.prune,
    DeployConcurrency: props.deployConcurrency,
    EvidenceLockMode: props.evidenceLockMode,
    EvidenceLockDays: props.evidenceLockDays,
    NotificationEmail: props.notificationEmail,
    ...(shipped
      ? { DeployerCodeKey: shipped.deployerCodeKey, ImageEventsCodeKey: shipped.imageEventsCodeKey, GuardRulesKey: shipped.guardRulesKey }
      : {}),
  };
}

/**
 * Only parameters the template declares: CloudFormation rejects undeclared ones, and a template
 * that no longer needs a value should not break the deployment.
 */
function stackParameters(template: BakeryTemplate, props: BootstrapProperties, shipped?: ShippedKeys): Parameter[] {
  const desired = desiredParameters(props, shipped);
  const missing = [...template.parameters].filter(([name, spec]) => !(name in desired) && !spec.hasDefault).map(([name]) => name);
  if (missing.length > 0) {
    throw new PackageError(
      `The bakery stack template requires parameter(s) ${missing.join(', ')} that the bootstrap cannot supply (it passes ${Object.keys(desired).join(', ')}): give them defaults in control-plane/bakery-stack`,
    );
  }
  return Object.keys(desired)
    .filter((name) => template.parameters.has(name))
    .map((name) => ({ ParameterKey: name, ParameterValue: desired[name] }));
}

export { type BakeryTemplate, desiredParameters, loadTemplate, MAX_TEMPLATE_BODY_BYTES, type ShippedKeys, stackParameters };
