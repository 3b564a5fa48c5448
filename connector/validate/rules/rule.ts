/** What every connector rule shares: the files it checks, its shape, and small readers. */
import type { JsonSchema } from "../../schema.js";
import { operationsOf } from "../walk.js";

/** The two generated files, parsed. */
export interface ConnectorFiles {
  apiDefinition: JsonSchema;
  apiProperties: JsonSchema;
}

/** One mechanical certification rule. */
export interface ConnectorRule {
  /** Stable id, used as the test name. */
  id: string;
  /** What the rule demands, with the validator's error name where there is one. */
  description: string;
  check(files: ConnectorFiles): string[];
}

/** The longest summary (operation, parameter or property) the platform accepts. */
export const MAX_SUMMARY_LENGTH = 80;

/** The values of `x-ms-visibility`. */
export const VISIBILITIES = new Set(["important", "advanced", "internal"]);

/** The value when it is a string, else undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A rule checked operation by operation. */
export function operationRule(
  id: string,
  description: string,
  check: (label: string, operation: JsonSchema, files: ConnectorFiles) => string[],
): ConnectorRule {
  return {
    id,
    description,
    check: (files) => operationsOf(files.apiDefinition).flatMap(({ label, operation }) => check(label, operation, files)),
  };
}
