/**
 * Attaching a session receiver: `acceptSession(id)` locks the named session at once; `acceptNextSession()`
 * waits up to the link's `com.microsoft:timeout` for a free session with messages. The attach reply names the
 * locked session in its source filter and carries the lock expiry in .NET ticks, as the SDK requires.
 */
import type { Sender } from "rhea";
import { BrokerError, Conditions } from "../broker/broker-errors.js";
import type { SessionRegistry } from "../broker/session-registry.js";
import { sessionLockLost } from "../broker/session-registry.js";
import { deferAttachReply, dotNetTicksLong, linkAttach } from "./amqp-types.js";
import { connectionKeyOf } from "./connection-key.js";
import type { LinkConsumer } from "./link-consumer.js";

export const SESSION_FILTER = "com.microsoft:session-filter";
const TIMEOUT_PROPERTY = "com.microsoft:timeout";
const LOCKED_UNTIL_PROPERTY = "com.microsoft:locked-until-utc";
const DEFAULT_ACCEPT_TIMEOUT_MS = 60_000;

/** The session a receiver asks for: a session id, `null` for the next available one, undefined for none. */
export function requestedSession(sender: Sender): string | null | undefined {
  const filter = linkAttach(sender).remote?.source?.filter;
  if (!filter || !(SESSION_FILTER in filter)) return undefined;
  const value = filter[SESSION_FILTER];
  return typeof value === "string" ? value : null;
}

export interface SessionAttachOptions {
  readonly sender: Sender;
  readonly consumer: LinkConsumer;
  readonly sessions: SessionRegistry;
  readonly requested: string | null;
  /** Called once the session is locked and the link attached. */
  readonly onAttached: (sessionId: string) => void;
  /** Called when the link is refused. */
  readonly onRefused: (condition: string, description: string) => void;
}

/** Locks a session for a receiver link; returns a function that withdraws a pending next-session request. */
export function attachSessionReceiver(options: SessionAttachOptions): () => void {
  const { sender, consumer, sessions, requested } = options;
  const onLost = (): void => {
    const lost = sessionLockLost(consumer.session?.sessionId ?? "");
    sender.close({ condition: lost.condition, description: lost.description });
  };
  const holder = { id: consumer.id, connectionKey: connectionKeyOf(sender.connection), onLost };
  const complete = (sessionId: string): void => {
    const ends = linkAttach(sender);
    sender.set_source({ ...(ends.remote?.source ?? {}), filter: { [SESSION_FILTER]: sessionId } } as never);
    consumer.holdSession({ sessionId, lockedUntil: () => sessions.lockedUntil(sessionId) });
    ends.local.properties = { ...(ends.local.properties ?? {}), [LOCKED_UNTIL_PROPERTY]: dotNetTicksLong(sessions.lockedUntil(sessionId)) };
    options.onAttached(sessionId);
  };
  if (typeof requested === "string") {
    try {
      sessions.lock(requested, holder);
    } catch (error) {
      const refused = error instanceof BrokerError ? error : undefined;
      options.onRefused(refused?.condition ?? Conditions.sessionCannotBeLocked, refused?.description ?? String(error));
      return () => undefined;
    }
    complete(requested);
    return () => undefined;
  }
  const timeoutProperty = linkAttach(sender).remote?.properties?.[TIMEOUT_PROPERTY];
  const timeoutInMs = typeof timeoutProperty === "number" && timeoutProperty > 0 ? timeoutProperty : DEFAULT_ACCEPT_TIMEOUT_MS;
  const reply = deferAttachReply(sender);
  return sessions.acceptNext(holder, timeoutInMs, (sessionId) => {
    if (sessionId === undefined) {
      // The service answers an unmet long poll with an attach that has no source, then a detach with a timeout.
      linkAttach(sender).local.source = null;
      reply();
      options.onRefused(Conditions.timeout, `No session with available messages appeared within ${timeoutInMs} ms.`);
      return;
    }
    complete(sessionId);
    reply();
  });
}
