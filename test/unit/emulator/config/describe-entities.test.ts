import { describe, expect, it } from "vitest";
import { demoEmulatorConfig, describeEntities, parseEmulatorConfig } from "../../../../emulator/src/index.js";

describe("describeEntities", () => {
  it("describes the demo entities in one line, from their one definition", () => {
    expect(describeEntities(demoEmulatorConfig())).toBe(
      "queue orders (duplicate detection); queue order-updates (sessions); queue cases (sessions, duplicate detection); queue bridge-control (sessions); " +
        "topic order-events (duplicate detection) with subscriptions billing (eventType = OrderSubmitted), analytics (all), support (all)",
    );
  });

  it("describes SQL and correlation filters, session subscriptions, topics without subscriptions and an empty namespace", () => {
    const config = parseEmulatorConfig({
      UserConfig: {
        Namespaces: [
          {
            Name: "ns",
            Topics: [
              {
                Name: "t",
                Subscriptions: [
                  {
                    Name: "big",
                    Properties: { RequiresSession: true },
                    Rules: [{ Name: "r", Properties: { FilterType: "Sql", SqlFilter: { SqlExpression: "amount > 100" } } }],
                  },
                  {
                    Name: "labelled",
                    Rules: [{ Name: "c", Properties: { FilterType: "Correlation", CorrelationFilter: { Label: "x", Properties: { tier: "vip" } } } }],
                  },
                ],
              },
              { Name: "empty" },
            ],
          },
        ],
      },
    });
    expect(describeEntities(config)).toBe(
      "topic t with subscriptions big (amount > 100, sessions), labelled (subject = x AND tier = vip); topic empty with no subscriptions",
    );
    expect(describeEntities(parseEmulatorConfig({ UserConfig: { Namespaces: [{ Name: "ns" }] } }))).toBe("(none)");
  });
});
