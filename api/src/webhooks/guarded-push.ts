/**
 * The callback side of webhooks, put together: a callback URL is checked by the guard when a flow subscribes and
 * again before deliveries (its name may resolve elsewhere since), and each push connects only to the addresses
 * the check found.
 */
import type { ReceivedMessageJson } from "../contract/schemas/message.js";
import { postToCallback } from "./callback-client.js";
import { checkCallbackUrl } from "./callback-guard.js";
import type { CallbackPolicy, CheckedCallback } from "./callback-guard.js";
import type { PushResult } from "./delivery-worker.js";
import type { PushToCallback } from "./webhook-dispatcher.js";
import type { CheckCallbackUrl } from "./webhook-subscriptions.js";

/** Options of {@link guardedPush}. */
export interface GuardedPushOptions {
  /** How long one push may take to get the callback's answer. Default 60 s. */
  timeoutInMs?: number;
  /** How long a check of a URL is reused before the URL is checked (and its name resolved) again. Default 60 s. */
  recheckAfterInMs?: number;
}

/** The check a subscribe runs: the refusal's sentence (which never shows the URL), or undefined. */
export function callbackUrlCheck(policy: CallbackPolicy): CheckCallbackUrl {
  return async (url) => {
    const check = await checkCallbackUrl(url, policy);
    return check.ok ? undefined : check.detail;
  };
}

/** Pushes messages to callback URLs through the guard and the pinned client. */
export function guardedPush(policy: CallbackPolicy, options: GuardedPushOptions = {}): PushToCallback {
  const timeoutInMs = options.timeoutInMs ?? 60_000;
  const recheckAfterInMs = options.recheckAfterInMs ?? 60_000;
  const checked = new Map<string, { target: CheckedCallback; at: number }>();
  return async (url: string, message: ReceivedMessageJson, signal: AbortSignal): Promise<PushResult> => {
    let entry = checked.get(url);
    if (!entry || Date.now() - entry.at > recheckAfterInMs) {
      const check = await checkCallbackUrl(url, policy);
      if (!check.ok) {
        checked.delete(url);
        // A name that does not resolve may resolve later; anything else will not change by retrying soon.
        return { outcome: check.reason === "unresolvable" ? "retry" : "failed", reason: check.detail };
      }
      entry = { target: check.target, at: Date.now() };
      checked.set(url, entry);
    }
    const result = await postToCallback(entry.target, message, { timeoutInMs, signal });
    return {
      outcome: result.outcome,
      ...(result.status === undefined ? {} : { status: result.status }),
      ...(result.retryAfterInMs === undefined ? {} : { retryAfterInMs: result.retryAfterInMs }),
      reason: result.status === undefined ? (result.failure ?? "no answer") : `the callback answered ${result.status}`,
    };
  };
}
