/** Operation rules: ids, summaries, descriptions and visibility. */
import { operationsOf } from "../walk.js";
import { MAX_SUMMARY_LENGTH, VISIBILITIES, operationRule, text } from "./rule.js";
import type { ConnectorRule } from "./rule.js";

/** Capitalized words a sentence-case summary may contain after its first word. */
const PROPER_WORDS = new Set(["Service", "Bus", "Azure", "Microsoft", "Entra", "ID", "JSON", "UTC", "URL", "API"]);

/** Violations of the summary string rules, for `what`. */
export function summaryViolations(what: string, summary: unknown): string[] {
  const value = text(summary);
  if (!value) return [`${what}: summary is missing`];
  const problems: string[] = [];
  if (value.length > MAX_SUMMARY_LENGTH) problems.push(`${what}: summary is ${value.length} characters (at most ${MAX_SUMMARY_LENGTH})`);
  if (!/^[A-Za-z0-9 ()]+$/.test(value)) problems.push(`${what}: summary "${value}" has characters other than letters, digits, spaces and parentheses`);
  if (!/[A-Za-z0-9)]$/.test(value)) problems.push(`${what}: summary "${value}" ends with a non-alphanumeric character`);
  const [first, ...rest] = value.split(" ");
  if (!first || !/^[A-Z]/.test(first)) problems.push(`${what}: summary "${value}" does not start with a capital letter`);
  const titleWords = rest.filter((word) => /^[A-Z][a-z]/.test(word) && !PROPER_WORDS.has(word));
  if (titleWords.length > 0) problems.push(`${what}: summary "${value}" is not sentence case (${titleWords.join(", ")})`);
  return problems;
}

export const operationIdRule: ConnectorRule = {
  id: "operation-id",
  description: "Every operation has a unique PascalCase alphanumeric operationId (OperationIdRequired, OperationIdNotUnique, OperationIdSanitized).",
  check: ({ apiDefinition }) => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const { path, method, operation } of operationsOf(apiDefinition)) {
      const id = text(operation["operationId"]);
      if (!id) {
        problems.push(`${method.toUpperCase()} ${path}: operationId is missing`);
        continue;
      }
      if (!/^[A-Z][A-Za-z0-9]*$/.test(id)) problems.push(`${id}: operationId is not PascalCase letters and digits`);
      if (id.length > 80) problems.push(`${id}: operationId is longer than 80 characters`);
      if (seen.has(id.toLowerCase())) problems.push(`${id}: operationId is not unique`);
      seen.add(id.toLowerCase());
    }
    return problems;
  },
};

export const operationSummaryRule: ConnectorRule = operationRule(
  "operation-summary",
  "Operation summaries: sentence case, at most 80 characters, letters/digits/spaces/parentheses, no trailing period (RestrictedCharactersInSummary).",
  (label, operation) => summaryViolations(label, operation["summary"]),
);

export const operationDescriptionRule: ConnectorRule = operationRule(
  "operation-description",
  "Operation descriptions are full sentences ending in punctuation, different from the summary.",
  (label, operation) => {
    const description = text(operation["description"]);
    if (!description) return [`${label}: description is missing`];
    const problems: string[] = [];
    if (!/^[A-Z]/.test(description)) problems.push(`${label}: description does not start with a capital letter`);
    if (!/[.!?]$/.test(description)) problems.push(`${label}: description does not end with a full stop`);
    if (description === operation["summary"]) problems.push(`${label}: description equals the summary`);
    return problems;
  },
);

export const operationVisibilityRule: ConnectorRule = operationRule(
  "operation-visibility",
  "Every operation has x-ms-visibility important, advanced or internal.",
  (label, operation) =>
    VISIBILITIES.has(String(operation["x-ms-visibility"])) ? [] : [`${label}: x-ms-visibility is ${JSON.stringify(operation["x-ms-visibility"])}`],
);
