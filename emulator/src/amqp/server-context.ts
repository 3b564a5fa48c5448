/**
 * What every part of the AMQP listener shares: the broker, the store and the settings, what each connection
 * has been authorised for, and the role each attached link plays.
 */
import { randomUUID } from "node:crypto";
import type { Connection, Receiver, Sender } from "rhea";
import type { NamespaceBroker } from "../broker/namespace-broker.js";
import type { SessionRegistry } from "../broker/session-registry.js";
import type { BrokerClock } from "../broker/timers.js";
import type { EmulatorLogger } from "../logger.js";
import type { MessageStore } from "../store/message-store.js";
import { ConnectionAuth } from "./connection-auth.js";
import type { LinkConsumer } from "./link-consumer.js";
import type { SharedAccessKey } from "./sas-token.js";

export interface ServerSettings {
  readonly broker: NamespaceBroker;
  readonly store: MessageStore;
  readonly keys: readonly SharedAccessKey[];
  readonly maxMessageSizeInBytes: number;
  readonly clock: BrokerClock;
  readonly logger: EmulatorLogger;
}

export interface ConnectionState {
  /** A short id that names the connection in the log. */
  readonly id: string;
  readonly auth: ConnectionAuth;
}

/** A client's receiver link: the emulator delivers a queue's messages on it. */
export interface ConsumerRole {
  kind: "consumer";
  consumer: LinkConsumer;
  sessions?: SessionRegistry;
  cancelPending?: () => void;
}

/** What an attached link is for. */
export type LinkRole =
  | { kind: "cbs-requests" }
  | { kind: "management-requests"; address: string }
  | { kind: "incoming"; address: string }
  | { kind: "reply" }
  | ConsumerRole;

export type AmqpLink = Receiver | Sender;

export interface ServerContext extends ServerSettings {
  readonly roles: WeakMap<AmqpLink, LinkRole>;
  /** The connection's state, created on first use. */
  connectionState(connection: Connection): ConnectionState;
}

export function createServerContext(settings: ServerSettings): ServerContext {
  const connections = new WeakMap<Connection, ConnectionState>();
  return {
    broker: settings.broker,
    store: settings.store,
    keys: settings.keys,
    maxMessageSizeInBytes: settings.maxMessageSizeInBytes,
    clock: settings.clock,
    logger: settings.logger,
    roles: new WeakMap<AmqpLink, LinkRole>(),
    connectionState(connection) {
      let state = connections.get(connection);
      if (!state) {
        state = { id: randomUUID().slice(0, 8), auth: new ConnectionAuth(() => settings.clock.now()) };
        connections.set(connection, state);
      }
      return state;
    },
  };
}
