/** Gauges of what this instance holds: message locks and sessions, read from the messaging port at each export. */
import type { Meter } from "@opentelemetry/api";
import type { MessagingPort } from "../servicebus/messaging-port.js";

/** Registers `bridge.locks.held` and `bridge.sessions.held` on the meter. */
export function registerHeldGauges(meter: Meter, messaging: Pick<MessagingPort, "heldCounts">): void {
  const locks = meter.createObservableGauge("bridge.locks.held", { description: "Message locks this instance holds (peek-locked, not settled)" });
  const sessions = meter.createObservableGauge("bridge.sessions.held", { description: "Sessions this instance holds" });
  meter.addBatchObservableCallback(
    (result) => {
      const held = messaging.heldCounts();
      result.observe(locks, held.locks);
      result.observe(sessions, held.sessions);
    },
    [locks, sessions],
  );
}
