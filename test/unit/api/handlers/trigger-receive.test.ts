import { describe, expect, it } from "vitest";
import type { ReceivableEntity } from "../../../../api/src/contract/entity.js";
import type { ReceivedMessageJson } from "../../../../api/src/contract/schemas/message.js";
import { receiveForTrigger } from "../../../../api/src/handlers/trigger-receive.js";
import { GatewayError } from "../../../../api/src/servicebus/gateway-error.js";
import type { ReceiveMessagesOptions, ReceiveSessionMessagesOptions, ReceiveSessionMessagesResult } from "../../../../api/src/servicebus/messaging-port.js";
import { FakeMessaging } from "../fake-messaging.js";

const cases: ReceivableEntity = { kind: "queue", queue: "cases", subQueue: "main" };
const message = (sequenceNumber: string, sessionId?: string): ReceivedMessageJson => ({
  body: "x",
  bodyEncoding: "text",
  sequenceNumber,
  deliveryCount: 1,
  state: "active",
  ...(sessionId === undefined ? {} : { sessionId }),
});

/** A port whose plain receive fails with `plainError`, and whose session receive gives `session`. */
class SessionEntityMessaging extends FakeMessaging {
  constructor(
    private readonly plainError: unknown,
    private readonly session: ReceiveSessionMessagesResult,
  ) {
    super();
  }
  override async receiveMessages(source: ReceivableEntity, options: ReceiveMessagesOptions): Promise<ReceivedMessageJson[]> {
    this.calls.push({ method: "receiveMessages", args: [source, options] });
    throw this.plainError;
  }
  override async receiveSessionMessages(source: ReceivableEntity, options: ReceiveSessionMessagesOptions): Promise<ReceiveSessionMessagesResult> {
    this.calls.push({ method: "receiveSessionMessages", args: [source, options] });
    return this.session;
  }
}

const sessionRequired = new GatewayError({ kind: "sessionRequired" });
const peekLock = { maxMessages: 5, maxWaitTimeInMs: 100, receiveMode: "peekLock" } as const;

describe("receiveForTrigger", () => {
  it("receives plainly from an entity without sessions", async () => {
    const messaging = new FakeMessaging();
    messaging.messages = [message("1")];
    expect(await receiveForTrigger(messaging, cases, peekLock)).toEqual({ messages: [message("1")] });
    expect(messaging.calls.map((call) => call.method)).toEqual(["receiveMessages"]);
  });

  it("takes the next available session, in the trigger's receive mode, when the entity requires sessions", async () => {
    const messages = [message("3", "case-1"), message("5", "case-1")];
    const messaging = new SessionEntityMessaging(sessionRequired, { sessionId: "case-1", messages });
    const received = await receiveForTrigger(messaging, cases, { ...peekLock, receiveMode: "receiveAndDelete" });
    expect(received).toEqual({ sessionId: "case-1", messages });
    expect(messaging.calls[1]).toEqual({
      method: "receiveSessionMessages",
      args: [cases, { maxMessages: 5, maxWaitTimeInMs: 100, sessionId: undefined, receiveMode: "receiveAndDelete" }],
    });
  });

  it("answers no messages when no session is available", async () => {
    const messaging = new SessionEntityMessaging(sessionRequired, { messages: [] });
    expect(await receiveForTrigger(messaging, cases, peekLock)).toEqual({ messages: [] });
    expect(messaging.calls.map((call) => call.method)).toEqual(["receiveMessages", "receiveSessionMessages"]);
  });

  it("releases at once a peek-lock session that gave no message, so it does not wait for the idle release", async () => {
    const messaging = new SessionEntityMessaging(sessionRequired, { sessionId: "case-9", messages: [] });
    expect(await receiveForTrigger(messaging, cases, peekLock)).toEqual({ sessionId: "case-9", messages: [] });
    expect(messaging.calls.at(-1)).toEqual({ method: "closeSession", args: [cases, "case-9"] });
  });

  it("passes other errors through without trying sessions", async () => {
    const lost = Object.assign(new Error("gone"), { name: "ServiceBusError", code: "MessagingEntityNotFound" });
    const messaging = new SessionEntityMessaging(lost, { sessionId: "case-1", messages: [] });
    await expect(receiveForTrigger(messaging, cases, peekLock)).rejects.toBe(lost);
    const notAllowed = new SessionEntityMessaging(new GatewayError({ kind: "sessionNotAllowed", on: "entity" }), { messages: [] });
    await expect(receiveForTrigger(notAllowed, cases, peekLock)).rejects.toMatchObject({ failure: { kind: "sessionNotAllowed" } });
    expect([...messaging.calls, ...notAllowed.calls].map((call) => call.method)).toEqual(["receiveMessages", "receiveMessages"]);
  });
});
