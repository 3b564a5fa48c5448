/**
 * The sessions this API instance holds: one SDK session receiver per entity and session id, kept
 * between HTTP calls so that later receives, settlements and session-state calls go through the link
 * that holds the session lock (Service Bus settles session messages only there). A session unused for
 * `idleReleaseInMs` is released, so other receivers (another instance, another flow) can take it.
 * The messages received through a session are kept with it, by lock token, until settled or released.
 */

import type { LockToken } from "../contract/lock-token.js";

/** The parts of an SDK session receiver the registry uses. */
export interface SessionReceiverLike {
  readonly sessionId: string;
  readonly isClosed: boolean;
  close(): Promise<void>;
}

/** A session held by this instance. */
export interface HeldSession<R extends SessionReceiverLike, M> {
  readonly sourceKey: string;
  readonly sessionId: string;
  readonly receiver: R;
  /** Messages received through this session and not yet settled, by lock token. */
  readonly messages: Map<LockToken, M>;
}

interface Entry<R extends SessionReceiverLike, M> extends HeldSession<R, M> {
  lastUsedMs: number;
  busy: number;
  /** Tail of the calls that need the receiver alone (receives), run one after the other. */
  exclusive: Promise<unknown>;
}

/** Options of {@link SessionRegistry}. */
export interface SessionRegistryOptions {
  /** A held session unused this long is released. Default 60 s. */
  idleReleaseInMs?: number;
  /** How often idle sessions are looked for. Default a quarter of the idle time, at most 10 s. */
  sweepIntervalInMs?: number;
  now?: () => number;
  /** Called after a session was released for being idle. */
  onIdleRelease?: (sourceKey: string, sessionId: string) => void;
  /** Called whenever a held session stops being held: released, idle, or found closed (its lock lost). Not on {@link SessionRegistry.close}. */
  onRelease?: (sourceKey: string, sessionId: string) => void;
}

/** The default idle time after which a held session is released. */
export const DEFAULT_SESSION_IDLE_RELEASE_IN_MS = 60_000;

const keyOf = (sourceKey: string, sessionId: string): string => `${sourceKey}\u0000${sessionId}`;

/** Held sessions, keyed by entity (source key) and session id. */
export class SessionRegistry<R extends SessionReceiverLike, M> {
  private readonly sessions = new Map<string, Entry<R, M>>();
  private readonly accepting = new Map<string, Promise<Entry<R, M>>>();
  private readonly idleReleaseInMs: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private readonly onIdleRelease: ((sourceKey: string, sessionId: string) => void) | undefined;
  private readonly onRelease: ((sourceKey: string, sessionId: string) => void) | undefined;
  private closed = false;

  constructor({
    idleReleaseInMs = DEFAULT_SESSION_IDLE_RELEASE_IN_MS,
    sweepIntervalInMs,
    now = Date.now,
    onIdleRelease,
    onRelease,
  }: SessionRegistryOptions = {}) {
    this.idleReleaseInMs = idleReleaseInMs;
    this.now = now;
    this.onIdleRelease = onIdleRelease;
    this.onRelease = onRelease;
    this.timer = setInterval(() => void this.sweep(), sweepIntervalInMs ?? Math.max(250, Math.min(10_000, Math.floor(idleReleaseInMs / 4))));
    this.timer.unref();
  }

  /** Number of held sessions. */
  get size(): number {
    return this.sessions.size;
  }

  /** The held session, if this instance holds it and its receiver is still open (the SDK closes it when the lock is lost). */
  get(sourceKey: string, sessionId: string): HeldSession<R, M> | undefined {
    const key = keyOf(sourceKey, sessionId);
    const entry = this.sessions.get(key);
    if (!entry) return undefined;
    if (entry.receiver.isClosed) {
      this.sessions.delete(key);
      this.onRelease?.(sourceKey, sessionId);
      return undefined;
    }
    entry.lastUsedMs = this.now();
    return entry;
  }

  /**
   * The held session, or a newly accepted one (held from now on). Concurrent calls for the same session
   * share one accept, so this instance never competes with itself for a session lock.
   */
  async acquire(sourceKey: string, sessionId: string, accept: () => Promise<R>): Promise<HeldSession<R, M>> {
    const held = this.get(sourceKey, sessionId);
    if (held) return held;
    const key = keyOf(sourceKey, sessionId);
    const existing = this.accepting.get(key);
    if (existing) return existing;
    const pending = accept().then((receiver) => this.holdEntry(sourceKey, receiver));
    this.accepting.set(key, pending);
    const forget = (): void => {
      this.accepting.delete(key);
    };
    pending.then(forget, forget);
    return pending;
  }

  /** Holds a session accepted elsewhere (the next available session, whose id is known only once accepted). */
  hold(sourceKey: string, receiver: R): HeldSession<R, M> {
    return this.holdEntry(sourceKey, receiver);
  }

  private holdEntry(sourceKey: string, receiver: R): Entry<R, M> {
    if (this.closed) {
      void receiver.close();
      throw new Error("The session registry is closed.");
    }
    const entry: Entry<R, M> = {
      sourceKey,
      sessionId: receiver.sessionId,
      receiver,
      messages: new Map(),
      lastUsedMs: this.now(),
      busy: 0,
      exclusive: Promise.resolve(),
    };
    this.sessions.set(keyOf(sourceKey, receiver.sessionId), entry);
    return entry;
  }

  /**
   * Runs `work` on a held session, keeping it from idle release meanwhile. With `exclusive`, calls run
   * one after the other (the SDK allows one receive at a time per receiver).
   */
  async use<T>(session: HeldSession<R, M>, work: (receiver: R) => Promise<T>, { exclusive = false }: { exclusive?: boolean } = {}): Promise<T> {
    const entry = session as Entry<R, M>;
    entry.busy += 1;
    entry.lastUsedMs = this.now();
    try {
      if (!exclusive) return await work(entry.receiver);
      const run = entry.exclusive.then(() => work(entry.receiver));
      entry.exclusive = run.catch(() => undefined);
      return await run;
    } finally {
      entry.busy -= 1;
      entry.lastUsedMs = this.now();
    }
  }

  /** The held session of `sourceKey` that delivered the message with this lock token. */
  findByLockToken(sourceKey: string, lockToken: LockToken): HeldSession<R, M> | undefined {
    for (const entry of this.sessions.values()) {
      if (entry.sourceKey === sourceKey && entry.messages.has(lockToken)) return this.get(sourceKey, entry.sessionId);
    }
    return undefined;
  }

  /** Releases a held session (closes its receiver); resolves to whether it was held. */
  async release(sourceKey: string, sessionId: string): Promise<boolean> {
    const key = keyOf(sourceKey, sessionId);
    const entry = this.sessions.get(key);
    if (!entry) return false;
    this.sessions.delete(key);
    await entry.receiver.close().catch(() => undefined);
    this.onRelease?.(sourceKey, entry.sessionId);
    return true;
  }

  /** Releases sessions idle for the idle time; resolves to how many. */
  async sweep(): Promise<number> {
    const now = this.now();
    const idle = [...this.sessions.values()].filter((entry) => entry.receiver.isClosed || (entry.busy === 0 && entry.lastUsedMs + this.idleReleaseInMs <= now));
    await Promise.allSettled(
      idle.map(async (entry) => {
        const wasOpen = !entry.receiver.isClosed;
        await this.release(entry.sourceKey, entry.sessionId);
        if (wasOpen) this.onIdleRelease?.(entry.sourceKey, entry.sessionId);
      }),
    );
    return idle.length;
  }

  /** Releases every held session now (each one's release is reported), and goes on holding sessions taken later. */
  async releaseAll(): Promise<void> {
    await Promise.allSettled([...this.sessions.values()].map((entry) => this.release(entry.sourceKey, entry.sessionId)));
  }

  /** Stops the idle sweep and releases every held session. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const entries = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled([...this.accepting.values()]);
    await Promise.allSettled(entries.map((entry) => entry.receiver.close()));
  }
}
