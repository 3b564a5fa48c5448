/** Session operations (state, lock renewal, release), declared once per receivable entity kind. */
import { Type } from "@sinclair/typebox";
import { COMMON_PROBLEMS, SERVICE_BUS_PROBLEMS, defineOperation } from "../operation.js";
import { receiverPickers } from "../pickers.js";
import { SessionIdParam } from "../schemas/common.js";
import { BodyEncoding } from "../schemas/message.js";
import type { ReceiverSourceSpec } from "./receiver-source.js";

const sessionProblems = [...COMMON_PROBLEMS, ...SERVICE_BUS_PROBLEMS, "MessagingEntityNotFound", "SessionLockLost"] as const;

const HOLD_NOTE =
  "Session operations act on the session as held by this instance of the API: a receive with this session id (or the next available session) holds it, " +
  "and it is released by the close session operation or after the configured idle time.";

const stateEncoding = {
  ...BodyEncoding,
  description:
    "How state is written: json (a JSON value, stored as its JSON text; the default), text (a string, stored as UTF-8) or base64 (binary bytes, base64-encoded).",
  "x-ms-summary": "State encoding",
};

const sessionIdOutput = Type.String({ description: "The session identifier.", "x-ms-summary": "Session ID" });

/** Get/SetSessionState, RenewSessionLock and CloseSession In{Queue,Subscription}. */
export function sessionOperations(source: ReceiverSourceSpec) {
  const params = Type.Object({ ...source.params.properties, sessionId: SessionIdParam });
  const sessionPath = `${source.pathPrefix}/sessions/{sessionId}`;
  const base = { tags: [source.tag], auth: { scopes: ["listen" as const], entity: source.target } };
  const connector = { visibility: "advanced" as const, parameters: receiverPickers(source.target) };
  return {
    getState: defineOperation({
      ...base,
      operationId: `GetSessionState${source.inSuffix}`,
      method: "get",
      path: `${sessionPath}/state`,
      summary: `Get the state of a session in ${source.noun}`,
      description:
        "Returns the state stored with a session (for example how far its processing got), or null when none is set. " +
        `When this instance does not hold the session yet, it takes and holds it, as a receive would. ${HOLD_NOTE}`,
      request: { params },
      success: {
        status: 200,
        description: "The session state.",
        schema: Type.Object(
          {
            sessionId: sessionIdOutput,
            state: Type.Unknown({
              description: "The session state: a JSON value, a string, or base64 bytes as stateEncoding says; null when none is set.",
              "x-ms-summary": "State",
            }),
            stateEncoding,
          },
          { additionalProperties: false },
        ),
      },
      problems: [...sessionProblems, "SessionCannotBeLocked"],
      connector,
    }),
    setState: defineOperation({
      ...base,
      operationId: `SetSessionState${source.inSuffix}`,
      method: "put",
      path: `${sessionPath}/state`,
      summary: `Set the state of a session in ${source.noun}`,
      description:
        "Stores state with a session, replacing what was there; state null clears it. " +
        `When this instance does not hold the session yet, it takes and holds it, as a receive would. ${HOLD_NOTE}`,
      request: {
        params,
        body: Type.Object(
          {
            state: Type.Unknown({
              description: "The state to store: any JSON value, a string with stateEncoding text, or base64 with stateEncoding base64; null clears it.",
              "x-ms-summary": "State",
            }),
            stateEncoding: Type.Optional(stateEncoding),
          },
          { additionalProperties: false },
        ),
      },
      success: { status: 204, description: "The state was stored." },
      problems: [...sessionProblems, "SessionCannotBeLocked"],
      connector,
    }),
    renewLock: defineOperation({
      ...base,
      operationId: `RenewSessionLock${source.inSuffix}`,
      method: "post",
      path: `${sessionPath}/renew`,
      summary: `Renew a session lock in ${source.noun}`,
      description:
        "Renews the lock on a session this instance holds, and counts as a use of it (so it is not released as idle). " +
        `The API already keeps the lock of a held session; 410 means the session is not held here (never received here, closed, released as idle, or lost). ${HOLD_NOTE}`,
      request: { params },
      success: {
        status: 200,
        description: "The session lock was renewed.",
        schema: Type.Object(
          {
            sessionId: sessionIdOutput,
            sessionLockedUntilUtc: Type.String({
              format: "date-time",
              description: "When the renewed session lock expires.",
              "x-ms-summary": "Session locked until (UTC)",
            }),
          },
          { additionalProperties: false },
        ),
      },
      problems: [...sessionProblems],
      connector,
    }),
    close: defineOperation({
      ...base,
      operationId: `CloseSession${source.inSuffix}`,
      method: "post",
      path: `${sessionPath}/close`,
      summary: `Close a session in ${source.noun}`,
      description:
        "Releases a session this instance holds, so another receiver can take it; its unsettled messages become available again. " +
        `Closing a session this instance does not hold does nothing. ${HOLD_NOTE}`,
      request: { params },
      success: { status: 204, description: "The session is not held by this instance (any more)." },
      problems: [...sessionProblems],
      connector,
    }),
  };
}
