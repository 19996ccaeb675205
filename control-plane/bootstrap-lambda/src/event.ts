type RequestType = 'Create' | 'Update' | 'Delete';

/** A CloudFormation custom-resource request (plain Lambda-backed or from the CDK Provider framework). */
interface CustomResourceEvent {
  RequestType: string;
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
  ResourceType?: string;
  ServiceToken?: string;
  ResourceProperties?: Record<string, unknown>;
  OldResourceProperties?: Record<string, unknown>;
}

const REQUEST_TYPES = new Set<string>(['Create', 'Update', 'Delete']);

function isRequestType(value: string): value is RequestType {
  return REQUEST_TYPES.has(value);
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/**
 * The fields CloudFormation always sends. Anything else (a scheduled EventBridge event, a test
 * invoke) gets no response, since there is nowhere to send one.
 * `needsResponseUrl` is false in Provider mode: the framework answers CloudFormation itself.
 */
function missingEventFields(event: unknown, needsResponseUrl = true): string[] {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return ['(the event is not an object)'];
  const e = event as Record<string, unknown>;
  const required = ['RequestType', 'StackId', 'RequestId', 'LogicalResourceId', ...(needsResponseUrl ? ['ResponseURL'] : [])];
  return required.filter((key) => !nonEmpty(e[key]));
}

/** What a rejected event looked like, without its content (it may carry anything). */
function describeForeignEvent(event: unknown): Record<string, unknown> {
  if (event === null || typeof event !== 'object' || Array.isArray(event))
    return { eventType: event === null ? 'null' : Array.isArray(event) ? 'array' : typeof event };
  const e = event as Record<string, unknown>;
  return {
    eventKeys: Object.keys(e).slice(0, 20),
    ...(typeof e.source === 'string' ? { source: e.source } : {}),
    ...(typeof e['detail-type'] === 'string' ? { detailType: e['detail-type'] } : {}),
  };
}

export { type CustomResourceEvent, describeForeignEvent, isRequestType, missingEventFields, type RequestType };
