/**
 * The in-process lock registry: lock token -> the received message object (which knows its link),
 * kept until the message is settled or its lock expires. Settling through the object sends the
 * disposition on the link that delivered the message; a token not found here is settled through
 * the management node instead (see {@link rehydrateLockedMessage}).
 */

import type { LockToken } from "../contract/lock-token.js";

/** A held lock. */
interface HeldLock<T> {
  message: T;
  sourceKey: string;
  expiresAtMs: number;
}

/** Options of {@link LockRegistry}. */
export interface LockRegistryOptions {
  /** Kept this long past the lock's expiry, to absorb clock skew with Service Bus. */
  graceInMs?: number;
  /** How often expired entries are dropped. */
  sweepIntervalInMs?: number;
  now?: () => number;
}

/** Maps lock tokens to received messages, per source entity, with expiry cleanup. */
export class LockRegistry<T> {
  private readonly locks = new Map<LockToken, HeldLock<T>>();
  private readonly graceInMs: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;

  constructor({ graceInMs = 5_000, sweepIntervalInMs = 10_000, now = Date.now }: LockRegistryOptions = {}) {
    this.graceInMs = graceInMs;
    this.now = now;
    this.timer = setInterval(() => this.sweep(), sweepIntervalInMs);
    this.timer.unref();
  }

  /** Number of held locks. */
  get size(): number {
    return this.locks.size;
  }

  /** Remembers a locked message until `lockedUntil` (plus the grace period). */
  add(sourceKey: string, lockToken: LockToken, message: T, lockedUntil: Date | undefined): void {
    const expiresAtMs = (lockedUntil?.getTime() ?? this.now() + 60_000) + this.graceInMs;
    this.locks.set(lockToken, { message, sourceKey, expiresAtMs });
  }

  /** The message of a token received from this source, if held and not expired. */
  get(sourceKey: string, lockToken: LockToken): T | undefined {
    const held = this.locks.get(lockToken);
    if (!held || held.sourceKey !== sourceKey) return undefined;
    if (held.expiresAtMs <= this.now()) {
      this.locks.delete(lockToken);
      return undefined;
    }
    return held.message;
  }

  /** Records a renewed lock. */
  renewed(lockToken: LockToken, lockedUntil: Date): void {
    const held = this.locks.get(lockToken);
    if (held) held.expiresAtMs = lockedUntil.getTime() + this.graceInMs;
  }

  /** Forgets a token (settled or lost). */
  remove(lockToken: LockToken): void {
    this.locks.delete(lockToken);
  }

  /** Drops expired entries; returns how many. */
  sweep(): number {
    const now = this.now();
    let dropped = 0;
    for (const [token, held] of this.locks) {
      if (held.expiresAtMs <= now) {
        this.locks.delete(token);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** Stops the sweep timer and forgets every lock. */
  close(): void {
    clearInterval(this.timer);
    this.locks.clear();
  }
}
