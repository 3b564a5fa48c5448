/**
 * Subscription rules: a filter (SQL or correlation) and an optional SQL action, compiled once. Rules without
 * an action together select at most one copy of a message; each matching rule with an action makes a copy
 * of its own carrying `RuleName` (Service Bus "Topic filters and actions").
 */
import type { RuleConfig, RuleFilterConfig } from "../config/emulator-config.js";
import type { MessageView } from "../filters/sql-filter.js";
import { SqlFilterSyntaxError, compileSqlFilter, compileSqlRuleAction } from "../filters/sql-filter.js";
import { BrokerError, Conditions } from "./broker-errors.js";

export const DEFAULT_RULE_NAME = "$Default";

export interface CompiledRule {
  readonly config: RuleConfig;
  readonly matches: (view: MessageView) => boolean;
  readonly action: ((view: MessageView) => void) | undefined;
}

/**
 * A subscription's rules as Service Bus lists them (enumerate-rules, the management API): by name, compared
 * case-insensitively ($Default, correlationRule, sqlRule), whatever order they were added in.
 */
export function rulesByName(rules: ReadonlyMap<string, CompiledRule>): CompiledRule[] {
  return [...rules.entries()]
    .sort(([a, ruleA], [b, ruleB]) => compareOrdinal(a, b) || compareOrdinal(ruleA.config.name, ruleB.config.name))
    .map(([, rule]) => rule);
}

function compareOrdinal(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** The rule every subscription starts with: a true filter, no action. */
export function defaultRuleConfig(): RuleConfig {
  return { name: DEFAULT_RULE_NAME, filter: { type: "sql", sqlExpression: "1=1" }, action: undefined };
}

const CORRELATION_SYSTEM_FIELDS = [
  ["correlationId", "CorrelationId"],
  ["messageId", "MessageId"],
  ["to", "To"],
  ["replyTo", "ReplyTo"],
  ["subject", "Label"],
  ["sessionId", "SessionId"],
  ["replyToSessionId", "ReplyToSessionId"],
  ["contentType", "ContentType"],
] as const;

function sameValue(actual: unknown, expected: unknown): boolean {
  if (actual instanceof Date && expected instanceof Date) return actual.getTime() === expected.getTime();
  return actual === expected;
}

function compileCorrelationFilter(filter: Extract<RuleFilterConfig, { type: "correlation" }>): (view: MessageView) => boolean {
  const system = CORRELATION_SYSTEM_FIELDS.filter(([field]) => filter[field] !== undefined);
  const user = Object.entries(filter.applicationProperties);
  return (view) =>
    system.every(([field, name]) => view.system[name] === filter[field]) &&
    user.every(([key, expected]) => key in view.user && sameValue(view.user[key], expected));
}

function syntaxError(rule: string, part: "filter" | "action", error: unknown): BrokerError {
  const detail = error instanceof Error ? error.message : String(error);
  return new BrokerError(Conditions.argumentError, `The SQL ${part} of rule '${rule}' is invalid: ${detail}`, 400);
}

/**
 * Compiles a rule.
 * @throws BrokerError (argument error, naming the position) when its SQL does not parse.
 */
export function compileRule(config: RuleConfig): CompiledRule {
  let matches: (view: MessageView) => boolean;
  if (config.filter.type === "correlation") {
    matches = compileCorrelationFilter(config.filter);
  } else {
    try {
      matches = compileSqlFilter(config.filter.sqlExpression);
    } catch (error) {
      if (error instanceof SqlFilterSyntaxError) throw syntaxError(config.name, "filter", error);
      throw error;
    }
  }
  let action: ((view: MessageView) => void) | undefined;
  if (config.action) {
    try {
      action = compileSqlRuleAction(config.action.sqlExpression);
    } catch (error) {
      if (error instanceof SqlFilterSyntaxError) throw syntaxError(config.name, "action", error);
      throw error;
    }
  }
  const safeMatches = (view: MessageView): boolean => {
    try {
      return matches(view);
    } catch {
      // A filter that fails at run time (e.g. division by zero) does not select the message.
      return false;
    }
  };
  return { config, matches: safeMatches, action };
}

/** A copy a subscription takes of a message: the view to encode, and the rule that made it (when it had an action). */
export interface SelectedCopy {
  readonly view: MessageView | undefined;
  readonly ruleName: string | undefined;
}

function cloneView(view: MessageView): MessageView {
  return { system: { ...view.system }, user: { ...view.user } };
}

/** The copies a subscription's rules select for one message (none, one, or one per matching action rule). */
export function selectCopies(rules: Iterable<CompiledRule>, view: MessageView): SelectedCopy[] {
  const copies: SelectedCopy[] = [];
  let plainMatch = false;
  for (const rule of rules) {
    if (!rule.matches(view)) continue;
    if (!rule.action) {
      plainMatch = true;
      continue;
    }
    const changed = cloneView(view);
    try {
      rule.action(changed);
    } catch {
      continue;
    }
    changed.user.RuleName = rule.config.name;
    copies.push({ view: changed, ruleName: rule.config.name });
  }
  if (plainMatch) copies.unshift({ view: undefined, ruleName: undefined });
  return copies;
}
