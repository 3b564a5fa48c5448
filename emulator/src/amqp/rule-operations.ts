/**
 * The rule operations of a subscription's `$management` node (add-rule, remove-rule, enumerate-rules),
 * used by the SDK's `ServiceBusRuleManager`. Rule descriptions travel as described AMQP lists.
 */
import rhea from "rhea";
import type { Typed } from "rhea";
import type { RuleConfig, RuleFilterConfig } from "../config/emulator-config.js";
import { BrokerError, Conditions } from "../broker/broker-errors.js";
import type { NamespaceBroker, SubscriptionEntity } from "../broker/namespace-broker.js";
import { rulesByName } from "../broker/subscription-rules.js";

const { types } = rhea;

const DESCRIPTOR = {
  ruleDescription: 0x0000013700000004,
  sqlFilter: 0x0000001370000006,
  trueFilter: 0x0000001370000007,
  falseFilter: 0x0000001370000008,
  correlationFilter: 0x0000001370000009,
  emptyAction: 0x0000013700000005,
  sqlAction: 0x0000013700000006,
} as const;

const CORRELATION_FIELDS = [
  ["correlation-id", "correlationId"],
  ["message-id", "messageId"],
  ["to", "to"],
  ["reply-to", "replyTo"],
  ["label", "subject"],
  ["session-id", "sessionId"],
  ["reply-to-session-id", "replyToSessionId"],
  ["content-type", "contentType"],
] as const;

type Body = Record<string, unknown>;

function argument(description: string): BrokerError {
  return new BrokerError(Conditions.argumentError, description, 400);
}

function asMap(value: unknown): Body | undefined {
  return value && typeof value === "object" && !Buffer.isBuffer(value) && !Array.isArray(value) ? (value as Body) : undefined;
}

/** Reads the `rule-description` map of an add-rule request into a rule config. */
export function ruleFromRequest(body: Body): RuleConfig {
  const name = body["rule-name"];
  if (typeof name !== "string" || name.length === 0 || name.length > 50) throw argument("'rule-name' must be a name of 1 to 50 characters.");
  const description = asMap(body["rule-description"]);
  if (!description) throw argument("The request needs 'rule-description'.");
  let filter: RuleFilterConfig;
  const sql = asMap(description["sql-filter"]);
  const correlation = asMap(description["correlation-filter"]);
  if (sql) {
    if (typeof sql.expression !== "string" || sql.expression.trim() === "") throw argument("'sql-filter' needs a non-empty 'expression'.");
    filter = { type: "sql", sqlExpression: sql.expression };
  } else if (correlation) {
    const properties = asMap(correlation.properties) ?? {};
    filter = { type: "correlation", applicationProperties: properties as Record<string, string | number | boolean> };
    for (const [wire, field] of CORRELATION_FIELDS) {
      const value = correlation[wire];
      if (typeof value === "string") filter[field] = value;
    }
  } else {
    throw argument("'rule-description' needs a 'sql-filter' or a 'correlation-filter'.");
  }
  const action = asMap(description["sql-rule-action"]);
  const actionExpression = typeof action?.expression === "string" && action.expression.trim() !== "" ? action.expression : undefined;
  return { name, filter, action: actionExpression ? { sqlExpression: actionExpression } : undefined };
}

function described(code: number, items: unknown[]): Typed {
  return types.described(types.wrap_ulong(code), types.wrap_list(items)) as Typed;
}

function encodeFilter(filter: RuleFilterConfig): Typed {
  if (filter.type === "sql") {
    const expression = filter.sqlExpression.replace(/\s+/g, "");
    if (expression === "1=1") return described(DESCRIPTOR.trueFilter, []);
    if (expression === "1=0") return described(DESCRIPTOR.falseFilter, []);
    return described(DESCRIPTOR.sqlFilter, [filter.sqlExpression]);
  }
  return described(DESCRIPTOR.correlationFilter, [...CORRELATION_FIELDS.map(([, field]) => filter[field] ?? null), filter.applicationProperties]);
}

/** A rule as enumerate-rules returns it: described(rule-description, [filter, action, name]). */
export function encodeRuleDescription(rule: RuleConfig): Typed {
  const action = rule.action ? described(DESCRIPTOR.sqlAction, [rule.action.sqlExpression]) : described(DESCRIPTOR.emptyAction, []);
  return described(DESCRIPTOR.ruleDescription, [encodeFilter(rule.filter), action, rule.name]);
}

/** The subscription a management address names. @throws BrokerError when it names something else. */
export function subscriptionOf(broker: NamespaceBroker, address: string): SubscriptionEntity {
  const { entity } = broker.resolve(address);
  if (entity.kind !== "subscription") {
    throw new BrokerError(Conditions.notAllowed, `Rules belong to subscriptions; '${address}' is a ${entity.kind}.`, 400);
  }
  return entity;
}

/** Enumerates rules with skip/top paging. */
export function enumerateRules(subscription: SubscriptionEntity, body: Body): Typed[] {
  const skip = Math.max(0, Number(body.skip ?? 0) || 0);
  const top = Math.max(0, Number(body.top ?? 2 ** 31 - 1) || 0);
  return rulesByName(subscription.rules)
    .slice(skip, skip + top)
    .map((rule) => encodeRuleDescription(rule.config));
}
