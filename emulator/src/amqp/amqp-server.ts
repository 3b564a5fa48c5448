/**
 * The AMQP 1.0 listener: SASL ANONYMOUS, CBS put-token, and the routing of every link the SDK attaches
 * to the broker (senders, receivers, management and CBS request/response pairs).
 */
import type { AddressInfo, Server } from "node:net";
import { randomUUID } from "node:crypto";
import rhea from "rhea";
import type { Connection, Delivery, EventContext, Message, Receiver, Sender } from "rhea";
import { BrokerError, Conditions } from "../broker/broker-errors.js";
import type { NamespaceBroker } from "../broker/namespace-broker.js";
import type { BrokerClock } from "../broker/timers.js";
import type { EmulatorLogger } from "../logger.js";
import type { MessageStore } from "../store/message-store.js";
import { acceptedState, linkAttach, rejectedState } from "./amqp-types.js";
import { batchConnectionWrites } from "./batched-writes.js";
import { ConnectionAuth } from "./connection-auth.js";
import { LinkConsumer, lockTokenOfTag, settlementOfOutcome } from "./link-consumer.js";
import { connectionKeyOf } from "./connection-key.js";
import { handleManagementRequest } from "./management-node.js";
import { attachSessionReceiver, requestedSession } from "./session-attach.js";
import type { SessionRegistry } from "../broker/session-registry.js";
import type { ManagementResponse } from "./management-node.js";
import { BATCH_MESSAGE_FORMAT, decodeBatch, decodeIncomingMessage } from "./message-codec.js";
import { captureRawMessageBytes, rawMessageBytes } from "./raw-message-capture.js";
import type { SharedAccessKey } from "./sas-token.js";
import { audienceCovers, audiencePath, verifySasToken } from "./sas-token.js";

const CBS_ADDRESS = "$cbs";
const MANAGEMENT_SUFFIX = "/$management";
const SAS_TOKEN_TYPE = "servicebus.windows.net:sastoken";

export interface AmqpServerOptions {
  readonly broker: NamespaceBroker;
  readonly store: MessageStore;
  readonly keys: readonly SharedAccessKey[];
  readonly maxMessageSizeInBytes: number;
  readonly clock: BrokerClock;
  readonly logger: EmulatorLogger;
  readonly host: string;
  readonly port: number;
}

export interface AmqpServer {
  readonly port: number;
  close(): Promise<void>;
}

interface ConnectionState {
  readonly id: string;
  readonly auth: ConnectionAuth;
}

type LinkRole =
  | { kind: "cbs-requests" }
  | { kind: "management-requests"; address: string }
  | { kind: "incoming"; address: string }
  | { kind: "reply" }
  | { kind: "consumer"; consumer: LinkConsumer; sessions?: SessionRegistry; cancelPending?: () => void };

function isManagementAddress(address: string): boolean {
  return address.toLowerCase().endsWith(MANAGEMENT_SUFFIX);
}

function describeError(error: unknown): { condition: string; description: string } {
  if (error instanceof BrokerError) return { condition: error.condition, description: error.description };
  return { condition: Conditions.internalError, description: "The emulator failed to process the request." };
}

/** Starts listening; resolves once the port is bound. */
export async function startAmqpServer(options: AmqpServerOptions): Promise<AmqpServer> {
  const { broker, store, keys, clock, logger } = options;
  captureRawMessageBytes();
  const container = rhea.create_container({ id: `service-bus-emulator-${randomUUID()}` });
  container.sasl_server_mechanisms.enable_anonymous();
  const connections = new WeakMap<Connection, ConnectionState>();
  const roles = new WeakMap<Receiver | Sender, LinkRole>();
  const openConnections = new Set<Connection>();

  function stateOf(connection: Connection): ConnectionState {
    let state = connections.get(connection);
    if (!state) {
      state = { id: randomUUID().slice(0, 8), auth: new ConnectionAuth(() => clock.now()) };
      connections.set(connection, state);
    }
    return state;
  }

  /** Refuses a link as the service does: an attach with no source or target, then a detach with the error. */
  function refuseLink(link: Receiver | Sender, condition: string, description: string): void {
    logger.info({ connection: stateOf(link.connection).id, link: link.name, condition }, `link refused: ${description}`);
    const ends = linkAttach(link);
    ends.local.source = null;
    ends.local.target = null;
    link.close({ condition, description });
  }

  /** Checks the link's token and entity; returns false (after refusing the link) when it may not attach. */
  function admit(link: Receiver | Sender, address: string): boolean {
    if (!stateOf(link.connection).auth.allows(address)) {
      refuseLink(link, Conditions.unauthorizedAccess, `Unauthorized access. No valid token covers '${address}': send a CBS put-token for its audience first.`);
      return false;
    }
    try {
      broker.resolve(address);
      return true;
    } catch (error) {
      const { condition, description } = describeError(error);
      refuseLink(link, condition, description);
      return false;
    }
  }

  function reply(connection: Connection, request: Message, response: ManagementResponse): void {
    const replyTo = request.reply_to;
    const replyLink = connection.find_sender(
      (sender: Sender) => sender.name === replyTo || sender.target?.address === replyTo,
    );
    if (!replyLink) {
      logger.warn({ connection: stateOf(connection).id, replyTo }, "no reply link for a request");
      return;
    }
    const applicationProperties: Record<string, unknown> = {
      statusCode: response.statusCode,
      statusDescription: response.statusDescription,
    };
    if (response.errorCondition) applicationProperties.errorCondition = response.errorCondition;
    replyLink.send({
      correlation_id: request.message_id,
      application_properties: applicationProperties,
      body: response.body,
    });
  }

  function handleCbsRequest(connection: Connection, request: Message): ManagementResponse {
    const properties = request.application_properties ?? {};
    if (properties.operation !== "put-token") {
      return { statusCode: 400, statusDescription: `Unknown CBS operation '${String(properties.operation)}'.`, errorCondition: Conditions.notImplemented };
    }
    if (properties.type !== SAS_TOKEN_TYPE) {
      return {
        statusCode: 401,
        statusDescription: `Token type '${String(properties.type)}' is not supported: the emulator accepts shared access signatures only.`,
        errorCondition: Conditions.unauthorizedAccess,
      };
    }
    const verification = verifySasToken(String(request.body ?? ""), keys, clock.now());
    if (!verification.valid) {
      logger.info({ connection: stateOf(connection).id, audience: properties.name }, `CBS token refused: ${verification.reason}`);
      return { statusCode: 401, statusDescription: `Unauthorized access. ${verification.reason}`, errorCondition: Conditions.unauthorizedAccess };
    }
    // As Service Bus does, a token must cover the audience it is presented for (a namespace token covers all).
    const requested = audiencePath(String(properties.name ?? ""));
    if (!audienceCovers(verification.audiencePath, requested)) {
      const description = `Unauthorized access. The token is for '${verification.audiencePath || "(namespace)"}' and does not cover '${requested}'.`;
      logger.info({ connection: stateOf(connection).id, audience: properties.name }, `CBS token refused: ${description}`);
      return { statusCode: 401, statusDescription: description, errorCondition: Conditions.unauthorizedAccess };
    }
    stateOf(connection).auth.grant(verification.audiencePath, verification.expiresAtMs);
    return { statusCode: 202, statusDescription: "Accepted" };
  }

  function acceptIncoming(context: EventContext, address: string): void {
    const delivery = context.delivery as Delivery;
    const raw = context.message as unknown;
    let encoded: Buffer[];
    try {
      if (Buffer.isBuffer(raw)) {
        encoded = (context as EventContext & { format?: number }).format === BATCH_MESSAGE_FORMAT ? decodeBatch(raw) : [raw];
      } else {
        encoded = [rawMessageBytes(raw as object) ?? rhea.message.encode(raw as Message)];
      }
      const tooLarge = encoded.find((bytes) => bytes.length > options.maxMessageSizeInBytes);
      if (tooLarge) {
        delivery.update(true, rejectedState(
          Conditions.messageSizeExceeded,
          `The received message (size: ${tooLarge.length} bytes) exceeds the limit (${options.maxMessageSizeInBytes} bytes) currently allowed on the link.`,
        ));
        return;
      }
      broker.send(address, encoded.map(decodeIncomingMessage));
    } catch (error) {
      const { condition, description } = error instanceof TypeError
        ? { condition: "amqp:decode-error", description: `The message could not be decoded: ${error.message}` }
        : describeError(error);
      delivery.update(true, rejectedState(condition, description));
      return;
    }
    store.afterCommit((failure) => {
      if (failure) {
        logger.error({ err: failure }, "could not persist an accepted message");
        delivery.update(true, rejectedState(Conditions.internalError, "The emulator could not store the message."));
      } else {
        delivery.update(true, acceptedState());
      }
    });
  }

  function settleFromLink(context: EventContext, kind: "accepted" | "rejected" | "modified" | "released"): void {
    const sender = context.sender as Sender;
    const delivery = context.delivery as Delivery;
    const role = roles.get(sender);
    // Receive-and-delete deliveries are settled when sent; only peek-lock deliveries carry a lock to settle.
    if (role?.kind !== "consumer" || role.consumer.receiveMode === "receiveAndDelete") return;
    const { consumer } = role;
    const lockToken = lockTokenOfTag(delivery.tag as Buffer);
    consumer.beginSettlement(lockToken);
    try {
      const settlement = settlementOfOutcome(kind, delivery.remote_state as never);
      consumer.queue.settle(lockToken, settlement, consumer.id);
    } catch (error) {
      const { condition, description } = describeError(error);
      delivery.update(true, rejectedState(condition, description));
      consumer.endSettlement(lockToken, delivery);
      return;
    }
    // Settle once the change is durable: the SDK waits for the emulator's settlement, and reads any error
    // on it as a failure, so success is answered with a plain `accepted` whatever the client's outcome.
    store.afterCommit(() => {
      delivery.update(true, acceptedState());
      consumer.endSettlement(lockToken, delivery);
    });
  }

  container.on("connection_open", (context: EventContext) => {
    const connection = context.connection;
    batchConnectionWrites(connection);
    openConnections.add(connection);
    logger.info({ connection: stateOf(connection).id, container: connection.container_id }, "connection opened");
  });

  /** A receiver link went away: stop delivering to it and give up its session, if it held one. */
  function retireConsumer(role: Extract<LinkRole, { kind: "consumer" }>): void {
    role.consumer.queue.removeConsumer(role.consumer);
    role.cancelPending?.();
    const session = role.consumer.session;
    if (role.sessions && session) role.sessions.release(session.sessionId, role.consumer.id);
  }

  const connectionGone = (context: EventContext): void => {
    const connection = context.connection;
    if (!openConnections.delete(connection)) return;
    connection.each_link((link: Receiver | Sender) => {
      const role = roles.get(link);
      if (role?.kind === "consumer") retireConsumer(role);
    });
    logger.info({ connection: stateOf(connection).id }, "connection closed");
  };
  container.on("connection_close", connectionGone);
  container.on("disconnected", connectionGone);
  container.on("connection_error", (context: EventContext) => {
    logger.warn({ connection: stateOf(context.connection).id, error: context.connection.error }, "connection error");
  });

  container.on("receiver_open", (context: EventContext) => {
    const receiver = context.receiver as Receiver;
    const attach = linkAttach(receiver);
    const address = attach.remote?.target?.address ?? "";
    receiver.set_source(attach.remote?.source as never);
    receiver.set_target(attach.remote?.target as never);
    if (address === CBS_ADDRESS) {
      roles.set(receiver, { kind: "cbs-requests" });
      return;
    }
    if (!admit(receiver, address)) return;
    if (isManagementAddress(address)) {
      roles.set(receiver, { kind: "management-requests", address });
    } else {
      try {
        broker.resolveSendTarget(address);
      } catch (error) {
        const { condition, description } = describeError(error);
        refuseLink(receiver, condition, description);
        return;
      }
      roles.set(receiver, { kind: "incoming", address });
      attach.local.max_message_size = options.maxMessageSizeInBytes;
    }
    logger.info({ connection: stateOf(receiver.connection).id, link: receiver.name, address }, "sender link attached");
  });

  container.on("sender_open", (context: EventContext) => {
    const sender = context.sender as Sender;
    const ends = linkAttach(sender);
    const attach = ends.remote;
    const source = attach?.source ?? undefined;
    const address = source?.address ?? "";
    sender.set_source(attach?.source as never);
    sender.set_target(attach?.target as never);
    ends.local.snd_settle_mode = attach?.snd_settle_mode;
    ends.local.rcv_settle_mode = attach?.rcv_settle_mode;
    if (address === CBS_ADDRESS) {
      roles.set(sender, { kind: "reply" });
      return;
    }
    if (!admit(sender, address)) return;
    if (isManagementAddress(address)) {
      roles.set(sender, { kind: "reply" });
      return;
    }
    const resolved = broker.resolve(address);
    if (resolved.entity.kind === "topic") {
      refuseLink(sender, Conditions.notAllowed, `Messages cannot be received from the topic '${address}': receive from one of its subscriptions.`);
      return;
    }
    const receiveMode = attach?.snd_settle_mode === 1 ? "receiveAndDelete" : "peekLock";
    const consumer = new LinkConsumer(sender, resolved.queue, receiveMode);
    const sessions = resolved.isDeadLetter ? undefined : resolved.entity.sessions;
    const requested = requestedSession(sender);
    const attached = (sessionId?: string): void => {
      resolved.queue.addConsumer(consumer);
      logger.info({ connection: stateOf(sender.connection).id, link: sender.name, address, receiveMode, sessionId }, "receiver link attached");
    };
    if (!sessions) {
      if (requested !== undefined) {
        refuseLink(sender, Conditions.notAllowed, `It is not possible for an entity that does not require sessions to create a sessionful message receiver ('${address}').`);
        return;
      }
      roles.set(sender, { kind: "consumer", consumer });
      attached();
      return;
    }
    if (requested === undefined) {
      refuseLink(sender, Conditions.notAllowed, `It is not possible for an entity that requires sessions to create a non-sessionful message receiver ('${address}').`);
      return;
    }
    const role: LinkRole = { kind: "consumer", consumer, sessions, cancelPending: () => undefined };
    roles.set(sender, role);
    role.cancelPending = attachSessionReceiver({
      sender,
      consumer,
      sessions,
      requested,
      onAttached: attached,
      onRefused: (condition, description) => {
        roles.delete(sender);
        refuseLink(sender, condition, description);
      },
    });
  });

  container.on("message", (context: EventContext) => {
    const receiver = context.receiver as Receiver;
    const role = roles.get(receiver);
    const delivery = context.delivery as Delivery;
    if (role?.kind === "incoming") {
      acceptIncoming(context, role.address);
      return;
    }
    if (role?.kind !== "cbs-requests" && role?.kind !== "management-requests") return;
    delivery.update(true, acceptedState());
    const request = context.message as Message;
    if (role.kind === "cbs-requests") {
      reply(context.connection, request, handleCbsRequest(context.connection, request));
      return;
    }
    let response: ManagementResponse;
    try {
      response = handleManagementRequest(broker, role.address, request.application_properties?.operation, request.body, connectionKeyOf(context.connection));
    } catch (error) {
      logger.error({ err: error, operation: request.application_properties?.operation }, "management request failed");
      response = { statusCode: 500, statusDescription: "The emulator failed to process the request.", errorCondition: Conditions.internalError };
    }
    store.afterCommit(() => reply(context.connection, request, response));
  });

  container.on("sender_flow", (context: EventContext) => {
    const role = roles.get(context.sender as Sender);
    if (role?.kind === "consumer") role.consumer.onFlow();
  });

  container.on("accepted", (context: EventContext) => settleFromLink(context, "accepted"));
  container.on("rejected", (context: EventContext) => settleFromLink(context, "rejected"));
  container.on("modified", (context: EventContext) => settleFromLink(context, "modified"));
  container.on("released", (context: EventContext) => settleFromLink(context, "released"));

  const linkGone = (context: EventContext): void => {
    const link = (context.sender ?? context.receiver) as Sender | Receiver | undefined;
    if (!link) return;
    const role = roles.get(link);
    if (role?.kind === "consumer") {
      retireConsumer(role);
      logger.info({ connection: stateOf(link.connection).id, link: link.name }, "receiver link detached");
    }
    roles.delete(link);
  };
  container.on("sender_close", linkGone);
  container.on("receiver_close", linkGone);

  // rhea reports failures it has no handler for as an 'error' event; unhandled, that would end the process.
  container.on("error", (context: EventContext & { error?: unknown }) => {
    logger.error({ err: context.error, connection: context.connection ? stateOf(context.connection).id : undefined }, "AMQP error");
  });

  const server: Server = container.listen({
    host: options.host,
    port: options.port,
    // Without it Nagle's algorithm holds small frames back for ~40 ms (visible as p99 latency).
    tcp_no_delay: true,
    receiver_options: { autoaccept: false, credit_window: 100 },
    sender_options: { treat_modified_as_released: false, autosettle: true },
  } as never) as unknown as Server;

  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  logger.info({ host: options.host, port }, "AMQP listener started");

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const connection of openConnections) {
          try {
            connection.close();
          } catch {
            // The socket may already be gone; closing the server below still completes.
          }
          const socket = (connection as unknown as { socket?: { destroy(): void } }).socket;
          socket?.destroy();
        }
        openConnections.clear();
        server.close(() => resolve());
      }),
  };
}
