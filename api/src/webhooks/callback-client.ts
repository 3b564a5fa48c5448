/**
 * Delivers one JSON body to a checked callback: connects only to the addresses the guard resolved (no second
 * resolution, so no DNS rebinding), keeps the host name for TLS (server name and certificate check) and the
 * `Host` header, follows no redirect, reads at most a few KB of the answer, and says what the dispatcher should
 * do next. It logs nothing: the URL carries the flow's signature.
 */
import { type Agent as HttpAgent, type IncomingMessage, request as httpRequest } from "node:http";
import { type Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { type LookupFunction, isIP } from "node:net";
import type { CheckedCallback } from "./callback-guard.js";
import { parseRetryAfter } from "./retry-after.js";

/** What the dispatcher does with the message after a callback attempt. */
export type CallbackOutcome =
  /** 2xx: the flow has the message; complete it. */
  | "delivered"
  /** 408, 429, 5xx, time-out, connection error, cancelled: abandon it and try again later. */
  | "retry"
  /** 404 or 410: the flow is gone; stop delivering to this subscription and leave the messages in the entity. */
  | "gone"
  /** Any other answer (other 4xx, a 3xx redirect): this message will not be accepted as it is. */
  | "failed";

/** The result of {@link postToCallback}. */
export interface CallbackResult {
  readonly outcome: CallbackOutcome;
  /** The callback's HTTP status, when it answered. */
  readonly status?: number;
  /** The delay the callback asked for in `Retry-After`, with `retry`. */
  readonly retryAfterInMs?: number;
  /** Why there is no status. */
  readonly failure?: "timeout" | "connection" | "aborted";
}

/** Options of {@link postToCallback}. */
export interface PostToCallbackOptions {
  /** Time allowed for connecting, sending and receiving the answer's status and headers. */
  readonly timeoutInMs: number;
  /** Cancels the attempt (its result is then `retry`, failure `aborted`). */
  readonly signal?: AbortSignal;
  /** Bytes of the answer's body read (and discarded) before the connection is closed; default 4 KiB. */
  readonly maxResponseBytes?: number;
  /**
   * The agent that makes the connections (keep-alive, or trusted certificate authorities); default a fresh
   * connection per attempt. A pooled connection was itself opened to a checked address.
   */
  readonly agent?: HttpAgent | HttpsAgent;
  /** The clock for `Retry-After` dates; default `Date.now`. */
  readonly now?: () => number;
}

const DEFAULT_MAX_RESPONSE_BYTES = 4096;
const USER_AGENT = "service-bus-bridge-webhooks";

/** The outcome an HTTP status means. */
export function outcomeOfStatus(status: number): CallbackOutcome {
  if (status >= 200 && status < 300) return "delivered";
  if (status === 404 || status === 410) return "gone";
  if (status === 408 || status === 429 || (status >= 500 && status < 600)) return "retry";
  return "failed";
}

/**
 * A `lookup` that answers the checked addresses for the checked host, and fails for any other name, so the
 * socket connects where the guard looked and nowhere else.
 */
function pinnedLookup(target: CheckedCallback): LookupFunction {
  return (hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 6 ? target.addresses.filter((a) => a.family === options.family) : target.addresses;
    const first = wanted[0];
    if (hostname !== target.hostname || first === undefined) {
      const error = Object.assign(new Error("The callback connection may only go to the checked addresses."), { code: "ENOTFOUND" });
      callback(error, "", 0);
      return;
    }
    if (options.all === true) {
      callback(
        null,
        wanted.map(({ address, family }) => ({ address, family })),
      );
      return;
    }
    callback(null, first.address, first.family);
  };
}

function resultOfResponse(response: IncomingMessage, nowInMs: number): CallbackResult {
  const status = response.statusCode ?? 0;
  const outcome = outcomeOfStatus(status);
  if (outcome !== "retry") return { outcome, status };
  const header = response.headers["retry-after"];
  const retryAfterInMs = parseRetryAfter(Array.isArray(header) ? header[0] : header, nowInMs);
  return retryAfterInMs === undefined ? { outcome, status } : { outcome, status, retryAfterInMs };
}

/**
 * POSTs `body` as JSON to a checked callback and classifies the answer. Never rejects for a network or HTTP
 * failure: those are results.
 * @throws TypeError when `body` cannot be written as JSON (a bigint, a cycle).
 */
export async function postToCallback(target: CheckedCallback, body: unknown, options: PostToCallbackOptions): Promise<CallbackResult> {
  const payload = Buffer.from(JSON.stringify(body), "utf8");
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const now = options.now ?? Date.now;
  if (options.signal?.aborted) return { outcome: "retry", failure: "aborted" };

  return new Promise<CallbackResult>((resolve) => {
    let settled = false;
    const finish = (result: CallbackResult) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      path: target.path,
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", "content-length": payload.length, "user-agent": USER_AGENT },
      lookup: pinnedLookup(target),
      agent: options.agent ?? false,
      ...(target.protocol === "https:" && isIP(target.hostname) === 0 ? { servername: target.hostname } : {}),
    });
    // One deadline for the whole attempt; after the status is known it only bounds reading the body.
    const timer = setTimeout(() => {
      finish({ outcome: "retry", failure: "timeout" });
      request.destroy();
    }, options.timeoutInMs);
    const onAbort = () => {
      finish({ outcome: "retry", failure: "aborted" });
      request.destroy();
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });

    request.on("error", () => {
      clearTimeout(timer);
      finish({ outcome: "retry", failure: "connection" });
    });
    request.on("response", (response) => {
      finish(resultOfResponse(response, now()));
      let read = 0;
      response.on("data", (chunk: Buffer) => {
        read += chunk.length;
        if (read > maxResponseBytes) response.destroy();
      });
      response.on("error", () => {});
      response.on("close", () => clearTimeout(timer));
    });
    request.end(payload);
  });
}
