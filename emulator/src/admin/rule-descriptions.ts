/**
 * `RuleDescription` (and a subscription's `DefaultRuleDescription`): filters `SqlFilter`, `CorrelationFilter`,
 * `TrueFilter`, `FalseFilter`; actions `SqlRuleAction`, `EmptyRuleAction`; correlation properties as
 * `KeyValueOfstringanyType` pairs typed by `i:type`. SQL text is checked with the emulator's own SQL parser so
 * that an invalid expression is refused with 400, as the service does.
 */
import type { RuleConfig, RuleFilterConfig } from "../config/emulator-config.js";
import { compileSqlFilter, compileSqlRuleAction, MAX_SQL_EXPRESSION_LENGTH, SqlFilterSyntaxError } from "../filters/sql-filter.js";
import { AdminError } from "./admin-errors.js";
import { formatTimestamp } from "./description-values.js";
import { SERVICE_BUS_NAMESPACE, XML_SCHEMA_INSTANCE_NAMESPACE } from "./entity-descriptions.js";
import { localName, xmlAttribute, xmlChild, xmlChildren, xmlChildText, xmlTextOf } from "./xml-reader.js";
import { xmlElement, xmlText } from "./xml-writer.js";

type CorrelationFilterConfig = Extract<RuleFilterConfig, { type: "correlation" }>;
type CorrelationField = Exclude<keyof CorrelationFilterConfig, "type" | "applicationProperties">;

/** Correlation filter elements and the config fields they map to (`Label` is the SDK's `subject`). */
const CORRELATION_FIELDS: readonly (readonly [string, CorrelationField])[] = [
  ["CorrelationId", "correlationId"],
  ["MessageId", "messageId"],
  ["To", "to"],
  ["ReplyTo", "replyTo"],
  ["Label", "subject"],
  ["SessionId", "sessionId"],
  ["ReplyToSessionId", "replyToSessionId"],
  ["ContentType", "contentType"],
];

const TRUE_EXPRESSION = "1=1";
const FALSE_EXPRESSION = "1=0";
const XML_SCHEMA_NAMESPACE = "http://www.w3.org/2001/XMLSchema";
const INT32_RANGE = [-2_147_483_648, 2_147_483_647] as const;

/**
 * Reads a `RuleDescription` (or `DefaultRuleDescription`) element. A missing filter is the true filter and a
 * missing action is no action, as for the SDK's `createRule` defaults.
 *
 * @param name - The rule's name (from the URL; a default rule's comes from its `Name` element).
 * @throws AdminError 400 for invalid SQL, an empty correlation filter, SQL parameters or unsupported value types.
 */
export function readRuleDescription(description: unknown, name: string): RuleConfig {
  const filterElement = xmlChild(description, "Filter");
  const actionElement = xmlChild(description, "Action");
  return {
    name,
    filter: filterElement === undefined ? { type: "sql", sqlExpression: TRUE_EXPRESSION } : readFilter(filterElement),
    action: actionElement === undefined ? undefined : readAction(actionElement),
  };
}

/** Writes the `RuleDescription` element of `rule`. */
export function writeRuleDescription(rule: RuleConfig, createdAt: Date): string {
  return xmlElement(
    "RuleDescription",
    { xmlns: SERVICE_BUS_NAMESPACE, "xmlns:i": XML_SCHEMA_INSTANCE_NAMESPACE },
    writeFilter(rule.filter),
    writeAction(rule.action),
    xmlText("CreatedAt", formatTimestamp(createdAt)),
    xmlText("Name", rule.name),
  );
}

function readFilter(filter: unknown): RuleFilterConfig {
  const type = typeName(filter) ?? (xmlChild(filter, "SqlExpression") === undefined ? "CorrelationFilter" : "SqlFilter");
  switch (type) {
    case "TrueFilter":
      return { type: "sql", sqlExpression: TRUE_EXPRESSION };
    case "FalseFilter":
      return { type: "sql", sqlExpression: FALSE_EXPRESSION };
    case "SqlFilter":
      return { type: "sql", sqlExpression: readSqlExpression(filter, "Filter", compileSqlFilter) };
    case "CorrelationFilter":
      return readCorrelationFilter(filter);
    default:
      throw AdminError.invalid(`Filter: the type ${JSON.stringify(type)} is not one of SqlFilter, CorrelationFilter, TrueFilter, FalseFilter.`);
  }
}

function readAction(action: unknown): RuleConfig["action"] {
  const type = typeName(action) ?? (xmlChild(action, "SqlExpression") === undefined ? "EmptyRuleAction" : "SqlRuleAction");
  switch (type) {
    case "EmptyRuleAction":
      return undefined;
    case "SqlRuleAction":
      return { sqlExpression: readSqlExpression(action, "Action", compileSqlRuleAction) };
    default:
      throw AdminError.invalid(`Action: the type ${JSON.stringify(type)} is not one of SqlRuleAction, EmptyRuleAction.`);
  }
}

/** The `i:type` of an element without its prefix (`p4:SqlFilter` -> `SqlFilter`), if any. */
function typeName(element: unknown): string | undefined {
  const type = xmlAttribute(element, "type");
  return type === undefined ? undefined : localName(type);
}

function readSqlExpression(element: unknown, where: "Filter" | "Action", compile: (expression: string) => unknown): string {
  if (xmlChildren(xmlChild(element, "Parameters"), "KeyValueOfstringanyType").length > 0) {
    throw AdminError.invalid(`${where}: SQL parameters are not supported by the emulator; write the values into the expression.`);
  }
  const expression = xmlChildText(element, "SqlExpression") ?? "";
  if (expression.trim() === "") throw AdminError.invalid(`${where}: SqlExpression must not be empty.`);
  if (expression.length > MAX_SQL_EXPRESSION_LENGTH) {
    throw AdminError.invalid(`${where}: SqlExpression must be at most ${MAX_SQL_EXPRESSION_LENGTH} characters long, got ${expression.length}.`);
  }
  try {
    compile(expression);
  } catch (error) {
    if (error instanceof SqlFilterSyntaxError) throw AdminError.invalid(`${where}: the SQL expression is invalid: ${error.message}`);
    throw error;
  }
  return expression;
}

function readCorrelationFilter(filter: unknown): CorrelationFilterConfig {
  const result: CorrelationFilterConfig = { type: "correlation", applicationProperties: {} };
  for (const [element, field] of CORRELATION_FIELDS) {
    const text = xmlChildText(filter, element);
    if (text !== undefined && text !== "") result[field] = text; // "" means "not set", as in Config.json.
  }
  for (const pair of xmlChildren(xmlChild(filter, "Properties"), "KeyValueOfstringanyType")) {
    const key = xmlChildText(pair, "Key");
    if (key === undefined || key === "") throw AdminError.invalid("Filter: correlation property names must not be empty.");
    result.applicationProperties[key] = readPropertyValue(xmlChild(pair, "Value"), key);
  }
  const hasField = CORRELATION_FIELDS.some(([, field]) => result[field] !== undefined);
  if (!hasField && Object.keys(result.applicationProperties).length === 0) {
    throw AdminError.invalid("Filter: a correlation filter must set at least one property or application property.");
  }
  return result;
}

/** Reads a typed `Value` (`i:type="l28:string"`, `int`, `long`, `double`, `boolean`, ...). */
function readPropertyValue(value: unknown, key: string): string | number | boolean {
  const text = xmlTextOf(value) ?? "";
  const type = localName(xmlAttribute(value, "type") ?? "string");
  switch (type) {
    case "string":
      return text;
    case "boolean":
      if (text !== "true" && text !== "false") break;
      return text === "true";
    case "int":
    case "long":
    case "short":
    case "double":
    case "float":
    case "decimal": {
      const number = Number(text);
      if (text.trim() === "" || !Number.isFinite(number)) break;
      return number;
    }
    default:
      throw AdminError.invalid(
        `Filter: the correlation property ${JSON.stringify(key)} has the type ${JSON.stringify(type)}; the emulator supports string, number and boolean values.`,
      );
  }
  throw AdminError.invalid(`Filter: the correlation property ${JSON.stringify(key)} has the value ${JSON.stringify(text)}, which is not a valid ${type}.`);
}

function writeFilter(filter: RuleFilterConfig): string {
  if (filter.type === "sql") {
    const type = filter.sqlExpression === TRUE_EXPRESSION ? "TrueFilter" : filter.sqlExpression === FALSE_EXPRESSION ? "FalseFilter" : "SqlFilter";
    return xmlElement("Filter", { "i:type": type }, xmlText("SqlExpression", filter.sqlExpression), xmlText("CompatibilityLevel", 20));
  }
  const properties = Object.entries(filter.applicationProperties);
  return xmlElement(
    "Filter",
    { "i:type": "CorrelationFilter" },
    ...CORRELATION_FIELDS.map(([element, field]) => xmlText(element, filter[field])),
    properties.length === 0 ? undefined : xmlElement("Properties", {}, ...properties.map(([key, value]) => writeProperty(key, value))),
  );
}

function writeAction(action: RuleConfig["action"]): string {
  if (action === undefined) return xmlElement("Action", { "i:type": "EmptyRuleAction" });
  return xmlElement("Action", { "i:type": "SqlRuleAction" }, xmlText("SqlExpression", action.sqlExpression), xmlText("CompatibilityLevel", 20));
}

/**
 * A typed pair as the service writes it. The SDK reads the type as `i:type` minus its first five characters,
 * so the prefix must be four characters long (`d6p1:`), and it knows only int, double, string, boolean, dateTime.
 */
function writeProperty(key: string, value: string | number | boolean): string {
  const type = typeof value === "string" ? "string" : typeof value === "boolean" ? "boolean" : isInt32(value) ? "int" : "double";
  return xmlElement(
    "KeyValueOfstringanyType",
    {},
    xmlText("Key", key),
    xmlText("Value", String(value), { "i:type": `d6p1:${type}`, "xmlns:d6p1": XML_SCHEMA_NAMESPACE }),
  );
}

function isInt32(value: number): boolean {
  return Number.isInteger(value) && value >= INT32_RANGE[0] && value <= INT32_RANGE[1];
}
