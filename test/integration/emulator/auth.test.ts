import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createSasTokenProvider } from "@azure/core-amqp";
import { ServiceBusClient, isServiceBusError } from "@azure/service-bus";
import { createEmulator, DEFAULT_SHARED_ACCESS_KEY } from "../../../emulator/src/create-emulator.js";
import type { Emulator, EmulatorOptions } from "../../../emulator/src/create-emulator.js";
import type { SharedAccessKey } from "../../../emulator/src/amqp/sas-token.js";
import { queuesConfig, testClientOptions } from "../../helpers/emulator-fixture.js";

/** A SAS token built as emulator/src/amqp/sas-token.ts documents (and as the SDK builds them). */
function sasToken(audience: string, key: SharedAccessKey, expirySeconds: number): string {
  const sr = encodeURIComponent(audience);
  const sig = encodeURIComponent(createHmac("sha256", key.key).update(`${sr}\n${expirySeconds}`, "utf8").digest("base64"));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${expirySeconds}&skn=${encodeURIComponent(key.name)}`;
}

const inAnHour = (): number => Math.floor(Date.now() / 1000) + 3600;

function keyConnectionString(port: number, keyName: string, key: string): string {
  return `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=${keyName};SharedAccessKey=${key};UseDevelopmentEmulator=true`;
}

function signatureConnectionString(port: number, token: string): string {
  return `Endpoint=sb://127.0.0.1:${port};SharedAccessSignature=${token};UseDevelopmentEmulator=true`;
}

/**
 * The code of the ServiceBusError an operation failed with (or a description of what happened instead).
 * The SDK retries UnauthorizedAccess (credentials may have been rotated) and then throws an AggregateError of
 * every attempt; the code is reported when every attempt failed with the same one.
 */
async function errorCode(operation: Promise<unknown>): Promise<string> {
  try {
    await operation;
  } catch (error) {
    const attempts = error instanceof AggregateError ? error.errors : [error];
    const codes = new Set(attempts.map((attempt: unknown) => (isServiceBusError(attempt) ? attempt.code : `not a ServiceBusError: ${String(attempt)}`)));
    return [...codes].join(", ");
  }
  return "no error";
}

describe("emulator: SAS authentication with the real SDK", () => {
  let emulator: Emulator | undefined;
  const clients: ServiceBusClient[] = [];

  async function start(options: EmulatorOptions = {}): Promise<Emulator> {
    emulator = await createEmulator({ config: queuesConfig({ q1: {}, q2: {} }), ...options });
    return emulator;
  }

  function client(connectionString: string): ServiceBusClient {
    const created = new ServiceBusClient(connectionString, testClientOptions);
    clients.push(created);
    return created;
  }

  /** What an authorised client sees in the queue: proof that a refused send left nothing behind. */
  async function peekBodies(queue: string): Promise<unknown[]> {
    if (!emulator) throw new Error("no emulator");
    const messages = await client(emulator.connectionString).createReceiver(queue).peekMessages(10);
    return messages.map((message) => message.body);
  }

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((each) => each.close()));
    await emulator?.close();
    emulator = undefined;
  });

  it("serves a client that uses the emulator's own connection string", async () => {
    const { connectionString } = await start();
    const sbClient = client(connectionString);
    await sbClient.createSender("q1").sendMessages({ body: "hello" });
    const [message] = await sbClient.createReceiver("q1", { receiveMode: "receiveAndDelete" }).receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(message?.body).toBe("hello");
  });

  it("refuses sending with the right key name but a wrong SharedAccessKey, as UnauthorizedAccess", async () => {
    const { port } = await start();
    const wrong = client(keyConnectionString(port, DEFAULT_SHARED_ACCESS_KEY.name, "not-the-key"));
    expect(await errorCode(wrong.createSender("q1").sendMessages({ body: "sneaky" }))).toBe("UnauthorizedAccess");
    expect(await peekBodies("q1")).toEqual([]);
  });

  it("refuses receiving and peeking with a wrong SharedAccessKey, as UnauthorizedAccess", async () => {
    const { connectionString, port } = await start();
    await client(connectionString).createSender("q1").sendMessages({ body: "secret" });
    const wrong = client(keyConnectionString(port, DEFAULT_SHARED_ACCESS_KEY.name, "not-the-key"));
    expect(await errorCode(wrong.createReceiver("q1").receiveMessages(1, { maxWaitTimeInMs: 2000 }))).toBe("UnauthorizedAccess");
    expect(await errorCode(wrong.createReceiver("q1").peekMessages(1))).toBe("UnauthorizedAccess");
    expect(await peekBodies("q1")).toEqual(["secret"]);
  });

  it("refuses an unknown key name the same way, even with the default key's value", async () => {
    const { connectionString, port } = await start();
    await client(connectionString).createSender("q1").sendMessages({ body: "secret" });
    const unknown = client(keyConnectionString(port, "SomeOtherPolicy", DEFAULT_SHARED_ACCESS_KEY.key));
    expect(await errorCode(unknown.createSender("q1").sendMessages({ body: "sneaky" }))).toBe("UnauthorizedAccess");
    expect(await errorCode(unknown.createReceiver("q1").receiveMessages(1, { maxWaitTimeInMs: 2000 }))).toBe("UnauthorizedAccess");
    expect(await peekBodies("q1")).toEqual(["secret"]);
  });

  it("accepts a SharedAccessSignature connection string whose token is valid for the namespace", async () => {
    const { port } = await start();
    const token = sasToken(`sb://127.0.0.1:${port}/`, DEFAULT_SHARED_ACCESS_KEY, inAnHour());
    const sbClient = client(signatureConnectionString(port, token));
    await sbClient.createSender("q1").sendMessages({ body: "signed" });
    await sbClient.createSender("q2").sendMessages({ body: "also signed" });
    const [message] = await sbClient.createReceiver("q1").receiveMessages(1, { maxWaitTimeInMs: 5000 });
    expect(message?.body).toBe("signed");
    await sbClient.createReceiver("q1").completeMessage(message as NonNullable<typeof message>);
    expect((await sbClient.createReceiver("q2").peekMessages(1)).map((each) => each.body)).toEqual(["also signed"]);
  });

  it("refuses a SharedAccessSignature whose expiry is in the past", async () => {
    const { port } = await start();
    const token = sasToken(`sb://127.0.0.1:${port}/`, DEFAULT_SHARED_ACCESS_KEY, Math.floor(Date.now() / 1000) - 60);
    const expired = client(signatureConnectionString(port, token));
    expect(await errorCode(expired.createSender("q1").sendMessages({ body: "late" }))).toBe("UnauthorizedAccess");
    expect(await errorCode(expired.createReceiver("q1").receiveMessages(1, { maxWaitTimeInMs: 2000 }))).toBe("UnauthorizedAccess");
    expect(await peekBodies("q1")).toEqual([]);
  });

  it("refuses a SharedAccessSignature signed with a wrong key", async () => {
    const { port } = await start();
    const token = sasToken(`sb://127.0.0.1:${port}/`, { name: DEFAULT_SHARED_ACCESS_KEY.name, key: "forged" }, inAnHour());
    const forged = client(signatureConnectionString(port, token));
    expect(await errorCode(forged.createSender("q1").sendMessages({ body: "forged" }))).toBe("UnauthorizedAccess");
    expect(await peekBodies("q1")).toEqual([]);
  });

  it("reuses a SharedAccessSignature from the connection string for every audience the SDK asks for", async () => {
    const token = sasToken("sb://127.0.0.1:5672/q1", DEFAULT_SHARED_ACCESS_KEY, inAnHour());
    // The provider the SDK builds from a SharedAccessSignature connection string (constructorHelpers.js).
    const provider = createSasTokenProvider({ sharedAccessSignature: token });
    expect((await provider.getToken("sb://127.0.0.1:5672/q1")).token).toBe(token);
    expect((await provider.getToken("sb://127.0.0.1:5672/q2")).token).toBe(token);
    expect((await provider.getToken("sb://127.0.0.1:5672/q1/$management")).token).toBe(token);
  });

  it("lets a token scoped to one queue use that queue (send, receive, peek, settle) but not another", async () => {
    const { port } = await start();
    const token = sasToken(`sb://127.0.0.1:${port}/q1`, DEFAULT_SHARED_ACCESS_KEY, inAnHour());
    const scoped = client(signatureConnectionString(port, token));
    await scoped.createSender("q1").sendMessages([{ body: "one" }, { body: "two" }]);
    const receiver = scoped.createReceiver("q1");
    expect((await receiver.peekMessages(5)).map((message) => message.body)).toEqual(["one", "two"]);
    const received = await receiver.receiveMessages(2, { maxWaitTimeInMs: 5000 });
    expect(received.map((message) => message.body)).toEqual(["one", "two"]);
    for (const message of received) await receiver.completeMessage(message);

    // The SDK puts the same q1 token for q2's audience; it must not open q2.
    expect(await errorCode(scoped.createSender("q2").sendMessages({ body: "not allowed" }))).toBe("UnauthorizedAccess");
    expect(await errorCode(scoped.createReceiver("q2").receiveMessages(1, { maxWaitTimeInMs: 2000 }))).toBe("UnauthorizedAccess");
    expect(await errorCode(scoped.createReceiver("q2").peekMessages(1))).toBe("UnauthorizedAccess");
    expect(await peekBodies("q2")).toEqual([]);

    // The refusals leave the client's q1 access intact.
    await scoped.createSender("q1").sendMessages({ body: "three" });
    expect((await scoped.createReceiver("q1").peekMessages(5)).map((message) => message.body)).toEqual(["three"]);
  });

  it("does not let a queue-scoped token open a queue whose name merely starts with the same text", async () => {
    emulator = await createEmulator({ config: queuesConfig({ q1: {}, q10: {} }) });
    const token = sasToken(`sb://127.0.0.1:${emulator.port}/q1`, DEFAULT_SHARED_ACCESS_KEY, inAnHour());
    const scoped = client(signatureConnectionString(emulator.port, token));
    expect(await errorCode(scoped.createSender("q10").sendMessages({ body: "not allowed" }))).toBe("UnauthorizedAccess");
  });

  it("accepts the configured sharedAccessKeys and refuses the default key when it is not among them", async () => {
    const app: SharedAccessKey = { name: "app", key: "secret" };
    const { connectionString, port } = await start({ sharedAccessKeys: [app] });
    expect(connectionString).toContain("SharedAccessKeyName=app;SharedAccessKey=secret;");
    const appClient = client(keyConnectionString(port, app.name, app.key));
    await appClient.createSender("q1").sendMessages({ body: "with app key" });
    expect((await appClient.createReceiver("q1").peekMessages(1)).map((message) => message.body)).toEqual(["with app key"]);

    const defaultClient = client(keyConnectionString(port, DEFAULT_SHARED_ACCESS_KEY.name, DEFAULT_SHARED_ACCESS_KEY.key));
    expect(await errorCode(defaultClient.createSender("q1").sendMessages({ body: "default" }))).toBe("UnauthorizedAccess");
    expect(await errorCode(defaultClient.createReceiver("q1").receiveMessages(1, { maxWaitTimeInMs: 2000 }))).toBe("UnauthorizedAccess");
    expect(await errorCode(defaultClient.createReceiver("q1").peekMessages(1))).toBe("UnauthorizedAccess");
  });

  it("accepts a SharedAccessSignature signed with any of several configured keys", async () => {
    const app: SharedAccessKey = { name: "app", key: "secret" };
    const { port } = await start({ sharedAccessKeys: [DEFAULT_SHARED_ACCESS_KEY, app] });
    const token = sasToken(`sb://127.0.0.1:${port}/`, app, inAnHour());
    await client(signatureConnectionString(port, token)).createSender("q1").sendMessages({ body: "second key" });
    expect(await peekBodies("q1")).toEqual(["second key"]);
  });

  it("refuses a sharedAccessKeys list without any key", async () => {
    await expect(createEmulator({ config: queuesConfig({ q1: {} }), sharedAccessKeys: [] })).rejects.toThrow(RangeError);
  });
});
