import { describe, expect, it } from "vitest";
import { PROBLEMS, PROBLEM_CODES, isProblemCode } from "../../../../api/src/problems/codes.js";
import type { ProblemCode } from "../../../../api/src/problems/codes.js";
import { problemBody } from "../../../../api/src/problems/problem-body.js";
import { MAPPED_SERVICE_BUS_CODES, problemCodeForServiceBusError } from "../../../../api/src/http/service-bus-problems.js";

/** The statuses the product fixes for each code (README, errors), restated here so a change to the table is a visible test change. */
const EXPECTED: Record<ProblemCode, { status: number; retryAfter?: number }> = {
  ValidationFailed: { status: 400 },
  MalformedRequest: { status: 400 },
  Unauthorized: { status: 401 },
  Forbidden: { status: 403 },
  RouteNotFound: { status: 404 },
  MessagingEntityNotFound: { status: 404 },
  EventTypeNotFound: { status: 404 },
  WebhookSubscriptionNotFound: { status: 404 },
  MessageNotFound: { status: 404 },
  RequestTimeout: { status: 408 },
  SessionCannotBeLocked: { status: 409 },
  MessagingEntityDisabled: { status: 409 },
  MessagingEntityAlreadyExists: { status: 409 },
  SubscriptionIsConfigured: { status: 409 },
  MessageLockLost: { status: 410 },
  SessionLockLost: { status: 410 },
  SessionIdRequired: { status: 400 },
  MessageSizeExceeded: { status: 413 },
  RequestHeadersTooLarge: { status: 431 },
  ServiceBusy: { status: 429, retryAfter: 10 },
  QuotaExceeded: { status: 429, retryAfter: 30 },
  InternalError: { status: 500 },
  ServiceCommunicationProblem: { status: 503, retryAfter: 5 },
  WebhooksNotConfigured: { status: 501 },
  ServiceTimeout: { status: 504, retryAfter: 5 },
};

describe("problem table", () => {
  it("has exactly the expected codes", () => {
    expect([...PROBLEM_CODES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))("maps %s to its status, a title, a detail and its Retry-After", (code, expected) => {
    expect(isProblemCode(code)).toBe(true);
    const definition = PROBLEMS[code as ProblemCode];
    expect(definition.status).toBe(expected.status);
    expect(definition.title.length).toBeGreaterThan(5);
    expect(definition.detail).toMatch(/\.$/);
    expect("retryAfterSeconds" in definition ? definition.retryAfterSeconds : undefined).toBe(expected.retryAfter);
    const body = problemBody(code as ProblemCode, { requestId: "r-1", instance: "/x" });
    expect(body).toMatchObject({ type: `/problems/${code}`, status: expected.status, code, requestId: "r-1", instance: "/x" });
  });

  it("keeps only caller mistakes in 4xx and transient conditions in 429/5xx", () => {
    const transient = PROBLEM_CODES.filter((code) => PROBLEMS[code].status === 429 || PROBLEMS[code].status >= 503);
    expect(transient.every((code) => "retryAfterSeconds" in PROBLEMS[code])).toBe(true);
  });

  it("says how to fix a too-large message (claim-check)", () => {
    expect(PROBLEMS.MessageSizeExceeded.detail).toMatch(/claim-check/);
  });

  it("does not let extensions override standard members", () => {
    expect(problemBody("Forbidden", { extensions: { status: 200, code: "X" } })).toMatchObject({ status: 403, code: "Forbidden" });
  });
});

describe("problemCodeForServiceBusError", () => {
  const serviceBusError = (code: string) => Object.assign(new Error("internal text"), { name: "ServiceBusError", code });

  it.each([
    ["MessagingEntityNotFound", "MessagingEntityNotFound"],
    ["MessageNotFound", "MessageNotFound"],
    ["MessageLockLost", "MessageLockLost"],
    ["SessionLockLost", "SessionLockLost"],
    ["SessionCannotBeLocked", "SessionCannotBeLocked"],
    ["MessageSizeExceeded", "MessageSizeExceeded"],
    ["MessagingEntityDisabled", "MessagingEntityDisabled"],
    ["MessagingEntityAlreadyExists", "MessagingEntityAlreadyExists"],
    ["QuotaExceeded", "QuotaExceeded"],
    ["ServiceBusy", "ServiceBusy"],
    ["ServiceTimeout", "ServiceTimeout"],
    ["ServiceCommunicationProblem", "ServiceCommunicationProblem"],
    ["UnauthorizedAccess", "InternalError"],
    ["GeneralError", "InternalError"],
    ["SomethingNew", "InternalError"],
  ])("maps ServiceBusError code %s to %s", (code, expected) => {
    expect(problemCodeForServiceBusError(serviceBusError(code))).toBe(expected);
  });

  it("covers every code it maps in the test above", () => {
    expect(MAPPED_SERVICE_BUS_CODES).toHaveLength(14);
  });

  it("ignores errors that are not Service Bus errors, checking the name rather than instanceof", () => {
    expect(problemCodeForServiceBusError(new Error("x"))).toBeUndefined();
    expect(problemCodeForServiceBusError({ name: "ServiceBusError", code: "ServiceBusy" })).toBe("ServiceBusy");
    expect(problemCodeForServiceBusError("ServiceBusy")).toBeUndefined();
  });
});
