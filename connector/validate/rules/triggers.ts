/** Trigger rules: wording, and a polling trigger's metadata and 200/202 responses (webhook triggers: webhooks.ts). */
import { isObject } from "../../schema.js";
import type { JsonSchema } from "../../schema.js";
import { operationsOf, resolveRef, responsesOf, triggerKindOf } from "../walk.js";
import { text } from "./rule.js";
import type { ConnectorRule } from "./rule.js";

export const triggersRule: ConnectorRule = {
  id: "triggers",
  description:
    "Triggers: x-ms-trigger batch or single; summary starts with 'When'; description starts 'This operation triggers when'. " +
    "A polling trigger (a GET) has x-ms-trigger-metadata polling, a 200 that carries the payload (an array for batch) and a 202 (nothing yet) without a schema; both declare Location and Retry-After.",
  check: ({ apiDefinition }) =>
    operationsOf(apiDefinition).flatMap((entry) => {
      const kind = triggerKindOf(entry);
      if (kind === undefined) return [];
      const { label, operation } = entry;
      const trigger = operation["x-ms-trigger"];
      const problems: string[] = [];
      if (trigger !== "batch" && trigger !== "single") problems.push(`${label}: x-ms-trigger is ${JSON.stringify(trigger)}`);
      if (!text(operation["summary"])?.startsWith("When ")) problems.push(`${label}: trigger summary does not start with "When"`);
      if (!text(operation["description"])?.startsWith("This operation triggers when"))
        problems.push(`${label}: trigger description does not start with "This operation triggers when"`);
      if (kind === "polling") problems.push(...pollingViolations(label, operation, apiDefinition, trigger));
      return problems;
    }),
};

/** A polling trigger's metadata and its 200 (fires) and 202 (nothing yet) responses. */
function pollingViolations(label: string, operation: JsonSchema, document: JsonSchema, trigger: unknown): string[] {
  const problems: string[] = [];
  const metadata = operation["x-ms-trigger-metadata"];
  if (!isObject(metadata)) problems.push(`${label}: x-ms-trigger-metadata is missing`);
  else if (metadata["mode"] !== "polling") problems.push(`${label}: x-ms-trigger-metadata mode is ${JSON.stringify(metadata["mode"])}, not "polling"`);
  const responses = responsesOf(operation);
  const payload = resolveRef(document, responses["200"]?.["schema"]);
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
  return problems;
}
