/**
 * The demo entities, defined once: the embedded emulator of `npm start` creates them, the API exposes them
 * (with the demo configuration) and its start banner describes them, all from this one definition.
 *
 * Queue `orders` (duplicate detection); session queue `order-updates` (one session per order, in order);
 * session queue `cases` (one session per case id, for ordered CaseSync events); topic `order-events` with
 * subscriptions `billing` (OrderSubmitted events only), `analytics` and `support` (everything); and the API's
 * control queue `bridge-control` (session-enabled), which the API uses and does not expose.
 */
import { parseEmulatorConfig } from "./emulator-config.js";
import type { EmulatorConfig } from "./emulator-config.js";

/** The session-enabled queue of the API's own traffic between its instances (the API's default control queue). */
export const CONTROL_QUEUE_NAME = "bridge-control";

/** The demo entities in the official emulator's Config.json format. */
export const DEMO_CONFIG_JSON = {
  UserConfig: {
    Namespaces: [
      {
        Name: "sbemulatorns",
        Queues: [
          { Name: "orders", Properties: { MaxDeliveryCount: 5, RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: "PT10M" } },
          { Name: "order-updates", Properties: { RequiresSession: true, MaxDeliveryCount: 5 } },
          {
            Name: "cases",
            Properties: { RequiresSession: true, MaxDeliveryCount: 5, RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: "PT10M" },
          },
          // The API's own traffic: instances route session calls to the one holding the session through it. Not exposed.
          { Name: CONTROL_QUEUE_NAME, Properties: { RequiresSession: true, LockDuration: "PT30S", DefaultMessageTimeToLive: "PT5M" } },
        ],
        Topics: [
          {
            Name: "order-events",
            Properties: { RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: "PT10M" },
            Subscriptions: [
              {
                Name: "billing",
                Rules: [
                  { Name: "order-submitted", Properties: { FilterType: "Correlation", CorrelationFilter: { Properties: { eventType: "OrderSubmitted" } } } },
                ],
              },
              { Name: "analytics" },
              { Name: "support" },
            ],
          },
        ],
      },
    ],
  },
} as const;

/** The demo entities, parsed. */
export function demoEmulatorConfig(): EmulatorConfig {
  return parseEmulatorConfig(DEMO_CONFIG_JSON, "demo configuration");
}
