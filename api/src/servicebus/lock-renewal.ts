/**
 * How long the SDK renews a lock the API keeps for as long as it holds it: ten years, meaning "for ever".
 * Not Number.MAX_SAFE_INTEGER nor Infinity: the SDK adds the value to Date.now() and compares dates, and past
 * the largest Date it never renews, so the lock would be lost after the entity's lock duration.
 */
export const KEEP_RENEWING_FOR_IN_MS = 10 * 365 * 24 * 60 * 60 * 1000;
