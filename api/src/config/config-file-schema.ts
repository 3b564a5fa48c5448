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

/** The whole file. */
export const ConfigFileSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    entities: Type.Optional(EntitiesSection),
    apiKeys: Type.Optional(Type.Array(ApiKeySection)),
    // The API's public base URL (https://bridge.contoso.com): the origin of the polling triggers' next-poll Location.
    publicBaseUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    sessions: Type.Optional(
      Type.Object(
        {
          // A held session unused this long is released so other receivers can take it.
          idleReleaseSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
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
      Type.Object(
        { jsonBodyLimitInBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 100 * 1024 * 1024 })) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** The parsed file. */
export type ConfigFile = Static<typeof ConfigFileSchema>;
