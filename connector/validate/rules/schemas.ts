/** Response and schema-property rules: one schema per operation, summaries of properties, internal defaults. */
import { operationsOf, parametersOf, propertiesOf, responsesOf, schemaRootsOf } from "../walk.js";
import { MAX_SUMMARY_LENGTH, operationRule, text } from "./rule.js";
import type { ConnectorRule } from "./rule.js";

export const responsesRule: ConnectorRule = operationRule(
  "responses",
  "At least one success response; exactly one response has a schema; the default response has none (DefaultResponseHasSchema).",
  (label, operation) => {
    const responses = responsesOf(operation);
    const problems: string[] = [];
    if (!Object.keys(responses).some((status) => /^2\d\d$/.test(status))) problems.push(`${label}: no success response`);
    if (responses["default"]?.["schema"] !== undefined) problems.push(`${label}: the default response has a schema`);
    const withSchema = Object.entries(responses).filter(([, response]) => response["schema"] !== undefined);
    if (withSchema.length > 1) problems.push(`${label}: ${withSchema.length} responses have a schema (${withSchema.map(([status]) => status).join(", ")})`);
    return problems;
  },
);

export const propertySummaryRule: ConnectorRule = {
  id: "property-summary",
  description: "Every body and output property has an x-ms-summary of at most 80 characters.",
  check: ({ apiDefinition }) =>
    schemaRootsOf(apiDefinition).flatMap(({ where, schema }) =>
      propertiesOf(schema, where).flatMap((property) => {
        const summary = text(property.schema["x-ms-summary"]);
        if (property.schema["$ref"] !== undefined) return [];
        if (!summary) return [`${property.where}: x-ms-summary is missing`];
        return summary.length > MAX_SUMMARY_LENGTH ? [`${property.where}: x-ms-summary is too long`] : [];
      }),
    ),
};

export const internalDefaultRequiredRule: ConnectorRule = {
  id: "internal-default-required",
  description: "An internal parameter or property with a default is required (PropertyMustBeRequired: optional internal fields are ignored).",
  check: ({ apiDefinition }) => {
    const problems: string[] = [];
    for (const { label, operation } of operationsOf(apiDefinition)) {
      for (const parameter of parametersOf(operation)) {
        if (parameter["x-ms-visibility"] === "internal" && parameter["default"] !== undefined && parameter["required"] !== true) {
          problems.push(`${label} parameter ${String(parameter["name"])}: internal with a default but not required`);
        }
      }
    }
    for (const { where, schema } of schemaRootsOf(apiDefinition)) {
      for (const property of propertiesOf(schema, where)) {
        if (property.schema["x-ms-visibility"] === "internal" && property.schema["default"] !== undefined && !property.required) {
          problems.push(`${property.where}: internal with a default but not required`);
        }
      }
    }
    return problems;
  },
};
