/**
 * The resource-schema fixture (`data/resource-schemas.json`): create-only properties and handler
 * permissions of every resource type a recipe template may contain, with where each came from.
 */
import fixture from '../data/resource-schemas.json' with { type: 'json' };

type Handler = 'create' | 'read' | 'update' | 'delete' | 'list';

interface ResourceSchema {
  readonly source: { readonly repository: string; readonly path: string; readonly commit: string };
  /** JSON pointers (`/properties/Name`): a change to any of them replaces the resource. */
  readonly createOnlyProperties: readonly string[];
  readonly tagging: { readonly taggable: boolean; readonly tagUpdatable: boolean; readonly permissions: readonly string[] };
  readonly handlers: Readonly<Record<Handler, { readonly permissions: readonly string[] }>>;
  /** Actions the schema leaves out but the service is known to check (see `why`). */
  readonly knownGaps: readonly { readonly handler: Handler; readonly actions: readonly string[]; readonly why: string }[];
  readonly cfnLint: { readonly createOnlyProperties: readonly string[]; readonly agrees: boolean };
  readonly notes: readonly string[];
}

interface ResourceSchemas {
  readonly description: string;
  readonly sources: Readonly<Record<string, string>>;
  readonly schemaVersion: number;
  readonly resourceTypes: Readonly<Record<string, ResourceSchema>>;
}

const RESOURCE_SCHEMAS = fixture as unknown as ResourceSchemas;

/** Resource types a recipe template may contain: exactly those the fixture describes. */
const RECIPE_RESOURCE_TYPES: ReadonlySet<string> = new Set(Object.keys(RESOURCE_SCHEMAS.resourceTypes));

/**
 * Resource types a recipe change set may hold: the recipe types without SSM parameters. RB6008
 * keeps parameters out of recipe stacks; channel parameters are the deployer's (and the
 * image-events function's). The deployer's change sets, its IAM condition on
 * `cloudformation:ResourceTypes` and `bakery plan --remote` all pass exactly this list.
 */
const CHANGE_SET_RESOURCE_TYPES: readonly string[] = [...RECIPE_RESOURCE_TYPES].filter((type) => type !== 'AWS::SSM::Parameter').sort();

function resourceSchema(type: string): ResourceSchema | undefined {
  return Object.hasOwn(RESOURCE_SCHEMAS.resourceTypes, type) ? RESOURCE_SCHEMAS.resourceTypes[type] : undefined;
}

/**
 * Every IAM action CloudFormation may call with the recipe deploy role for these resource types
 * and handlers (known gaps included), sorted and unique.
 */
function handlerPermissions(
  types: Iterable<string> = RECIPE_RESOURCE_TYPES,
  handlers: readonly Handler[] = ['create', 'read', 'update', 'delete', 'list'],
): string[] {
  const actions = new Set<string>();
  for (const type of types) {
    const schema = resourceSchema(type);
    if (!schema) continue;
    for (const handler of handlers) {
      for (const action of schema.handlers[handler]?.permissions ?? []) actions.add(action);
      for (const gap of schema.knownGaps) if (gap.handler === handler) for (const action of gap.actions) actions.add(action);
    }
  }
  return [...actions].sort();
}

export {
  CHANGE_SET_RESOURCE_TYPES,
  type Handler,
  handlerPermissions,
  RECIPE_RESOURCE_TYPES,
  RESOURCE_SCHEMAS,
  type ResourceSchema,
  type ResourceSchemas,
  resourceSchema,
};
