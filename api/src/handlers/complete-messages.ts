/** CompleteMessages: many lock tokens settled in one request, each with its own outcome. */
import type { LockToken } from "../contract/lock-token.js";
import type { ApiLogger } from "../logger.js";
import type { ProblemCode } from "../problems/codes.js";
import { isRetryableStatus, problemOf } from "../http/problem-of-error.js";

/** A lock token that could not be completed, with the problem the single-token operation gives for it. */
export interface FailedLockToken {
  lockToken: string;
  code: ProblemCode;
  status: number;
  /** Safe to show to callers. */
  detail: string;
}

/** The response body of CompleteMessages. */
export interface CompleteMessagesResult {
  completedLockTokens: string[];
  failed: FailedLockToken[];
}

/**
 * Completes every token concurrently with `complete` (the single-token settlement) and reports each
 * outcome, in request order; a token failing never stops the others. When every token failed with the
 * same problem and Power Automate retries that problem's status (429, 5xx: Service Bus busy or
 * unreachable), that failure is thrown instead, so the request fails as a whole and is retried.
 */
export async function completeLockTokens(
  lockTokens: readonly LockToken[],
  complete: (lockToken: LockToken) => Promise<void>,
  log: ApiLogger,
): Promise<CompleteMessagesResult> {
  const outcomes = await Promise.allSettled(lockTokens.map((lockToken) => complete(lockToken)));
  const completedLockTokens: string[] = [];
  const failed: FailedLockToken[] = [];
  const errors: unknown[] = [];
  outcomes.forEach((outcome, index) => {
    const lockToken = lockTokens[index] as LockToken;
    if (outcome.status === "fulfilled") {
      completedLockTokens.push(lockToken);
      return;
    }
    errors.push(outcome.reason);
    const { code, status, detail } = problemOf(outcome.reason).problem;
    failed.push({ lockToken, code, status, detail });
  });
  const [first] = failed;
  if (first && completedLockTokens.length === 0 && isRetryableStatus(first.status) && failed.every((entry) => entry.code === first.code)) {
    // The error middleware renders (and logs) it exactly as the single-token operation would.
    throw errors[0];
  }
  if (failed.length > 0) logFailures(log, failed, errors, completedLockTokens.length);
  return { completedLockTokens, failed };
}

/** One line for the request (counts per code), plus the cause of each internal error, which callers never see. */
function logFailures(log: ApiLogger, failed: readonly FailedLockToken[], errors: readonly unknown[], completed: number): void {
  const codes: Partial<Record<ProblemCode, number>> = {};
  for (const entry of failed) codes[entry.code] = (codes[entry.code] ?? 0) + 1;
  const level = failed.some((entry) => isRetryableStatus(entry.status)) ? "warn" : "info";
  log[level]({ completed, failed: failed.length, codes }, "some lock tokens were not completed");
  failed.forEach((entry, index) => {
    if (entry.code === "InternalError") log.error({ err: errors[index], code: entry.code }, "completing a lock token failed");
  });
}
