/**
 * The error responses an operation declares, one per HTTP status, from its problem codes: both the OpenAPI
 * document and the connector's Swagger 2.0 list them (descriptions only in the connector, which allows a
 * schema on one response).
 */
import { problemDefinition } from "../problems/codes.js";
import type { ProblemCode } from "../problems/codes.js";

/** The error response of one status. */
export interface ProblemResponse {
  status: number;
  /** `Code: title.` of each problem code with this status, in the operation's order. */
  description: string;
  /** Whether a problem of this status carries `Retry-After`. */
  retryAfter: boolean;
}

/** The description of the `Retry-After` header of a problem response. */
export const RETRY_AFTER_DESCRIPTION = "Seconds to wait before retrying.";

/** One response per status of `codes`, by ascending status. */
export function problemResponses(codes: readonly ProblemCode[]): ProblemResponse[] {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) {
    const status = problemDefinition(code).status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return [...byStatus.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, statusCodes]) => ({
      status,
      description: statusCodes.map((code) => `${code}: ${problemDefinition(code).title}.`).join(" "),
      retryAfter: statusCodes.some((code) => problemDefinition(code).retryAfterSeconds !== undefined),
    }));
}
