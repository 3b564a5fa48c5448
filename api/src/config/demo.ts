/** The demo setup used when no Service Bus is configured: entities for the embedded emulator and a generated key. */
import { randomBytes } from "node:crypto";
import type { ExposedEntities } from "./exposed-entities.js";

/**
 * Demo entities: queue `orders`; session queue `order-updates` (one session per order, in order); session
 * queue `cases` (one session per case id, for ordered CaseSync events); topic `order-events` with `billing`
 * (OrderSubmitted events only), `analytics` and `support` (everything), whose subscriptions are all exposed,
 * so subscriptions created through the API can be used at once.
 */
export const DEMO_ENTITIES: ExposedEntities = {
  queues: ["orders", "order-updates", "cases"],
  topics: [{ name: "order-events", subscriptions: ["billing", "analytics", "support"], allSubscriptions: true }],
};

/** The demo entities in the emulator's Config.json format. */
export function demoEmulatorConfigJson(): unknown {
  return {
    UserConfig: {
      Namespaces: [
        {
          Name: "sbemulatorns",
          Queues: [
            { Name: "orders", Properties: { MaxDeliveryCount: 5, RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: "PT10M" } },
            { Name: "order-updates", Properties: { RequiresSession: true, MaxDeliveryCount: 5 } },
            { Name: "cases", Properties: { RequiresSession: true, MaxDeliveryCount: 5, RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: "PT10M" } },
          ],
          Topics: [
            {
              Name: "order-events",
              Properties: { RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: "PT10M" },
              Subscriptions: [
                {
                  Name: "billing",
                  Rules: [{ Name: "order-submitted", Properties: { FilterType: "Correlation", CorrelationFilter: { Properties: { eventType: "OrderSubmitted" } } } }],
                },
                { Name: "analytics" },
                { Name: "support" },
              ],
            },
          ],
        },
      ],
    },
  };
}

/** A new random API key (256 bits, base64url). */
export function generateApiKey(): string {
  return randomBytes(32).toString("base64url");
}
