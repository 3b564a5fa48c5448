import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isServiceBusError, ServiceBusAdministrationClient } from "@azure/service-bus";
import type { RuleProperties, ServiceBusClient } from "@azure/service-bus";
import { parseEmulatorConfig } from "../../../emulator/src/config/emulator-config.js";
import { startEmulatorWithClient } from "../../helpers/emulator-fixture.js";
import type { Emulator } from "../../../emulator/src/create-emulator.js";

const config = parseEmulatorConfig({
  UserConfig: {
    Namespaces: [{ Name: "sbemulatorns", Queues: [], Topics: [{ Name: "events", Subscriptions: [{ Name: "Orders" }] }] }],
  },
});

describe("emulator: the rule manager lists rules by name and names a duplicate rule as Service Bus does", () => {
  let client: ServiceBusClient;
  let emulator: Emulator;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ client, emulator, close } = await startEmulatorWithClient({ config, adminPort: 0 }));
  });
  afterEach(async () => close());

  const admin = (): ServiceBusAdministrationClient => {
    if (!emulator.admin) throw new Error("no admin server");
    return new ServiceBusAdministrationClient(emulator.admin.connectionString, { tlsOptions: { ca: emulator.admin.certificate } } as never);
  };

  it("lists $Default, correlationRule and sqlRule in name order, whatever the order they were added in, also page by page", async () => {
    const rules = client.createRuleManager("events", "Orders");
    await rules.createRule("sqlRule", { sqlExpression: "price > 10" });
    await rules.createRule("Zeta", { sqlExpression: "1=1" });
    await rules.createRule("correlationRule", { subject: "red" });
    await rules.createRule("alpha", { sqlExpression: "1=1" });
    const expected = ["$Default", "alpha", "correlationRule", "sqlRule", "Zeta"];

    const listed: string[] = [];
    for await (const rule of rules.listRules()) listed.push(rule.name);
    expect(listed).toEqual(expected);

    const paged: string[] = [];
    for await (const page of rules.listRules().byPage({ maxPageSize: 1 })) paged.push(...page.map((rule: RuleProperties) => rule.name));
    expect(paged).toEqual(expected);

    const atom: string[] = [];
    for await (const rule of admin().listRules("events", "Orders")) atom.push(rule.name);
    expect(atom).toEqual(expected);
  });

  it("refuses a rule whose name exists with MessagingEntityAlreadyExists naming the rule's path", async () => {
    const rules = client.createRuleManager("events", "Orders");
    await rules.createRule("ruleName", { subject: "yellow" });
    const error = await rules.createRule("RULENAME", { subject: "red" }).catch((caught: unknown) => caught);
    expect(isServiceBusError(error) && error.code).toBe("MessagingEntityAlreadyExists");
    expect((error as Error).message).toMatch(/^The messaging entity 'sbemulatorns:Topic:events\|orders\|RULENAME' already exists\./);
  });
});
