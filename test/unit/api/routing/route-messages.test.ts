import { describe, expect, it } from "vitest";
import { decodeReply, decodeRequest, encodeReply, encodeRequest } from "../../../../api/src/routing/route-messages.js";
import type { RouteReply, RouteRequest } from "../../../../api/src/routing/route-messages.js";

const request: RouteRequest = {
  callId: "call-1",
  replyToSessionId: "reply:i1",
  operation: "getSessionState",
  args: { state: { a: [1, "b"] } },
  deadline: 1_700_000_000_000,
};

/** What a receiver with skipParsingBodyAsJson sees of a sent message. */
function received(message: { body: unknown; messageId?: unknown; correlationId?: unknown; replyToSessionId?: string }) {
  return {
    body: message.body,
    messageId: message.messageId as string | undefined,
    correlationId: message.correlationId as string | undefined,
    replyToSessionId: message.replyToSessionId,
  };
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), "utf8");

describe("route request messages", () => {
  it("carry the call to the route session and read back the same", () => {
    const message = encodeRequest(request, "route:orders:1", 4_000);
    expect(message).toMatchObject({
      sessionId: "route:orders:1",
      messageId: "call-1",
      replyToSessionId: "reply:i1",
      timeToLive: 4_000,
      contentType: "application/json",
    });
    expect(JSON.parse((message.body as Buffer).toString("utf8"))).toEqual({
      v: 1,
      operation: "getSessionState",
      args: request.args,
      deadline: request.deadline,
    });
    expect(decodeRequest(received(message))).toEqual({ ok: true, value: request });
  });

  it.each([
    ["a string body", { body: "text", messageId: "c", replyToSessionId: "r" }, "not a JSON data section"],
    ["a body that is not JSON", { body: Buffer.from("{nope"), messageId: "c", replyToSessionId: "r" }, "not JSON"],
    ["a JSON array", { body: json([1]), messageId: "c", replyToSessionId: "r" }, "not a JSON object"],
    ["another version", { body: json({ v: 2, operation: "x", args: null, deadline: 1 }), messageId: "c", replyToSessionId: "r" }, "version"],
    ["no message id", { body: json({ v: 1, operation: "x", args: null, deadline: 1 }), replyToSessionId: "r" }, "message id"],
    ["a numeric message id", { body: json({ v: 1, operation: "x", args: null, deadline: 1 }), messageId: 7, replyToSessionId: "r" }, "message id"],
    ["no reply session", { body: json({ v: 1, operation: "x", args: null, deadline: 1 }), messageId: "c" }, "replyToSessionId"],
    ["no operation", { body: json({ v: 1, args: null, deadline: 1 }), messageId: "c", replyToSessionId: "r" }, "operation"],
    ["no args", { body: json({ v: 1, operation: "x", deadline: 1 }), messageId: "c", replyToSessionId: "r" }, "args"],
    ["a text deadline", { body: json({ v: 1, operation: "x", args: null, deadline: "soon" }), messageId: "c", replyToSessionId: "r" }, "deadline"],
  ])("refuse %s, saying why without echoing the content", (_name, message, reason) => {
    const decoded = decodeRequest(received(message));
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.reason).toContain(reason);
    expect(decoded.reason).not.toContain("nope");
  });
});

describe("route reply messages", () => {
  it("carry a result to the caller's reply session by call id", () => {
    const reply: RouteReply = { callId: "call-1", ok: true, result: { count: 2 } };
    const message = encodeReply(reply, "reply:i1", 1_000);
    expect(message).toMatchObject({ sessionId: "reply:i1", correlationId: "call-1", timeToLive: 1_000 });
    expect(decodeReply(received(message))).toEqual({ ok: true, value: reply });
  });

  it("carry a problem with its field errors", () => {
    const reply: RouteReply = {
      callId: "call-2",
      ok: false,
      problem: { code: "ValidationFailed", detail: "bad", errors: { query: [{ field: "/sessionId", message: "is required" }] } },
    };
    expect(decodeReply(received(encodeReply(reply, "reply:i1", 1_000)))).toEqual({ ok: true, value: reply });
  });

  it("read a problem code this version does not know as InternalError, without its detail", () => {
    const body = json({ v: 1, ok: false, problem: { code: "SomethingNew", detail: "internal text" } });
    const decoded = decodeReply({ body, correlationId: "c" });
    expect(decoded).toMatchObject({ ok: true, value: { ok: false, problem: { code: "InternalError" } } });
    expect(JSON.stringify(decoded)).not.toContain("internal text");
  });

  it.each([
    ["no correlation id", { body: json({ v: 1, ok: true, result: 1 }) }],
    ["no result", { body: json({ v: 1, ok: true }), correlationId: "c" }],
    ["no ok", { body: json({ v: 1, result: 1 }), correlationId: "c" }],
    ["a malformed problem", { body: json({ v: 1, ok: false, problem: { code: 5 } }), correlationId: "c" }],
    ["another version", { body: json({ v: 0, ok: true, result: 1 }), correlationId: "c" }],
  ])("refuse %s", (_name, message) => {
    expect(decodeReply(received(message)).ok).toBe(false);
  });
});
