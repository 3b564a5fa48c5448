/**
 * The OpenAPI document as /openapi.json serves it: with `servers` naming the origin the request came to,
 * so a client generator or linter that downloads it has a base URL. The document is serialized once;
 * each request only adds its server.
 */
import type { OpenAPIV3 } from "openapi-types";

/** The document with one server, `serverUrl`, right after `info`. */
export function withServer(document: OpenAPIV3.Document, serverUrl: string): OpenAPIV3.Document {
  const { openapi, info, servers: _ignored, ...rest } = document;
  return { openapi, info, servers: [{ url: serverUrl }], ...rest };
}

/** Renders the JSON text of {@link withServer} for a server URL, from text serialized once here. */
export function documentTextRenderer(document: OpenAPIV3.Document): (serverUrl: string) => string {
  const { openapi, info, servers: _ignored, ...rest } = document;
  const head = JSON.stringify({ openapi, info }).slice(0, -1);
  const tail = JSON.stringify(rest).slice(1);
  return (serverUrl) => `${head},"servers":${JSON.stringify([{ url: serverUrl }])}${tail === "}" ? "}" : `,${tail}`}`;
}
