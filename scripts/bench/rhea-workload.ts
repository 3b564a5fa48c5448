/**
 * The broker comparison: one plain-`rhea` client, the same for the emulator and for RabbitMQ, so only the
 * broker differs. A producer sends durable 1 KB JSON messages unsettled (each waits for the broker's
 * `accepted`, i.e. the broker has stored it), at most `window` in flight and `maxBacklog` not yet consumed;
 * a consumer with a credit window of 32 accepts each message (peek-lock on the emulator, which completes it).
 * Counts consumed messages; latency is the producer's send -> accepted confirmation.
 */
import { createHmac, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import rhea from "rhea";
import type { Connection, ConnectionOptions, Delivery, EventContext, Receiver, Sender } from "rhea";
import { jsonBodyBytes } from "./lib/payload.js";
import type { LatencySamples } from "./lib/stats.js";
import type { RunOnce } from "./sdk-workloads.js";

export interface RheaEndpoint {
  readonly host: string;
  readonly port: number;
  /** SASL PLAIN credentials; without them SASL ANONYMOUS. */
  readonly username?: string;
  readonly password?: string;
  /** Address to send to and receive from. */
  readonly sendAddress: string;
  readonly receiveAddress: string;
  /** Service Bus SAS authorization (CBS put-token) of the entity, for the emulator. */
  readonly sas?: { readonly keyName: string; readonly key: string; readonly audience: string };
}

export interface RheaCycleOptions {
  readonly receiveCredit: number;
  readonly window: number;
  readonly maxBacklog: number;
}

export interface RheaCycle {
  readonly runOnce: RunOnce;
  close(): Promise<void>;
}

function sasToken(keyName: string, key: string, audience: string, validSeconds: number): string {
  const encodedAudience = encodeURIComponent(audience);
  const expiry = Math.floor(Date.now() / 1000) + validSeconds;
  const signature = createHmac("sha256", key).update(`${encodedAudience}\n${expiry}`, "utf8").digest("base64");
  return `SharedAccessSignature sr=${encodedAudience}&sig=${encodeURIComponent(signature)}&se=${expiry}&skn=${encodeURIComponent(keyName)}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not complete within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function describe(context: EventContext): string {
  const error = (context.connection?.error ?? context.sender?.error ?? context.receiver?.error ?? context.error) as
    | { condition?: string; description?: string; message?: string }
    | undefined;
  return error ? `${error.condition ?? ""} ${error.description ?? error.message ?? ""}`.trim() : "closed by the broker";
}

async function openConnection(endpoint: RheaEndpoint): Promise<Connection> {
  const container = rhea.create_container({ id: `bench-${randomUUID()}` });
  const options: ConnectionOptions = {
    host: endpoint.host,
    port: endpoint.port,
    reconnect: false,
    username: endpoint.username ?? "anonymous",
    ...(endpoint.password !== undefined ? { password: endpoint.password } : {}),
  } as ConnectionOptions;
  const connection = container.connect(options);
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      connection.once("connection_open", () => resolve());
      connection.once("connection_error", (context: EventContext) => reject(new Error(`connection refused: ${describe(context)}`)));
      connection.once("disconnected", (context: EventContext) => reject(new Error(`could not connect: ${describe(context)}`)));
    }),
    15_000,
    "opening the AMQP connection",
  );
  return connection;
}

async function putToken(connection: Connection, sas: NonNullable<RheaEndpoint["sas"]>): Promise<void> {
  const replyTo = `bench-cbs-${randomUUID()}`;
  const receiver = connection.open_receiver({ source: { address: "$cbs" }, target: { address: replyTo }, credit_window: 10 });
  const sender = connection.open_sender({ target: { address: "$cbs" }, source: { address: replyTo } });
  const requestId = randomUUID();
  const reply = new Promise<void>((resolve, reject) => {
    receiver.on("message", (context: EventContext) => {
      const message = context.message;
      if (message?.correlation_id !== requestId) return;
      const status = Number(message.application_properties?.statusCode);
      if (status === 200 || status === 202) resolve();
      else reject(new Error(`CBS put-token refused (${status}): ${String(message.application_properties?.statusDescription)}`));
    });
  });
  await withTimeout(new Promise<void>((resolve) => sender.once("sendable", () => resolve())), 10_000, "the CBS link");
  sender.send({
    message_id: requestId,
    reply_to: replyTo,
    application_properties: { operation: "put-token", type: "servicebus.windows.net:sastoken", name: sas.audience },
    body: sasToken(sas.keyName, sas.key, sas.audience, 3600),
  });
  await withTimeout(reply, 10_000, "the CBS put-token");
  sender.close();
  receiver.close();
}

/** Connects, authorizes, attaches both links; the returned `runOnce` does one timed run of the cycle. */
export async function openRheaCycle(endpoint: RheaEndpoint, options: RheaCycleOptions): Promise<RheaCycle> {
  const connection = await openConnection(endpoint);
  if (endpoint.sas) await putToken(connection, endpoint.sas);
  let fatal: Error | undefined;
  const fail = (what: string) => (context: EventContext) => {
    fatal ??= new Error(`${what}: ${describe(context)}`);
  };
  let closing = false;
  connection.on("connection_error", fail("connection error"));
  // Without a listener rhea re-emits internal errors on its container, where an unheard 'error' ends the process.
  connection.on("error", ((error: unknown) => {
    fatal ??= new Error(`AMQP connection error: ${String(error)}`);
  }) as never);
  // rhea prints protocol errors to the console unless someone listens; a broker's quirks while closing are not ours.
  connection.on("protocol_error", ((error: unknown) => {
    if (!closing) fatal ??= new Error(`protocol error: ${String(error)}`);
  }) as never);
  connection.on("disconnected", fail("disconnected"));
  const sender: Sender = connection.open_sender({ target: { address: endpoint.sendAddress, durable: 2 } });
  const receiver: Receiver = connection.open_receiver({
    source: { address: endpoint.receiveAddress, durable: 2 },
    credit_window: options.receiveCredit,
    autoaccept: false,
  });
  sender.on("sender_error", fail("sender link error"));
  receiver.on("receiver_error", fail("receiver link error"));
  await withTimeout(
    Promise.all([
      new Promise<void>((resolve) => sender.once("sendable", () => resolve())),
      new Promise<void>((resolve) => receiver.once("receiver_open", () => resolve())),
    ]),
    15_000,
    "attaching the links",
  );

  const sentAt = new WeakMap<Delivery, number>();
  let inFlight = 0;
  let sentTotal = 0;
  let consumedTotal = 0;
  let counter = 0;
  let producing = false;
  let samples: LatencySamples | undefined;
  let consumedInRun = 0;
  let maxInRun = Number.POSITIVE_INFINITY;

  const pump = (): void => {
    while (
      producing &&
      fatal === undefined &&
      sender.sendable() &&
      inFlight < options.window &&
      sentTotal - consumedTotal < options.maxBacklog &&
      consumedInRun < maxInRun
    ) {
      counter += 1;
      const delivery = sender.send({
        durable: true,
        content_type: "application/json",
        body: rhea.message.data_section(jsonBodyBytes(counter)),
      });
      sentAt.set(delivery, performance.now());
      inFlight += 1;
      sentTotal += 1;
    }
  };
  const confirmed = (context: EventContext, ok: boolean): void => {
    inFlight -= 1;
    const delivery = context.delivery;
    const started = delivery ? sentAt.get(delivery) : undefined;
    if (ok && started !== undefined) samples?.record(performance.now() - started);
    if (!ok) fatal ??= new Error(`the broker did not accept a message: ${JSON.stringify(delivery?.remote_state ?? null)}`);
    pump();
  };
  sender.on("accepted", (context: EventContext) => confirmed(context, true));
  sender.on("rejected", (context: EventContext) => confirmed(context, false));
  sender.on("released", (context: EventContext) => confirmed(context, false));
  sender.on("modified", (context: EventContext) => confirmed(context, false));
  sender.on("sendable", pump);
  receiver.on("message", (context: EventContext) => {
    context.delivery?.accept();
    consumedTotal += 1;
    consumedInRun += 1;
    pump();
  });

  return {
    async runOnce(deadline, maxMessages, runSamples) {
      samples = runSamples;
      consumedInRun = 0;
      maxInRun = maxMessages;
      producing = true;
      pump();
      await new Promise<void>((resolve) => {
        const check = (): void => {
          if (performance.now() >= deadline || consumedInRun >= maxMessages || fatal) resolve();
          else setTimeout(check, 5);
        };
        check();
      });
      producing = false;
      samples = undefined;
      if (fatal) throw fatal;
      return consumedInRun;
    },
    async close() {
      producing = false;
      closing = true;
      // Detach the links first (stops the consumer's credit), then close the connection.
      await withTimeout(
        Promise.all([
          new Promise<void>((resolve) => {
            receiver.once("receiver_close", () => resolve());
            receiver.close();
          }),
          new Promise<void>((resolve) => {
            sender.once("sender_close", () => resolve());
            sender.close();
          }),
        ]),
        5_000,
        "detaching the links",
      ).catch(() => undefined);
      await withTimeout(
        new Promise<void>((resolve) => {
          connection.once("connection_close", () => resolve());
          connection.once("disconnected", () => resolve());
          connection.close();
        }),
        5_000,
        "closing the AMQP connection",
      ).catch(() => connection.socket?.destroy?.());
    },
  };
}
