/**
 * Test helper: a well-formed request for every operation of the contract registry, with path
 * parameters chosen by the test, so suites can walk `OPERATIONS` (auth, visibility, fuzzing) without
 * a hand-written list that drifts from the registry.
 */
import type { AnyOperation } from "../../api/src/contract/operation.js";

/** Path parameter values; each defaults to a value that exists in the API test entities. */
export interface SampleParams {
  entity?: string;
  queue?: string;
  topic?: string;
  subscription?: string;
  lockToken?: string;
  sessionId?: string;
  eventType?: string;
  webhookId?: string;
}

const DEFAULT_PARAMS: Required<SampleParams> = {
  entity: "orders",
  queue: "orders",
  topic: "events",
  subscription: "audit",
  lockToken: "00000000-0000-4000-8000-000000000000",
  sessionId: "session-1",
  eventType: "OrderSubmitted",
  webhookId: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
};

/** A request: method, path with query string, and JSON body (undefined: none). */
export interface SampleRequest {
  method: string;
  path: string;
  body: unknown;
}

const OUTGOING = { body: { sample: true }, contentType: "application/json" };

/** Well-formed bodies by operation id; operations without a body are absent. */
const WEBHOOK_SUBSCRIBE = { callbackUrl: "https://prod-01.westeurope.logic.azure.com/workflows/sample/triggers/manual/run?sig=sample" };

const SAMPLE_BODIES: Record<string, unknown> = {
  SendMessage: OUTGOING,
  WhenMessageArrivesInQueueInstant: WEBHOOK_SUBSCRIBE,
  WhenMessageArrivesInSubscriptionInstant: WEBHOOK_SUBSCRIBE,
  SendMessages: { messages: [OUTGOING] },
  ScheduleMessages: { scheduledEnqueueTimeUtc: "2099-01-01T00:00:00Z", messages: [OUTGOING] },
  CancelScheduledMessages: { sequenceNumbers: ["1"] },
  SendEvent: { orderId: "o-1" },
  ReceiveDeferredMessagesFromQueue: { sequenceNumbers: ["1"] },
  ReceiveDeferredMessagesFromSubscription: { sequenceNumbers: ["1"] },
  CompleteMessagesInQueue: { lockTokens: ["00000000-0000-4000-8000-000000000000"] },
  CompleteMessagesInSubscription: { lockTokens: ["00000000-0000-4000-8000-000000000000"] },
  AbandonMessageInQueue: {},
  AbandonMessageInSubscription: {},
  DeadLetterMessageInQueue: { deadLetterReason: "test" },
  DeadLetterMessageInSubscription: { deadLetterReason: "test" },
  DeferMessageInQueue: {},
  DeferMessageInSubscription: {},
  ResubmitDeadLettersInQueue: { maxMessages: 1 },
  ResubmitDeadLettersInSubscription: { maxMessages: 1 },
  SetSessionStateInQueue: { state: { step: 1 } },
  SetSessionStateInSubscription: { state: { step: 1 } },
  CreateSubscription: {},
};

/** Query strings that keep requests quick: receives do not wait. */
const SAMPLE_QUERIES: Record<string, string> = {
  ReceiveMessagesFromQueue: "?maxWaitSeconds=0",
  ReceiveMessagesFromSubscription: "?maxWaitSeconds=0",
};

/** The path of an operation with its `{param}`s replaced (URI-encoded) by `params` or the defaults. */
export function operationPath(operation: AnyOperation, params: SampleParams = {}): string {
  const values: Record<string, string> = { ...DEFAULT_PARAMS, ...params };
  return operation.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No sample value for the path parameter '${name}' of ${operation.operationId}.`);
    return encodeURIComponent(value);
  });
}

/** The well-formed body of an operation (undefined when it takes none). */
export function sampleBody(operation: AnyOperation): unknown {
  if (!operation.request.body) return undefined;
  const body = SAMPLE_BODIES[operation.operationId];
  if (body === undefined) throw new Error(`No sample body for ${operation.operationId}: add one to test/helpers/operation-samples.ts.`);
  return structuredClone(body);
}

/** A well-formed request of an operation. */
export function sampleRequest(operation: AnyOperation, params: SampleParams = {}): SampleRequest {
  return {
    method: operation.method.toUpperCase(),
    path: `${operationPath(operation, params)}${SAMPLE_QUERIES[operation.operationId] ?? ""}`,
    body: sampleBody(operation),
  };
}
