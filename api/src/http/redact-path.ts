/**
 * Lock tokens are short-lived capabilities (whoever knows one can settle the message), so the access log
 * writes paths with the token replaced by `{lockToken}`. The paths to redact come from the contract's
 * operations, matched the way Express routes them (any letter case, an optional trailing slash).
 */
import { OPERATIONS } from "../contract/registry.js";

const PLACEHOLDER = "{lockToken}";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `/queues/{queue}/locks/{lockToken}/complete` -> a regular expression capturing what precedes and follows the token. */
function lockTokenPattern(template: string): RegExp {
  const [before = "", after = ""] = template.split(PLACEHOLDER);
  const toPattern = (part: string): string =>
    part
      .split(/\{[A-Za-z0-9_]+\}/)
      .map(escapeRegExp)
      .join("[^/]+");
  return new RegExp(`^(${toPattern(before)})[^/]+(${toPattern(after)}/?)$`, "i");
}

const MIGHT_HOLD_A_TOKEN = /\/locks\/[^/]+\//i;

const PATTERNS: readonly RegExp[] = [...new Set(OPERATIONS.map((operation) => operation.path).filter((path) => path.includes(PLACEHOLDER)))].map(
  lockTokenPattern,
);

/** The request path as the access log writes it: a lock token in the path is replaced by `{lockToken}`. */
export function redactLockTokens(path: string): string {
  // Most requests carry no lock token: one cheap test spares them the per-operation patterns.
  if (!MIGHT_HOLD_A_TOKEN.test(path)) return path;
  for (const pattern of PATTERNS) {
    const match = pattern.exec(path);
    if (match) return `${match[1] ?? ""}${PLACEHOLDER}${match[2] ?? ""}`;
  }
  return path;
}
