/** Parameter rules: summaries, visibility, path encoding, body parameters and headers the platform sends itself. */
import { operationsOf, parametersOf } from "../walk.js";
import { MAX_SUMMARY_LENGTH, VISIBILITIES, operationRule, text } from "./rule.js";
import type { ConnectorRule } from "./rule.js";

/** Headers Power Automate and Logic Apps add to every connector call themselves. */
const PLATFORM_HEADER = /^x-ms-(workflow-|client-tracking-id$|tracking-id$)/i;

export const parameterSummaryRule: ConnectorRule = operationRule(
  "parameter-summary",
  "Every parameter has an x-ms-summary of at most 80 characters and a description.",
  (label, operation) =>
    parametersOf(operation).flatMap((parameter) => {
      const summary = text(parameter["x-ms-summary"]);
      const problems: string[] = [];
      if (!summary) problems.push(`${label} parameter ${String(parameter["name"])}: x-ms-summary is missing`);
      else if (summary.length > MAX_SUMMARY_LENGTH) problems.push(`${label} parameter ${String(parameter["name"])}: x-ms-summary is too long`);
      if (!text(parameter["description"])) problems.push(`${label} parameter ${String(parameter["name"])}: description is missing`);
      return problems;
    }),
);

export const parameterVisibilityRule: ConnectorRule = operationRule(
  "parameter-visibility",
  "Parameter x-ms-visibility, when present, is important, advanced or internal.",
  (label, operation) =>
    parametersOf(operation)
      .filter((parameter) => parameter["x-ms-visibility"] !== undefined && !VISIBILITIES.has(String(parameter["x-ms-visibility"])))
      .map((parameter) => `${label} parameter ${String(parameter["name"])}: x-ms-visibility is ${JSON.stringify(parameter["x-ms-visibility"])}`),
);

export const pathParametersRule: ConnectorRule = operationRule(
  "path-parameters",
  "Path parameters are required (PathParameterMustBeRequired) with x-ms-url-encoding (PathParameterMissingEncoding); query parameters have none (QueryParameterEncodingNotSupported).",
  (label, operation) =>
    parametersOf(operation).flatMap((parameter) => {
      const name = `${label} parameter ${String(parameter["name"])}`;
      const encoding = parameter["x-ms-url-encoding"];
      if (parameter["in"] === "path") {
        const problems: string[] = [];
        if (parameter["required"] !== true) problems.push(`${name}: path parameter is not required`);
        if (encoding !== "single" && encoding !== "double") problems.push(`${name}: path parameter has no x-ms-url-encoding`);
        return problems;
      }
      return encoding === undefined ? [] : [`${name}: x-ms-url-encoding on a ${String(parameter["in"])} parameter`];
    }),
);

export const bodyParametersRule: ConnectorRule = {
  id: "body-parameters",
  description: "At most one body parameter, none on GET (BodyOrFormDataParameterInFetchOperationNotAllowed), and no parameter named connectionId.",
  check: ({ apiDefinition }) =>
    operationsOf(apiDefinition).flatMap(({ label, method, operation }) => {
      const parameters = parametersOf(operation);
      const bodies = parameters.filter((parameter) => parameter["in"] === "body" || parameter["in"] === "formData");
      const problems: string[] = [];
      if (bodies.length > 1) problems.push(`${label}: ${bodies.length} body parameters`);
      if (bodies.length > 0 && method === "get") problems.push(`${label}: a GET takes a body`);
      for (const parameter of parameters) if (parameter["name"] === "connectionId") problems.push(`${label}: a parameter is named connectionId`);
      return problems;
    }),
};

export const platformHeadersRule: ConnectorRule = {
  id: "platform-headers",
  description:
    "No parameter asks a maker for a header Power Automate adds to every call itself (x-ms-workflow-*, x-ms-client-tracking-id, x-ms-tracking-id): such parameters are excluded from the connector.",
  check: ({ apiDefinition }) =>
    operationsOf(apiDefinition).flatMap(({ label, operation }) =>
      parametersOf(operation)
        .filter((parameter) => parameter["in"] === "header" && PLATFORM_HEADER.test(String(parameter["name"])))
        .map((parameter) => `${label} parameter ${String(parameter["name"])}: the platform sends this header itself`),
    ),
};
