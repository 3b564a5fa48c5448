/** Settlement operations on a lock token, declared once per receivable entity kind. */
import { Type } from "@sinclair/typebox";
import { SUB_QUEUE_TITLES, receiverPickers } from "../pickers.js";
import { COMMON_PROBLEMS, SERVICE_BUS_PROBLEMS, defineOperation } from "../operation.js";
import { LockTokenParam, MAX_MESSAGES_PER_REQUEST, PropertiesToModify, SubQueueParam } from "../schemas/common.js";
import type { ReceiverSourceSpec } from "./receiver-source.js";

const settleProblems = [
  ...COMMON_PROBLEMS,
  ...SERVICE_BUS_PROBLEMS,
  "MessagingEntityNotFound",
  "MessageLockLost",
  "SessionLockLost",
  "SessionIdRequired",
] as const;

function lockParams(source: ReceiverSourceSpec) {
  return Type.Object({ ...source.params.properties, lockToken: LockTokenParam });
}

/** `sessionId` on settle and renew: the session of the message, which lets any instance reach the one holding it. */
const lockSessionIdParam = Type.String({
  maxLength: 128,
  description:
    "The message's sessionId, as returned with it by the receive or the trigger (messages of session-enabled entities only; empty or omitted for others). " +
    "Service Bus settles a session message only through the receiver holding its session: with the session id, the call reaches the instance of this API that holds it, whichever instance it lands on.",
  "x-ms-summary": "Session ID",
});

const settleQuery = Type.Object({ subQueue: Type.Optional(SubQueueParam), sessionId: Type.Optional(lockSessionIdParam) });

const modifyBody = Type.Object({ propertiesToModify: Type.Optional(PropertiesToModify) }, { additionalProperties: false });

const SETTLE_NOTE =
  "Settle with the lock token returned by a receive; tokens received through another instance of this API are settled through Service Bus directly, " +
  "and messages of a session through the instance holding the session when sessionId is given (without it, such a message gives 400 SessionIdRequired unless this instance holds its session). " +
  "An expired or unknown lock token gives 410.";

/** The request body of CompleteMessages: as many lock tokens as one receive returns at most. */
const lockTokensBody = Type.Object(
  {
    lockTokens: Type.Array(LockTokenParam, {
      minItems: 1,
      maxItems: MAX_MESSAGES_PER_REQUEST,
      uniqueItems: true,
      description: `The lock tokens of the messages to complete, as returned by a receive (1 to ${MAX_MESSAGES_PER_REQUEST}, each once), for example a Select of the lockToken of its messages.`,
      "x-ms-summary": "Lock tokens",
    }),
  },
  { additionalProperties: false },
);

const lockTokenOutput = Type.String({ format: "uuid", description: "A lock token from the request.", "x-ms-summary": "Lock token" });

/** The outcome of CompleteMessages, token by token. */
const completeMessagesResult = Type.Object(
  {
    completedLockTokens: Type.Array(lockTokenOutput, {
      description: "The lock tokens whose messages were completed, in request order.",
      "x-ms-summary": "Completed lock tokens",
    }),
    failed: Type.Array(
      Type.Object(
        {
          lockToken: { ...lockTokenOutput, description: "The lock token that could not be completed." },
          code: Type.String({
            description: "The problem code the complete a message operation returns for this token, such as MessageLockLost.",
            "x-ms-summary": "Problem code",
          }),
          status: Type.Integer({ description: "The HTTP status of that problem, such as 410.", "x-ms-summary": "Problem status" }),
          detail: Type.String({ description: "What went wrong and what to do about it.", "x-ms-summary": "Problem detail" }),
        },
        { additionalProperties: false },
      ),
      {
        description: "The lock tokens that could not be completed, in request order, each with its problem (empty when all were completed).",
        "x-ms-summary": "Failed",
      },
    ),
  },
  { additionalProperties: false },
);

/** Complete{Abandon,DeadLetter,Defer}MessageIn{Queue,Subscription}, CompleteMessagesIn{...} and RenewMessageLockIn{...}. */
export function settleOperations(source: ReceiverSourceSpec) {
  const params = lockParams(source);
  const base = {
    method: "post" as const,
    tags: [source.tag],
    problems: [...settleProblems],
    auth: { scopes: ["listen" as const], entity: source.target },
  };
  // The dropdowns, plus subQueue tucked away: settling in the main queue is the common case.
  const parameters = { ...receiverPickers(source.target), subQueue: { visibility: "advanced" as const, enumTitles: SUB_QUEUE_TITLES } };
  const lockPath = `${source.pathPrefix}/locks/{lockToken}`;
  return {
    complete: defineOperation({
      ...base,
      operationId: `CompleteMessage${source.inSuffix}`,
      path: `${lockPath}/complete`,
      summary: `Complete a message in ${source.noun}`,
      description: `Completes a locked message, removing it for good. Call it after the message has been processed. ${SETTLE_NOTE}`,
      request: { params, query: settleQuery },
      success: { status: 204, description: "The message was completed." },
      connector: { visibility: "important", parameters },
    }),
    completeMessages: defineOperation({
      ...base,
      operationId: `CompleteMessages${source.inSuffix}`,
      path: `${source.pathPrefix}/locks/complete`,
      summary: `Complete messages in ${source.noun}`,
      description:
        "Completes several locked messages in one call, removing them for good: pass the lock tokens of a receive once its messages are processed. " +
        "Each token is completed on its own, as the complete a message operation does, and one failing never stops the others: the response lists the completed tokens, " +
        "and for each failed token the problem code, status and detail that operation returns for it (410 MessageLockLost for an expired, unknown or already settled lock). " +
        "Retry only the failed tokens whose status is 429 or 5xx. When every token fails with the same 429 or 5xx problem, such as 503 when Service Bus is unreachable, " +
        "that problem is the response instead of 200, so retry policies apply. " +
        "Tokens received through another instance of this API are completed through Service Bus directly; for messages of a session, give its sessionId (one session per call, as a receive returns them).",
      request: { params: source.params, query: settleQuery, body: lockTokensBody },
      success: { status: 200, description: "Every token was tried; see failed for those that could not be completed.", schema: completeMessagesResult },
      // Only problems of the whole request: a token's own problem is an entry of `failed`.
      problems: [...COMMON_PROBLEMS, ...SERVICE_BUS_PROBLEMS, "MessagingEntityNotFound"],
      connector: {
        visibility: "important",
        parameters,
        properties: { "body/lockTokens": { visibility: "important" } },
        bodySummary: "Messages to complete",
      },
    }),
    abandon: defineOperation({
      ...base,
      operationId: `AbandonMessage${source.inSuffix}`,
      path: `${lockPath}/abandon`,
      summary: `Abandon a message in ${source.noun}`,
      description: `Releases the lock so the message is delivered again, with its delivery count raised; after the entity's maximum delivery count it is dead-lettered. ${SETTLE_NOTE}`,
      request: { params, query: settleQuery, body: modifyBody, bodyRequired: false },
      success: { status: 204, description: "The message was abandoned." },
      connector: { visibility: "important", parameters, properties: { "body/propertiesToModify": { visibility: "advanced" } }, bodySummary: "Options" },
    }),
    deadLetter: defineOperation({
      ...base,
      operationId: `DeadLetterMessage${source.inSuffix}`,
      path: `${lockPath}/dead-letter`,
      summary: `Dead letter a message in ${source.noun}`,
      description: `Moves a locked message to the dead-letter sub-queue with a reason, for messages that cannot be processed. ${SETTLE_NOTE}`,
      request: {
        params,
        query: settleQuery,
        body: Type.Object(
          {
            deadLetterReason: Type.Optional(Type.String({ maxLength: 4096, description: "Why the message cannot be processed.", "x-ms-summary": "Reason" })),
            deadLetterErrorDescription: Type.Optional(
              Type.String({ maxLength: 4096, description: "More detail about the failure.", "x-ms-summary": "Error description" }),
            ),
            propertiesToModify: Type.Optional(PropertiesToModify),
          },
          { additionalProperties: false },
        ),
        bodyRequired: false,
      },
      success: { status: 204, description: "The message was dead-lettered." },
      connector: {
        visibility: "important",
        parameters,
        properties: {
          "body/deadLetterReason": { visibility: "important" },
          "body/propertiesToModify": { visibility: "advanced" },
        },
        bodySummary: "Dead-letter details",
      },
    }),
    defer: defineOperation({
      ...base,
      operationId: `DeferMessage${source.inSuffix}`,
      path: `${lockPath}/defer`,
      summary: `Defer a message in ${source.noun}`,
      description: `Sets a locked message aside; it is no longer delivered by receive and must be received by its sequence number with the receive deferred messages operation. ${SETTLE_NOTE}`,
      request: { params, query: settleQuery, body: modifyBody, bodyRequired: false },
      success: { status: 204, description: "The message was deferred." },
      connector: { visibility: "advanced", parameters, properties: { "body/propertiesToModify": { visibility: "advanced" } }, bodySummary: "Options" },
    }),
    renewLock: defineOperation({
      ...base,
      operationId: `RenewMessageLock${source.inSuffix}`,
      path: `${lockPath}/renew`,
      summary: `Renew a message lock in ${source.noun}`,
      description: `Extends the lock on a message by the entity's lock duration, for processing that takes longer than one lock period. ${SETTLE_NOTE}`,
      request: { params, query: settleQuery },
      success: {
        status: 200,
        description: "The lock was renewed.",
        schema: Type.Object(
          { lockedUntilUtc: Type.String({ format: "date-time", description: "When the renewed lock expires.", "x-ms-summary": "Locked until (UTC)" }) },
          { additionalProperties: false },
        ),
      },
      connector: { visibility: "advanced", parameters },
    }),
  };
}
