/**
 * The sessions of one session-enabled queue or subscription: exclusive session locks with expiry and renewal,
 * session state, and handing out the next available session. Message locks of a session receiver live and
 * die with its session lock (MessageQueue.extendHolderLocks / releaseHolderLocks).
 */
import { BrokerError, Conditions } from "./broker-errors.js";
import type { MessageQueue } from "./message-queue.js";
import type { BrokerClock } from "./timers.js";
import { runAt } from "./timers.js";

/** A receiver link that takes a session lock. */
export interface SessionHolder {
  /** The consumer id of the link (its message locks carry it). */
  readonly id: string;
  /** The connection the link belongs to: management requests on that connection may act for the session. */
  readonly connectionKey: string;
  /** Runs if the lock expires. */
  readonly onLost: () => void;
}

interface SessionRecord {
  readonly sessionId: string;
  state: Buffer | undefined;
  holder: SessionHolder | undefined;
  lockedUntilMs: number;
  cancelTimer: () => void;
}

export interface SessionRegistryOptions {
  readonly lockDurationInMs: number;
  readonly clock: BrokerClock;
  readonly queue: MessageQueue;
  readonly saveState: (sessionId: string, state: Buffer | undefined) => void;
}

export function sessionLockLost(sessionId: string): BrokerError {
  return new BrokerError(
    Conditions.sessionLockLost,
    `The session lock has expired on the MessageSession '${sessionId}', or the session is not locked by this receiver. Accept the session again.`,
    410,
  );
}

export function sessionCannotBeLocked(sessionId: string): BrokerError {
  return new BrokerError(
    Conditions.sessionCannotBeLocked,
    `The requested session '${sessionId}' cannot be accepted. It may be locked by another receiver.`,
    409,
  );
}

interface SessionWaiter {
  readonly holder: SessionHolder;
  readonly done: (sessionId: string | undefined) => void;
  cancelTimer: () => void;
}

export class SessionRegistry {
  private readonly sessions = new Map<string, SessionRecord>();
  private waiters: SessionWaiter[] = [];

  constructor(private options: SessionRegistryOptions) {}

  /** Applies a changed lock duration to locks taken or renewed from now on. */
  setLockDuration(lockDurationInMs: number): void {
    this.options = { ...this.options, lockDurationInMs };
  }

  /** Puts back the state of a session loaded from the store. */
  restoreState(sessionId: string, state: Buffer): void {
    this.record(sessionId).state = state;
  }

  /**
   * Locks a session for a receiver.
   * @returns the locked-until time.
   * @throws BrokerError SessionCannotBeLocked when another receiver holds it.
   */
  lock(sessionId: string, holder: SessionHolder): number {
    const record = this.record(sessionId);
    if (this.isHeld(record) && record.holder?.id !== holder.id) throw sessionCannotBeLocked(sessionId);
    record.holder = holder;
    this.arm(record);
    return record.lockedUntilMs;
  }

  /**
   * Locks the next session with available messages for a receiver, waiting up to `timeoutInMs` for one to
   * appear (the SDK's acceptNextSession long poll). `done` gets the session id, or undefined on timeout.
   * @returns a function that withdraws the request (the receiver went away).
   */
  acceptNext(holder: SessionHolder, timeoutInMs: number, done: (sessionId: string | undefined) => void): () => void {
    const sessionId = this.nextAvailableSession();
    if (sessionId !== undefined) {
      this.lock(sessionId, holder);
      done(sessionId);
      return () => undefined;
    }
    const waiter: SessionWaiter = { holder, done, cancelTimer: () => undefined };
    waiter.cancelTimer = runAt(this.options.clock, this.options.clock.now() + timeoutInMs, () => {
      this.waiters = this.waiters.filter((each) => each !== waiter);
      done(undefined);
    });
    this.waiters.push(waiter);
    return () => {
      waiter.cancelTimer();
      this.waiters = this.waiters.filter((each) => each !== waiter);
    };
  }

  /** A message of `sessionId` became available: hand the session to a waiting receiver if it is free. */
  messageAvailable(sessionId: string): void {
    if (sessionId === "" || this.waiters.length === 0) return;
    const record = this.sessions.get(sessionId);
    if (record && this.isHeld(record)) return;
    const waiter = this.waiters.shift() as SessionWaiter;
    waiter.cancelTimer();
    this.lock(sessionId, waiter.holder);
    waiter.done(sessionId);
  }

  /** The oldest session with available messages that nobody holds, or undefined. */
  nextAvailableSession(): string | undefined {
    return this.options.queue.sessionsWithAvailableMessages().find((sessionId) => {
      const record = this.sessions.get(sessionId);
      return !record || !this.isHeld(record);
    });
  }

  /**
   * Extends a session lock held through the connection `connectionKey` by the lock duration.
   * @throws BrokerError SessionLockLost when the session is not locked through that connection.
   */
  renew(sessionId: string, connectionKey: string): number {
    const record = this.heldThrough(sessionId, connectionKey);
    this.arm(record);
    this.options.queue.extendHolderLocks((record.holder as SessionHolder).id, record.lockedUntilMs);
    return record.lockedUntilMs;
  }

  /** Releases a session lock (the receiver closed); its locked messages become available again. */
  release(sessionId: string, holderId: string): void {
    const record = this.sessions.get(sessionId);
    if (!record || record.holder?.id !== holderId) return;
    this.unlock(record);
  }

  /** When the session's lock ends (0 when it is not held). */
  lockedUntil(sessionId: string): number {
    return this.sessions.get(sessionId)?.lockedUntilMs ?? 0;
  }

  /**
   * Throws SessionLockLost unless a receiver link of the connection `connectionKey` holds the session's lock:
   * as in Service Bus, only the holder acts for a session through the management node.
   */
  assertHeldThrough(sessionId: string, connectionKey: string): void {
    this.heldThrough(sessionId, connectionKey);
  }

  getState(sessionId: string, connectionKey: string): Buffer | undefined {
    return this.heldThrough(sessionId, connectionKey).state;
  }

  setState(sessionId: string, connectionKey: string, state: Buffer | undefined): void {
    this.heldThrough(sessionId, connectionKey).state = state;
    this.options.saveState(sessionId, state);
  }

  /** Sessions with messages or state, for get-message-sessions. */
  sessionIds(): string[] {
    const ids = new Set(this.options.queue.sessionsWithAvailableMessages());
    for (const record of this.sessions.values()) if (record.state !== undefined) ids.add(record.sessionId);
    return [...ids];
  }

  /** Cancels every session timer. */
  close(): void {
    for (const record of this.sessions.values()) record.cancelTimer();
    for (const waiter of this.waiters) waiter.cancelTimer();
    this.waiters = [];
  }

  private record(sessionId: string): SessionRecord {
    let record = this.sessions.get(sessionId);
    if (!record) {
      record = { sessionId, state: undefined, holder: undefined, lockedUntilMs: 0, cancelTimer: () => undefined };
      this.sessions.set(sessionId, record);
    }
    return record;
  }

  private isHeld(record: SessionRecord): boolean {
    return record.holder !== undefined && record.lockedUntilMs > this.options.clock.now();
  }

  private heldThrough(sessionId: string, connectionKey: string): SessionRecord {
    const record = this.sessions.get(sessionId);
    if (!record || !this.isHeld(record) || record.holder?.connectionKey !== connectionKey) throw sessionLockLost(sessionId);
    return record;
  }

  private arm(record: SessionRecord): void {
    record.cancelTimer();
    record.lockedUntilMs = this.options.clock.now() + this.options.lockDurationInMs;
    record.cancelTimer = runAt(this.options.clock, record.lockedUntilMs, () => {
      const onLost = record.holder?.onLost;
      this.unlock(record);
      onLost?.();
    });
  }

  private unlock(record: SessionRecord): void {
    const holderId = record.holder?.id;
    record.cancelTimer();
    record.holder = undefined;
    record.lockedUntilMs = 0;
    if (holderId !== undefined) this.options.queue.releaseHolderLocks(holderId);
    if (this.options.queue.sessionsWithAvailableMessages().includes(record.sessionId)) this.messageAvailable(record.sessionId);
  }
}
