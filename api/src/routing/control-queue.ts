/** Defaults shared by both ends of the control queue. */
import type { ApiLogger } from "../logger.js";

/** The session-enabled queue that carries the API's own traffic, unless configured otherwise. */
export const DEFAULT_CONTROL_QUEUE = "bridge-control";

/** How long a forwarded call waits for its answer, unless the call says otherwise. */
export const DEFAULT_CALL_DEADLINE_IN_MS = 5_000;

/** Waits between attempts to accept a control session another receiver briefly holds. */
export const DEFAULT_ACCEPT_RETRY_DELAYS_IN_MS: readonly number[] = [50, 100, 200, 500, 1_000];

/** How often a kept control session's receiver is checked for having been closed under us. */
export const DEFAULT_LIVENESS_CHECK_INTERVAL_IN_MS = 1_000;

/** Longest wait for Service Bus to confirm that a control session was released. */
export const DEFAULT_CLOSE_WAIT_IN_MS = 5_000;

/** Options both ends take. */
export interface ControlQueueOptions {
  /** The control queue; `bridge-control` by default. */
  queueName?: string;
  /** Epoch milliseconds now; `Date.now` by default. */
  now?: () => number;
  logger?: ApiLogger;
  /** Waits between attempts to accept a control session another receiver holds. */
  acceptRetryDelaysInMs?: readonly number[];
  /** How often a kept control session is checked for having been lost. */
  livenessCheckIntervalInMs?: number;
  /** Longest wait for a release to be confirmed on close. */
  closeWaitInMs?: number;
}
