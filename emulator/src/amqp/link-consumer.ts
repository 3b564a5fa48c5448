/**
 * A client's receiver link as a consumer of a queue: it turns the link's credit into deliveries (16-byte
 * lock-token tags, broker annotations) and the client's dispositions into settlements.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Delivery, Sender } from "rhea";
import type { BrokerMessage } from "../broker/broker-message.js";
import type { MessageConsumer, MessageQueue, ReceiveMode, Settlement } from "../broker/message-queue.js";
import { lockTokenToDeliveryTag, bytesToUuid } from "./lock-token.js";
import { encodeStoredMessage } from "./message-codec.js";

const DEAD_LETTER_CONDITION = "com.microsoft:dead-letter";

interface SenderInternals {
  credit: number;
  delivery_count: number;
  _draining: boolean;
  _drained: boolean;
  _get_drain: () => boolean;
  set_drained(drained: boolean): void;
}

interface RemoteOutcome {
  error?: { condition?: string; description?: string; info?: Record<string, unknown> };
  undeliverable_here?: boolean;
  message_annotations?: Record<string, unknown>;
}

function withoutUndefined(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}

/**
 * Maps the AMQP outcome the SDK sends to the Service Bus settlement it means: accepted completes, released
 * abandons, modified with `undeliverable-here` defers and without abandons (with its annotations merged), rejected
 * dead-letters (its error info carrying the reason and description).
 */
export function settlementOfOutcome(kind: "accepted" | "rejected" | "modified" | "released", state: RemoteOutcome | undefined): Settlement {
  switch (kind) {
    case "accepted":
      return { kind: "complete" };
    case "released":
      return { kind: "abandon" };
    case "modified": {
      const propertiesToModify = state?.message_annotations ?? undefined;
      return state?.undeliverable_here ? { kind: "defer", propertiesToModify } : { kind: "abandon", propertiesToModify };
    }
    case "rejected": {
      const info = { ...(state?.error?.info ?? {}) };
      const reason = typeof info.DeadLetterReason === "string" ? info.DeadLetterReason : undefined;
      const description = typeof info.DeadLetterErrorDescription === "string" ? info.DeadLetterErrorDescription : undefined;
      delete info.DeadLetterReason;
      delete info.DeadLetterErrorDescription;
      if (state?.error?.condition !== undefined && state.error.condition !== DEAD_LETTER_CONDITION) {
        return { kind: "deadLetter", reason: state.error.condition, description: state.error.description, propertiesToModify: info };
      }
      return { kind: "deadLetter", reason, description, propertiesToModify: withoutUndefined(info) };
    }
  }
}

/** The lock token a delivery tag stands for (the tag is in .NET GUID byte order; the reorder is its own inverse). */
export function lockTokenOfTag(tag: Buffer): string {
  return bytesToUuid(lockTokenToDeliveryTag(bytesToUuid(tag)));
}

/** The session a session receiver holds, with its current lock expiry. */
export interface ConsumerSession {
  readonly sessionId: string;
  readonly lockedUntil: () => number;
}

interface DeliveryInternals {
  settled: boolean;
  remote_settled: boolean;
}

interface SessionInternals {
  outgoing: { available(): number };
}

/**
 * Marks a delivery settled on both ends, so that rhea drops it from the session's delivery buffer (2048
 * entries). Peek-lock receivers use rcv-settle-mode "second": once the emulator settles, the client settles
 * without another frame, so rhea would otherwise keep every delivery forever and overflow.
 */
export function forgetDelivery(delivery: Delivery): void {
  const internals = delivery as unknown as DeliveryInternals;
  internals.settled = true;
  internals.remote_settled = true;
}

/** Below this much free room in the session's delivery buffer, deliveries with ended locks are dropped. */
const LOW_BUFFER_ROOM = 512;

/** Service Bus stops delivering to a peek-lock receiver link that has this many unsettled deliveries. */
export const MAX_UNSETTLED_DELIVERIES = 2047;

export class LinkConsumer implements MessageConsumer {
  readonly id = randomUUID();
  private sent = 0;
  /** Unsettled peek-lock deliveries by lock token. */
  private readonly deliveries = new Map<string, Delivery>();
  /**
   * Deliveries whose lock ended without the client settling them (expiry, settlement through another link),
   * oldest first. They stay known so that a late settlement still gets its MessageLockLost answer, until the
   * session's delivery buffer runs low on room.
   */
  private readonly ended = new Map<string, Delivery>();
  /** Lock tokens whose settlement this link is answering itself (its disposition must still go out). */
  private readonly settling = new Set<string>();
  private heldSession: ConsumerSession | undefined;

  /** The session this receiver holds (session receivers, once locked), with the lock's current expiry. */
  get session(): { sessionId: string; lockedUntilMs: number } | undefined {
    const held = this.heldSession;
    return held ? { sessionId: held.sessionId, lockedUntilMs: held.lockedUntil() } : undefined;
  }

  holdSession(session: ConsumerSession): void {
    this.heldSession = session;
  }

  constructor(
    readonly sender: Sender,
    readonly queue: MessageQueue,
    readonly receiveMode: ReceiveMode,
  ) {
    const internals = sender as unknown as SenderInternals;
    // rhea answers a drain only while credit is left. When deliveries used the last credit the SDK still waits
    // for the drain reply, so answer every drain: hand back what credit remains, even none.
    internals._get_drain = function drainReply(this: SenderInternals): boolean {
      if (!this._draining || !this._drained) return false;
      this.delivery_count += this.credit;
      this.credit = 0;
      this._drained = false;
      return true;
    };
  }

  /**
   * Credit left for new deliveries. rhea counts a transfer only when it writes it, so the credit is
   * computed from the limit the peer granted (credit + rhea's delivery count) minus what was handed over.
   */
  get credit(): number {
    const internals = this.sender as unknown as SenderInternals;
    if (!this.sender.is_open()) return 0;
    // Never more than the session's delivery buffer can still hold.
    const room = this.bufferRoom();
    if (room < LOW_BUFFER_ROOM) this.forgetEndedDeliveries();
    const unsettledRoom = this.receiveMode === "peekLock" ? MAX_UNSETTLED_DELIVERIES - this.deliveries.size - this.ended.size : room;
    return Math.max(0, Math.min(room, unsettledRoom, internals.credit + internals.delivery_count - this.sent));
  }

  private bufferRoom(): number {
    return (this.sender.session as unknown as SessionInternals).outgoing.available();
  }

  /** Lets rhea drop deliveries whose lock already ended, oldest first, to make room in the buffer. */
  private forgetEndedDeliveries(): void {
    for (const [lockToken, delivery] of this.ended) {
      this.ended.delete(lockToken);
      forgetDelivery(delivery);
    }
  }

  /** The client settles this delivery on this link: the lock-ended notice must not pre-empt the reply. */
  beginSettlement(lockToken: string): void {
    this.settling.add(lockToken);
  }

  /** The reply to the client's settlement went out (or failed): forget the delivery. */
  endSettlement(lockToken: string, delivery: Delivery): void {
    this.settling.delete(lockToken);
    this.deliveries.delete(lockToken);
    this.ended.delete(lockToken);
    forgetDelivery(delivery);
  }

  lockEnded(lockToken: string): void {
    if (this.settling.has(lockToken)) return;
    const delivery = this.deliveries.get(lockToken);
    if (!delivery) return;
    this.deliveries.delete(lockToken);
    this.ended.set(lockToken, delivery);
  }

  deliver(message: BrokerMessage): void {
    const tag = message.lock ? lockTokenToDeliveryTag(message.lock.token) : randomBytes(16);
    const payload = encodeStoredMessage(message, { lockedUntilMs: message.lock?.lockedUntilMs });
    const delivery = this.sender.send(payload, tag, 0);
    if (message.lock) this.deliveries.set(message.lock.token, delivery);
    this.sent += 1;
  }

  /** Credit arrived: take messages, and when the client drains, answer once nothing more is available. */
  onFlow(): void {
    this.queue.creditAdded(this);
    const internals = this.sender as unknown as SenderInternals;
    if (internals._draining) {
      this.sent = internals.credit + internals.delivery_count;
      internals.set_drained(true);
    }
  }
}
