import { describe, expect, it } from "vitest";
import { problemCodeForServiceBusError } from "../../../../api/src/http/service-bus-problems.js";

/** Errors shaped as the SDK throws them when Service Bus goes away (seen in test/reliability/emulator-kill.test.ts). */
function messagingError(fields: Record<string, unknown>): Error {
  return Object.assign(new Error("ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:5672"), { name: "MessagingError", ...fields });
}

describe("problemCodeForServiceBusError", () => {
  it("maps ServiceBusError codes through the table, unknown codes to InternalError", () => {
    expect(problemCodeForServiceBusError(Object.assign(new Error("x"), { name: "ServiceBusError", code: "MessageLockLost" }))).toBe("MessageLockLost");
    expect(problemCodeForServiceBusError(Object.assign(new Error("x"), { name: "ServiceBusError", code: "SomethingNew" }))).toBe("InternalError");
  });

  it("maps Service Bus's refusal of a message without a session id to SessionIdRequired, other GeneralErrors to InternalError", () => {
    const refusal =
      "InvalidOperationError: The SessionId was not set on a message, and it cannot be sent to the entity 'cases' that has session support enabled.";
    expect(problemCodeForServiceBusError(Object.assign(new Error(refusal), { name: "ServiceBusError", code: "GeneralError" }))).toBe("SessionIdRequired");
    expect(
      problemCodeForServiceBusError(Object.assign(new Error("InvalidOperationError: something else"), { name: "ServiceBusError", code: "GeneralError" })),
    ).toBe("InternalError");
  });

  it("maps a socket-level MessagingError (refused connection) to ServiceCommunicationProblem, not InternalError", () => {
    const refused = messagingError({ code: "GeneralError", syscall: "connect", errno: -111, address: "127.0.0.1", port: 5672, retryable: false });
    expect(problemCodeForServiceBusError(refused)).toBe("ServiceCommunicationProblem");
    expect(problemCodeForServiceBusError(messagingError({ code: "ServiceBusy" }))).toBe("ServiceBusy");
  });

  it("maps the AggregateError of exhausted retries by its last attempt", () => {
    const timeout = Object.assign(new Error("timed out"), { name: "ServiceBusError", code: "ServiceTimeout" });
    const refused = messagingError({ code: "GeneralError", syscall: "connect" });
    expect(problemCodeForServiceBusError(new AggregateError([timeout, refused]))).toBe("ServiceCommunicationProblem");
    expect(problemCodeForServiceBusError(new AggregateError([refused, timeout]))).toBe("ServiceTimeout");
    expect(problemCodeForServiceBusError(new AggregateError([]))).toBeUndefined();
    expect(problemCodeForServiceBusError(new AggregateError([new TypeError("bug")]))).toBeUndefined();
  });

  it("ignores values that are not Service Bus errors", () => {
    for (const value of [undefined, null, "ServiceBusError", new Error("plain"), Object.assign(new Error("x"), { code: "ECONNREFUSED", syscall: "connect" })]) {
      expect(problemCodeForServiceBusError(value)).toBeUndefined();
    }
  });
});
