/** The JSON configuration file of the API, as a JSON Schema (TypeBox), validated at start. */
import { Type } from "@sinclair/typebox";
import type { Static } from "@sinclair/typebox";
import { stringEnum } from "../contract/schemas/common.js";

const name = Type.String({ minLength: 1, maxLength: 260, pattern: "^[A-Za-z0-9][A-Za-z0-9._/-]*$" });

/** The `entities` section: what the API exposes. */
export const EntitiesSection = Type.Object(
  {
    queues: Type.Optional(Type.Array(name, { uniqueItems: true })),
    topics: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name,
            // "*" exposes every subscription of the topic, including ones created through the API.
            subscriptions: Type.Optional(Type.Array(Type.Union([name, Type.Literal("*")]), { uniqueItems: true })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
  },
  { additionalProperties: false },
);

/** One entry of `apiKeys`. */
export const ApiKeySection = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    sha256: Type.String({ pattern: "^[0-9a-fA-F]{64}$" }),
    scopes: Type.Array(stringEnum(["send", "listen", "manage"] as const), { minItems: 1, uniqueItems: true }),
    entities: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 320 }), { minItems: 1 })),
  },
  { additionalProperties: false },
);

const guid = Type.String({ pattern: "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$" });
const allowList = Type.Array(Type.String({ minLength: 1, maxLength: 320 }), { minItems: 1 });

/** `auth.entraId`: Microsoft Entra ID access tokens checked by the API. */
export const EntraIdSection = Type.Object(
  {
    tenantId: guid,
    // The Application ID URI (v1 tokens) and/or the client id (v2 tokens) of the API's app registration.
    audience: Type.Union([Type.String({ minLength: 1, maxLength: 400 }), Type.Array(Type.String({ minLength: 1, maxLength: 400 }), { minItems: 1 })]),
    jwksUri: Type.Optional(Type.String({ format: "uri", pattern: "^https?://", maxLength: 2048 })),
    // Entity allow-lists by object id (a user or a service principal) or by app role; the first kind wins.
    grants: Type.Optional(
      Type.Array(
        Type.Union([
          Type.Object({ objectId: guid, entities: allowList }, { additionalProperties: false }),
          Type.Object({ role: Type.String({ minLength: 1, maxLength: 120 }), entities: allowList }, { additionalProperties: false }),
        ]),
      ),
    ),
    // The allow-list of tokens no grant names (default "*").
    entities: Type.Optional(allowList),
  },
  { additionalProperties: false },
);

/** The whole file. */
export const ConfigFileSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    entities: Type.Optional(EntitiesSection),
    apiKeys: Type.Optional(Type.Array(ApiKeySection)),
    // The API's public base URL (https://bridge.contoso.com): the origin of the polling triggers' next-poll Location.
    publicBaseUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    auth: Type.Optional(Type.Object({ entraId: Type.Optional(EntraIdSection) }, { additionalProperties: false })),
    sessions: Type.Optional(
      Type.Object(
        {
          // A held session unused this long is released so other receivers can take it.
          idleReleaseSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
          // The session-enabled queue the API's instances route session calls through (default bridge-control).
          controlQueue: Type.Optional(name),
          // How long a session call forwarded to the instance holding the session waits for its answer.
          forwardedCallDeadlineSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
        },
        { additionalProperties: false },
      ),
    ),
    webhooks: Type.Optional(
      Type.Object(
        {
          // Host names callback URLs may point at: exact names or addresses, or "*." suffixes (default: Power Platform's).
          allowedCallbackHosts: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { minItems: 1, maxItems: 100 })),
          // Tests and local use only: http (and any port) to loopback hosts that allowedCallbackHosts names exactly.
          allowLoopbackHttp: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    events: Type.Optional(
      Type.Object(
        {
          // The folder of the event catalog (one JSON file per event type and version), relative to the config file's folder.
          catalogDir: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
          // The `source` written into every event envelope this API sends.
          source: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
        },
        { additionalProperties: false },
      ),
    ),
    limits: Type.Optional(
      Type.Object({ jsonBodyLimitInBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 100 * 1024 * 1024 })) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

/** The parsed file. */
export type ConfigFile = Static<typeof ConfigFileSchema>;
