/**
 * The coalescer's decisions, with a recording sender (the SDK against the emulator is exercised in
 * test/integration/api/send-coalescing.test.ts).
 */
import type { ServiceBusMessage, ServiceBusSender } from "@azure/service-bus";
import { describe, expect, it } from "vitest";
import { ProblemError } from "../../../../api/src/problems/problem-error.js";
import { serviceBusProblem } from "../../../../api/src/http/service-bus-problems.js";
import { isGatewayError } from "../../../../api/src/servicebus/gateway-error.js";
import { createSendCoalescer, refusedForItsMessages } from "../../../../api/src/servicebus/send-coalescer.js";

function serviceBusError(code: string, retryable = false): Error {
  return Object.assign(new Error(`${code}: refused`), { name: "ServiceBusError", code, retryable });
}

/** A batch that holds messages up to a total body length. */
class RecordingBatch {
  readonly messages: ServiceBusMessage[] = [];
  constructor(readonly maxSizeInBytes: number) {}
  get count(): number {
    return this.messages.length;
  }
  tryAddMessage(message: ServiceBusMessage): boolean {
    const size = String(message.body).length;
    if (this.messages.reduce((total, each) => total + String(each.body).length, 0) + size > this.maxSizeInBytes) return false;
    this.messages.push(message);
    return true;
  }
}

/** Records what is sent: a message alone (its body) or a batch (the bodies in it). */
class RecordingSender {
  readonly sent: Array<string | string[]> = [];
  batchLimit = 100;
  /** Decides the outcome of each send; resolving means accepted. */
  outcome: (sent: string | string[]) => Promise<void> = () => Promise.resolve();
  failCreateBatch: Error | undefined;

  async createMessageBatch(): Promise<RecordingBatch> {
    if (this.failCreateBatch) throw this.failCreateBatch;
    return new RecordingBatch(this.batchLimit);
  }

  async sendMessages(messages: ServiceBusMessage | RecordingBatch): Promise<void> {
    const sent = messages instanceof RecordingBatch ? messages.messages.map((message) => String(message.body)) : String(messages.body);
    this.sent.push(sent);
    return this.outcome(sent);
  }

  asSender(): ServiceBusSender {
    return this as unknown as ServiceBusSender;
  }
}

function message(body: string, fields: Partial<ServiceBusMessage> = {}): ServiceBusMessage {
  return { body, ...fields };
}

type Settled = "sent" | string;

/** Sends the messages in one turn and reports each one's outcome: "sent" or the error's code. */
async function sendTogether(sender: RecordingSender, messages: ServiceBusMessage[], entity = "orders"): Promise<Settled[]> {
  const coalescer = createSendCoalescer();
  const outcomes = messages.map((each) =>
    coalescer.send(entity, sender.asSender(), each).then(
      () => "sent",
      (error: unknown) =>
        isGatewayError(error)
          ? String(serviceBusProblem(error)?.code)
          : error instanceof ProblemError
            ? error.code
            : String((error as { code?: unknown }).code),
    ),
  );
  return Promise.all(outcomes);
}

describe("send coalescer", () => {
  it("sends messages of one turn to one entity as one batch, and answers each", async () => {
    const sender = new RecordingSender();
    expect(await sendTogether(sender, [message("a"), message("b"), message("c")])).toEqual(["sent", "sent", "sent"]);
    expect(sender.sent).toEqual([["a", "b", "c"]]);
  });

  it("sends a lone message as it is, not as a batch", async () => {
    const sender = new RecordingSender();
    expect(await sendTogether(sender, [message("a")])).toEqual(["sent"]);
    expect(sender.sent).toEqual(["a"]);
  });

  it("sends messages of later turns in later batches", async () => {
    const sender = new RecordingSender();
    const coalescer = createSendCoalescer();
    const first = [coalescer.send("orders", sender.asSender(), message("a")), coalescer.send("orders", sender.asSender(), message("b"))];
    await Promise.all(first);
    await Promise.all([coalescer.send("orders", sender.asSender(), message("c")), coalescer.send("orders", sender.asSender(), message("d"))]);
    expect(sender.sent).toEqual([
      ["a", "b"],
      ["c", "d"],
    ]);
  });

  it("keeps entities and sessions apart", async () => {
    const sender = new RecordingSender();
    const coalescer = createSendCoalescer();
    await Promise.all([
      coalescer.send("orders", sender.asSender(), message("o1")),
      coalescer.send("orders", sender.asSender(), message("s1", { sessionId: "s" })),
      coalescer.send("cases", sender.asSender(), message("c1")),
      coalescer.send("orders", sender.asSender(), message("o2")),
      coalescer.send("orders", sender.asSender(), message("s2", { sessionId: "s" })),
    ]);
    // Groups leave independently, so only what each send contained is fixed, not their order.
    expect(sender.sent).toHaveLength(3);
    expect(sender.sent).toEqual(expect.arrayContaining([["o1", "o2"], ["s1", "s2"], "c1"]));
  });

  it("sends a message with a scheduled time alone and at once", async () => {
    const sender = new RecordingSender();
    const coalescer = createSendCoalescer();
    const scheduled = coalescer.send("orders", sender.asSender(), message("later", { scheduledEnqueueTimeUtc: new Date(Date.now() + 60_000) }));
    const others = [coalescer.send("orders", sender.asSender(), message("a")), coalescer.send("orders", sender.asSender(), message("b"))];
    expect(sender.sent).toEqual(["later"]);
    await Promise.all([scheduled, ...others]);
    expect(sender.sent).toEqual(["later", ["a", "b"]]);
  });

  it("splits what does not fit one batch into several, in order", async () => {
    const sender = new RecordingSender();
    sender.batchLimit = 4;
    expect(await sendTogether(sender, [message("aa"), message("bb"), message("cc")])).toEqual(["sent", "sent", "sent"]);
    expect(sender.sent).toEqual([["aa", "bb"], "cc"]);
  });

  it("refuses only a message that does not fit an empty batch, with MessageSizeExceeded", async () => {
    const sender = new RecordingSender();
    sender.batchLimit = 4;
    expect(await sendTogether(sender, [message("a"), message("too large"), message("b")])).toEqual(["sent", "MessageSizeExceeded", "sent"]);
    expect(sender.sent).toEqual([["a", "b"]]);
  });

  it("sends each message again alone when Service Bus refuses the batch for its messages, so each gets its own answer", async () => {
    const sender = new RecordingSender();
    sender.outcome = (sent) => (Array.isArray(sent) || sent === "bad" ? Promise.reject(serviceBusError("GeneralError")) : Promise.resolve());
    expect(await sendTogether(sender, [message("a"), message("bad"), message("b")])).toEqual(["sent", "GeneralError", "sent"]);
    expect(sender.sent).toEqual([["a", "bad", "b"], "a", "bad", "b"]);
  });

  it("fails every message of the batch, sending nothing again, when the outcome is unknown or not about the messages", async () => {
    for (const error of [serviceBusError("ServiceTimeout", true), serviceBusError("MessagingEntityNotFound"), new Error("connection closed")]) {
      const sender = new RecordingSender();
      sender.outcome = () => Promise.reject(error);
      const expected = String((error as { code?: unknown }).code);
      expect(await sendTogether(sender, [message("a"), message("b")])).toEqual([expected, expected]);
      expect(sender.sent).toEqual([["a", "b"]]);
    }
  });

  it("fails every message when no batch can be created", async () => {
    const sender = new RecordingSender();
    sender.failCreateBatch = serviceBusError("MessagingEntityNotFound");
    expect(await sendTogether(sender, [message("a"), message("b")])).toEqual(["MessagingEntityNotFound", "MessagingEntityNotFound"]);
    expect(sender.sent).toEqual([]);
  });
});

describe("refusedForItsMessages", () => {
  it.each([
    ["a message-level refusal (GeneralError)", serviceBusError("GeneralError"), true],
    ["a refused size", serviceBusError("MessageSizeExceeded"), true],
    ["a retryable error", serviceBusError("GeneralError", true), false],
    ["a timeout", serviceBusError("ServiceTimeout"), false],
    ["a busy service", serviceBusError("ServiceBusy"), false],
    ["a missing entity", serviceBusError("MessagingEntityNotFound"), false],
    ["a disabled entity", serviceBusError("MessagingEntityDisabled"), false],
    ["a full entity", serviceBusError("QuotaExceeded"), false],
    ["refused credentials", serviceBusError("UnauthorizedAccess"), false],
    ["a socket error", Object.assign(serviceBusError("GeneralError"), { syscall: "write" }), false],
    ["an error that is not the SDK's", new Error("closed"), false],
    ["not an error", "text", false],
  ])("%s: %s", (_name, error, expected) => {
    expect(refusedForItsMessages(error)).toBe(expected);
  });
});
