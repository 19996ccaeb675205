/**
 * CloudFormation acting with the recipe deploy role is Allowed every request the create, update and
 * delete handlers of every resource of every recipe stack make: each permission of the resource
 * type's handler list (data/resource-handlers.json, or the shared fixture of packages/bundle when
 * it exists) on the resource it acts on (data/handler-requests.json), evaluated with iam-simulate
 * against the recipe deploy role of today's bakery stack: the shipped recipes, a fixture recipe
 * with local test components and organization sharing, and a stack with a custom workflow (which
 * the bundler does not emit yet). This replaces the hand-written IAM matcher
 * of the bakery stack's recipe-contract test.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  type AccountModel,
  asExpected,
  describeOutcome,
  evaluate,
  HANDLERS,
  type HandlerRequest,
  handlerRequests,
  loadHandlers,
  loadRequestTable,
  OWN_HANDLERS,
  requestRow,
  SHARED_SCHEMAS,
  type SkippedPermission,
} from '../src/index.js';
import { currentModel, currentTemplates, FIXTURE_RECIPES, PACKAGE_DIR, REPO_ROOT, shippedRecipes } from './helpers.js';

const handlers = loadHandlers();
const table = loadRequestTable();

/** The resource types the invariants allow in a recipe stack (RB6008), read from the rule file. */
const ALLOWED_TYPES = [
  ...readFileSync(path.join(REPO_ROOT, 'packages/invariants/rules/rb6008-allowed-resource-types.guard'), 'utf8').matchAll(
    /'(AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)'/g,
  ),
]
  .map((m) => m[1] as string)
  .sort();

let model: AccountModel;
let requests: HandlerRequest[];
let skipped: SkippedPermission[];

beforeAll(() => {
  const workflow = parse(readFileSync(path.join(PACKAGE_DIR, 'tests/fixtures/templates/custom-workflow.template.yaml'), 'utf8'));
  const recipes = new Map([...shippedRecipes(), ...shippedRecipes(FIXTURE_RECIPES), ['custom-workflow', workflow]]);
  model = currentModel(currentTemplates(recipes));
  requests = [];
  skipped = [];
  for (const recipe of recipes.keys()) {
    const stack = model.stacks.get(`recipe:${recipe}`);
    if (!stack) throw new Error(`${recipe} is not in the model`);
    const found = handlerRequests(stack, recipe, handlers, table);
    requests.push(...found.requests);
    skipped.push(...found.skipped);
  }
});

/** Every (type, handler, permission) of the fixture, plus the table's additions. */
const PERMISSIONS = Object.entries(handlers.resourceTypes)
  .filter(([type]) => ALLOWED_TYPES.includes(type))
  .flatMap(([type, schema]) =>
    HANDLERS.flatMap((handler) => [
      ...(schema.handlers[handler]?.permissions ?? []).map((action) => ({ type, handler, action, extra: false })),
      ...(table[type]?.extra?.[handler] ?? []).map((extra) => ({ type, handler, action: extra.action, extra: true })),
    ]),
  );

describe('Recipe deploy role: every request of every resource handler', () => {
  it.each(PERMISSIONS.map((p) => [`${p.type} ${p.handler} ${p.action}${p.extra ? ' (beyond the schema)' : ''}`, p] as const))(
    '%s',
    async (_, { type, handler, action }) => {
      // Prepare
      const mine = requests.filter((r) => r.type === type && r.handler === handler && r.action === action);
      const notApplicable = skipped.filter((s) => s.type === type && s.handler === handler && s.action === action);
      // Act
      const outcomes = await Promise.all(mine.map(async (request) => ({ request, outcome: await evaluate(model, requestRow(request)) })));
      // Assess: either requests were made and each is Allowed, or the permission applies to no resource a recipe has (with why).
      expect(mine.length + notApplicable.length, 'no resource of this type in any recipe').toBeGreaterThan(0);
      const wrong = outcomes.filter(({ request, outcome }) => !asExpected('required', outcome.decision, Boolean(request.knownDefect)));
      expect(
        wrong.map(({ request, outcome }) =>
          describeOutcome(
            outcome,
            request.knownDefect ? `a denial until fixed: ${request.knownDefect}` : `Allowed [${request.recipe} ${request.logicalId}]`,
          ),
        ),
      ).toEqual([]);
    },
  );
});

describe('Recipe deploy role: the handler data', () => {
  it('describes every resource type a recipe stack may hold (RB6008)', () => {
    expect(ALLOWED_TYPES.filter((type) => handlers.resourceTypes[type] === undefined)).toEqual([]);
    expect(ALLOWED_TYPES.filter((type) => table[type] === undefined)).toEqual([]);
    expect(ALLOWED_TYPES).toContain('AWS::ImageBuilder::ImagePipeline');
  });

  it('turns every handler permission into a request or a reason, and names no permission the handlers lack', () => {
    const missing = PERMISSIONS.filter(({ type, action, extra }) => !extra && table[type]?.[action] === undefined);
    const stale = Object.entries(table).flatMap(([type, specs]) =>
      Object.keys(specs)
        .filter((action) => action !== 'extra')
        .filter((action) => !HANDLERS.some((h) => handlers.resourceTypes[type]?.handlers[h]?.permissions.includes(action)))
        .map((action) => `${type} ${action}`),
    );
    expect(missing).toEqual([]);
    expect(stale).toEqual([]);
  });

  it('records a source (repository, path, commit) for every resource type of its own fixture', () => {
    const own = JSON.parse(readFileSync(OWN_HANDLERS, 'utf8')) as { resourceTypes: Record<string, { source: Record<string, string> }> };
    for (const [type, entry] of Object.entries(own.resourceTypes))
      expect(Object.keys(entry.source).sort(), type).toEqual(['commit', 'path', 'repository']);
  });

  it.runIf(existsSync(SHARED_SCHEMAS))('agrees with the shared resource-schema fixture of packages/bundle, which it then reads', () => {
    const own = loadHandlers(OWN_HANDLERS);
    const shared = loadHandlers(SHARED_SCHEMAS);
    expect(handlers.file).toBe(SHARED_SCHEMAS);
    for (const [type, entry] of Object.entries(own.resourceTypes))
      for (const handler of HANDLERS)
        expect(shared.resourceTypes[type]?.handlers[handler]?.permissions, `${type} ${handler}`).toEqual(
          entry.handlers[handler]?.permissions,
        );
  });

  it.each([
    [
      'the recipe creates its instance role with the build boundary',
      'AWS::IAM::Role',
      'create',
      'iam:CreateRole',
      'InstanceRole',
      'PermissionsBoundaryArn',
    ],
    [
      'the recipe creates its lifecycle role with the lifecycle boundary',
      'AWS::IAM::Role',
      'create',
      'iam:CreateRole',
      'LifecycleExecutionRole',
      'LifecyclePermissionsBoundaryArn',
    ],
  ] as const)('carries the condition keys IAM sees: %s', (_, type, handler, action, logicalId, boundary) => {
    const found = requests.filter(
      (r) =>
        r.recipe === 'contract-fixture' && r.type === type && r.handler === handler && r.action === action && r.logicalId === logicalId,
    );
    expect(found.map((r) => r.context)).toEqual([{ 'iam:PermissionsBoundary': model.names[boundary] }]);
  });

  it('passes the instance role to EC2 and the lifecycle role to Image Builder, on their own ARNs', () => {
    const passes = requests
      .filter((r) => r.recipe === 'contract-fixture' && r.action === 'iam:PassRole' && r.handler === 'create')
      .map((r) => [
        r.logicalId,
        r.resource
          .split('/')
          .pop()
          ?.replace(/-[A-Z0-9]+$/, ''),
        r.context['iam:PassedToService'],
      ]);
    expect(passes).toEqual([
      ['InstanceProfile', 'ami-bakery-recipe-contract-fixture-InstanceRole', 'ec2.amazonaws.com'],
      ['InfrastructureConfiguration', 'ami-bakery-recipe-contract-fixture-InstanceRole', 'ec2.amazonaws.com'],
      ['LifecyclePolicy', 'ami-bakery-recipe-contract-f-LifecycleExecutionRole', 'imagebuilder.amazonaws.com'],
    ]);
  });
});
