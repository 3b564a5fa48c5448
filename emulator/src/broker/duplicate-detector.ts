/**
 * Duplicate detection for one queue or topic: a message id seen within the history window is a duplicate.
 * The window counts from the first time an id was seen; ids are remembered in insertion (time) order, so
 * pruning walks from the oldest.
 */
export class DuplicateDetector {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowInMs: number,
    private readonly persist: (messageId: string, seenAtMs: number) => void,
  ) {}

  /** Records an id seen before a restart (ignored when already outside the window). */
  restore(messageId: string, seenAtMs: number): void {
    this.seen.set(messageId, seenAtMs);
  }

  /** True when the id was seen within the window; otherwise remembers it (and persists it) and returns false. */
  isDuplicate(messageId: string, now: number): boolean {
    this.prune(now);
    const seenAtMs = this.seen.get(messageId);
    if (seenAtMs !== undefined && now - seenAtMs < this.windowInMs) return true;
    this.seen.delete(messageId);
    this.seen.set(messageId, now);
    this.persist(messageId, now);
    return false;
  }

  private prune(now: number): void {
    for (const [messageId, seenAtMs] of this.seen) {
      if (now - seenAtMs < this.windowInMs) break;
      this.seen.delete(messageId);
    }
  }
}
