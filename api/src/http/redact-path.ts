/**
 * Some path parameters are capabilities: a lock token (whoever knows one can settle the message) and a webhook
 * subscription's id (whoever knows one can delete the subscription). The access log writes paths with them replaced
 * by their placeholder (`{lockToken}`, `{webhookId}`). The paths to redact come from the contract's operations,
 * matched the way Express routes them (any letter case, an optional trailing slash).
 */
import { OPERATIONS } from "../contract/registry.js";

/** The path parameters that are capabilities, and the path segment that comes before each. */
const SECRET_PARAMETERS = [
  { placeholder: "{lockToken}", before: "locks" },
  { placeholder: "{webhookId}", before: "webhooks" },
] as const;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `/queues/{queue}/locks/{lockToken}/complete` -> a regular expression capturing what precedes and follows the secret. */
function secretPattern(template: string, placeholder: string): RegExp {
  const [before = "", after = ""] = template.split(placeholder);
  const toPattern = (part: string): string =>
    part
      .split(/\{[A-Za-z0-9_]+\}/)
      .map(escapeRegExp)
      .join("[^/]+");
  return new RegExp(`^(${toPattern(before)})[^/]+(${toPattern(after)}/?)$`, "i");
}

/** A cheap test that spares most requests the per-operation patterns. */
const MIGHT_HOLD_A_SECRET = new RegExp(`/(?:${SECRET_PARAMETERS.map((each) => each.before).join("|")})/[^/]+`, "i");

const PATTERNS: ReadonlyArray<{ pattern: RegExp; placeholder: string }> = SECRET_PARAMETERS.flatMap(({ placeholder }) =>
  [...new Set(OPERATIONS.map((operation) => operation.path).filter((path) => path.includes(placeholder)))].map((path) => ({
    pattern: secretPattern(path, placeholder),
    placeholder,
  })),
);

/** The request path as the access log writes it: a lock token or webhook id in the path is replaced by its placeholder. */
export function redactCapabilities(path: string): string {
  if (!MIGHT_HOLD_A_SECRET.test(path)) return path;
  for (const { pattern, placeholder } of PATTERNS) {
    const match = pattern.exec(path);
    if (match) return `${match[1] ?? ""}${placeholder}${match[2] ?? ""}`;
  }
  return path;
}
