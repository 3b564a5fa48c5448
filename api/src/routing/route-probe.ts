/**
 * Whether some API instance serves a route session: tells "another instance holds this data session"
 * (forward the call) from "a receiver outside the API holds it" (answer SessionCannotBeLocked, as one
 * instance would).
 */
import type { ServiceBusClient, ServiceBusSessionReceiver } from "@azure/service-bus";
import { ProblemError } from "../problems/problem-error.js";
import { serviceBusCodeOf } from "../servicebus/service-bus-errors.js";
import { DEFAULT_CONTROL_QUEUE } from "./control-queue.js";

/** How long a probe waits for Service Bus by default. */
export const DEFAULT_PROBE_WAIT_IN_MS = 2_000;

/** Options of {@link isRouteHeld}. */
export interface RouteProbeOptions {
  queueName?: string;
  /** Longest wait for Service Bus's answer. Default 2 s. */
  probeWaitInMs?: number;
}

/**
 * Tries to accept the route session: refused as locked means someone serves it (true); accepted means nobody
 * does (false), and it is released at once. The session is held only for that moment, so a holder accepting it
 * right then retries (RouteServer does).
 * @throws ProblemError ServiceTimeout when Service Bus does not answer within `probeWaitInMs`; the Service Bus
 *   error for other failures (a missing control queue).
 */
export async function isRouteHeld(client: Pick<ServiceBusClient, "acceptSession">, routeSessionId: string, options: RouteProbeOptions = {}): Promise<boolean> {
  const queueName = options.queueName ?? DEFAULT_CONTROL_QUEUE;
  const probeWaitInMs = options.probeWaitInMs ?? DEFAULT_PROBE_WAIT_IN_MS;
  // Receive nothing: no credit is given on a link that is closed straight away, and the lock is not renewed.
  const accepting = client.acceptSession(queueName, routeSessionId, { receiveMode: "peekLock", maxAutoLockRenewalDurationInMs: 0 });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), probeWaitInMs);
  });
  try {
    const outcome = await Promise.race([accepting.then((receiver): ServiceBusSessionReceiver => receiver), timedOut]);
    if (outcome === "timeout") {
      // A late accept is released as soon as it arrives.
      accepting
        .then(
          (late) => late.close(),
          () => undefined,
        )
        .catch(() => undefined);
      throw new ProblemError("ServiceTimeout");
    }
    await outcome.close();
    return false;
  } catch (error) {
    if (serviceBusCodeOf(error) === "SessionCannotBeLocked") return true;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
