/**
 * The edge's step for lock tokens: once a request is valid, its lock tokens (the `lockToken` path
 * parameter, CompleteMessages' `lockTokens`) are written in their one spelling (contract/lock-token.ts),
 * so nothing behind the edge compares tokens case-insensitively. A token repeated in another spelling
 * is a repeat, as `uniqueItems` would say of the same spelling.
 */
import { lockToken } from "../contract/lock-token.js";
import type { FieldErrors } from "../problems/problem-error.js";
import type { RawRequest } from "./validation.js";

/** Normalises the lock tokens of a validated request in place; the field errors of a repeated token, or undefined. */
export function normaliseLockTokens(request: RawRequest): FieldErrors | undefined {
  const { params, body } = request;
  if (typeof params["lockToken"] === "string") params["lockToken"] = lockToken(params["lockToken"]);
  const tokens = typeof body === "object" && body !== null ? (body as { lockTokens?: unknown }).lockTokens : undefined;
  if (!Array.isArray(tokens)) return undefined;
  const seen = new Set<string>();
  for (const [index, token] of tokens.entries()) {
    if (typeof token !== "string") continue;
    const normal = lockToken(token);
    if (seen.has(normal)) return { body: [{ field: `/lockTokens/${index}`, message: "repeats an earlier lock token (lock tokens are not case-sensitive)" }] };
    seen.add(normal);
    tokens[index] = normal;
  }
  return undefined;
}
