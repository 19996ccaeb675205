import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createHandlers, handler } from '../src/handler.js';
import { NOT_CREATED_MARKER } from '../src/properties.js';
import { cfnEvent, fakeClock, RESPONSE_URL, recordingLogger, testDeps } from './helpers.js';

function lambdaContext(): Context {
  const clock = fakeClock();
  return {
    ...clock.context,
    awsRequestId: 'lambda-request-1',
    functionName: 'ami-bakery-bootstrap',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'function-arn',
    memoryLimitInMB: '256',
    logGroupName: '/aws/lambda/ami-bakery-bootstrap',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: clock.context.getRemainingTimeInMillis,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function setup() {
  const { logger, entries } = recordingLogger();
  const test = testDeps({ logger });
  const deps = vi.fn(() => test.deps);
  return { handlers: createHandlers({ logger, deps }), deps, entries, respond: test.respond, logger };
}

const FOREIGN_EVENTS = [
  {
    name: 'the weekly EventBridge schedule',
    event: { version: '0', id: 'e1', 'detail-type': 'Scheduled Event', source: 'aws.events', resources: ['rule'], detail: {} },
    missing: ['RequestType', 'StackId', 'RequestId', 'LogicalResourceId', 'ResponseURL'],
  },
  { name: 'an empty object', event: {}, missing: ['RequestType', 'StackId', 'RequestId', 'LogicalResourceId', 'ResponseURL'] },
  { name: 'null', event: null, missing: ['(the event is not an object)'] },
  { name: 'a string', event: 'ping', missing: ['(the event is not an object)'] },
  { name: 'an array', event: [cfnEvent('Create')], missing: ['(the event is not an object)'] },
  { name: 'a custom-resource event without ResponseURL', event: { ...cfnEvent('Create'), ResponseURL: '' }, missing: ['ResponseURL'] },
  {
    name: 'a custom-resource event without RequestType',
    event: { ...cfnEvent('Create'), RequestType: undefined },
    missing: ['RequestType'],
  },
];

describe('handler: events that are not CloudFormation requests', () => {
  it.each(FOREIGN_EVENTS)('rejects $name at once with one warn line and no response', async ({ event, missing }) => {
    // Prepare
    const { handlers, deps, entries, respond } = setup();

    // Act
    const result = await handlers.handler(event, lambdaContext());

    // Assess
    expect(result).toBeUndefined();
    expect(deps).not.toHaveBeenCalled();
    expect(respond).not.toHaveBeenCalled();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      level: 'warn',
      message: 'Ignored an event that is not a CloudFormation custom-resource request',
      attributes: { missing },
    });
  });

  it('logs what kind of event it was, never its content', async () => {
    // Prepare
    const { handlers, entries } = setup();

    // Act
    await handlers.handler({ source: 'aws.events', 'detail-type': 'Scheduled Event', detail: { secret: 'do-not-log' } }, lambdaContext());

    // Assess
    expect(entries[0]?.attributes).toMatchObject({
      source: 'aws.events',
      detailType: 'Scheduled Event',
      eventKeys: ['source', 'detail-type', 'detail'],
    });
    expect(JSON.stringify(entries)).not.toContain('do-not-log');
  });

  it('the exported handler (Powertools logger) returns without throwing for a scheduled event', async () => {
    // Act
    const result = handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, lambdaContext());

    // Assess (the JSON log line itself is checked on the built bundle in build.test.ts)
    await expect(result).resolves.toBeUndefined();
  });
});

describe('handler: a ResponseURL that is not https', () => {
  it.each([
    {
      name: 'plain http',
      url: 'http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=secret',
      reason: 'the ResponseURL uses http:, expected https:',
    },
    { name: 'file', url: 'file:///etc/passwd', reason: 'the ResponseURL uses file:, expected https:' },
    { name: 'not a URL', url: 'not a url', reason: 'the ResponseURL is not a URL' },
  ])('refuses $name before any work or AWS call, logs why, and sends nothing', async ({ url, reason }) => {
    // Prepare
    const { handlers, deps, entries, respond } = setup();

    // Act
    const result = await handlers.handler(cfnEvent('Create', { ResponseURL: url }), lambdaContext());

    // Assess
    expect(result).toBeUndefined();
    expect(deps).not.toHaveBeenCalled();
    expect(respond).not.toHaveBeenCalled();
    expect(entries).toEqual([
      expect.objectContaining({
        level: 'error',
        message: 'Refused a CloudFormation request: its ResponseURL is not https; nothing was done and no response was sent',
        attributes: expect.objectContaining({ reason }),
      }),
    ]);
    expect(JSON.stringify(entries)).not.toContain('X-Amz-Signature=secret');
  });
});

describe('handler: CloudFormation requests', () => {
  it('hands the response the invocation deadline', async () => {
    // Prepare
    const { handlers, respond } = setup();
    const context = lambdaContext();

    // Act
    await handlers.handler(cfnEvent('Delete', { PhysicalResourceId: `${NOT_CREATED_MARKER}/x` }), context);

    // Assess
    const deadline = (respond.mock.calls[0] as unknown[] | undefined)?.[2] as { remainingMs(): number } | undefined;
    expect(deadline?.remainingMs()).toBe(context.getRemainingTimeInMillis());
  });

  it('tags the logs with the request and answers exactly once', async () => {
    // Prepare
    const { handlers, deps, respond, logger } = setup();
    const event = cfnEvent('Delete', { PhysicalResourceId: `${NOT_CREATED_MARKER}/x` });
    const context = lambdaContext();

    // Act
    await handlers.handler(event, context);

    // Assess
    expect(deps).toHaveBeenCalledTimes(1);
    expect(logger.addContext).toHaveBeenCalledWith(context);
    expect(logger.appendKeys).toHaveBeenCalledWith({
      mode: 'custom-resource',
      requestType: 'Delete',
      logicalResourceId: 'BakeryBootstrap',
      cloudFormationRequestId: event.RequestId,
      physicalResourceId: `${NOT_CREATED_MARKER}/x`,
    });
    expect(logger.resetKeys).toHaveBeenCalled();
    expect(respond).toHaveBeenCalledTimes(1);
    expect(respond.mock.calls[0]?.[0]).toBe(RESPONSE_URL);
    expect(respond.mock.calls[0]?.[1]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: `${NOT_CREATED_MARKER}/x` });
  });

  it('onEvent and isComplete run the Provider functions and never answer CloudFormation themselves', async () => {
    // Prepare
    const { handlers, respond, logger } = setup();
    const event = cfnEvent('Delete', { PhysicalResourceId: `${NOT_CREATED_MARKER}/x` });

    // Act
    const started = await handlers.onEvent(event, lambdaContext());
    const done = await handlers.isComplete({ ...event, ...started }, lambdaContext());

    // Assess
    expect(started).toEqual({ PhysicalResourceId: `${NOT_CREATED_MARKER}/x` });
    expect(done).toEqual({ IsComplete: true });
    expect(respond).not.toHaveBeenCalled();
    expect(logger.appendKeys).toHaveBeenCalledWith(expect.objectContaining({ mode: 'provider-on-event' }));
    expect(logger.appendKeys).toHaveBeenCalledWith(expect.objectContaining({ mode: 'provider-is-complete' }));
  });

  it('onEvent rethrows failures for the framework after logging them', async () => {
    // Prepare
    const { handlers, entries } = setup();

    // Act
    const result = handlers.onEvent({ source: 'aws.events' }, lambdaContext());

    // Assess
    await expect(result).rejects.toThrow(
      'Not a custom-resource event (missing RequestType, StackId, RequestId, LogicalResourceId); nothing to do',
    );
    expect(entries).toContainEqual(expect.objectContaining({ level: 'warn', message: 'onEvent failed' }));
  });
});
