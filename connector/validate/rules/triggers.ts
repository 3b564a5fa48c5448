/** Trigger rules: trigger metadata, wording, and the polling protocol's 200/202 responses. */
import { isObject } from "../../schema.js";
import type { JsonSchema } from "../../schema.js";
import { resolveRef, responsesOf } from "../walk.js";
import { operationRule, text } from "./rule.js";
import type { ConnectorRule } from "./rule.js";

export const triggersRule: ConnectorRule = operationRule(
  "triggers",
  "Triggers: x-ms-trigger batch or single with x-ms-trigger-metadata; summary starts with 'When'; description starts 'This operation triggers when'. " +
    "A polling trigger is a GET whose 200 carries the payload (an array for batch) and whose 202 (nothing yet) has no schema; both declare Location and Retry-After.",
  (label, operation, files) => {
    const trigger = operation["x-ms-trigger"];
    if (trigger === undefined) return [];
    const problems: string[] = [];
    if (trigger !== "batch" && trigger !== "single") problems.push(`${label}: x-ms-trigger is ${JSON.stringify(trigger)}`);
    const metadata = operation["x-ms-trigger-metadata"];
    if (!isObject(metadata)) problems.push(`${label}: x-ms-trigger-metadata is missing`);
    if (!text(operation["summary"])?.startsWith("When ")) problems.push(`${label}: trigger summary does not start with "When"`);
    if (!text(operation["description"])?.startsWith("This operation triggers when"))
      problems.push(`${label}: trigger description does not start with "This operation triggers when"`);
    if (isObject(metadata) && metadata["mode"] === "polling") {
      const responses = responsesOf(operation);
      const payload = resolveRef(files.apiDefinition, responses["200"]?.["schema"]);
      if (!payload) problems.push(`${label}: polling trigger has no 200 response with a schema`);
      else if (trigger === "batch" && payload["type"] !== "array") problems.push(`${label}: batch trigger's 200 schema is not an array`);
      const pending = responses["202"];
      if (!pending) problems.push(`${label}: polling trigger has no 202 response for "nothing yet"`);
      else if (pending["schema"] !== undefined) problems.push(`${label}: the 202 response has a schema`);
      for (const status of ["200", "202"]) {
        const headers = isObject(responses[status]?.["headers"]) ? (responses[status]?.["headers"] as JsonSchema) : {};
        for (const header of ["Location", "Retry-After"])
          if (responses[status] && !(header in headers)) problems.push(`${label}: ${status} response does not declare ${header}`);
      }
    }
    return problems;
  },
);
