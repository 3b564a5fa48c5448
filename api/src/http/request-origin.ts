/** Where a request says it was sent: the origin its links and the served OpenAPI document name. */

/**
 * The origin a request came to (`http://host:port`), from its protocol and Host header; `/` (the
 * document's own origin, a relative server URL) when the Host header is missing or not a host.
 */
export function requestOrigin(protocol: string, host: string | undefined): string {
  if (!host) return "/";
  try {
    const url = new URL(`${protocol}://${host}`);
    return url.host === "" ? "/" : url.origin;
  } catch {
    return "/";
  }
}

/**
 * The URL the caller used (scheme and host as the request names them), for links such as a trigger's
 * `Location`; on `localhost` when the Host header is missing or names no host.
 */
export function requestUrl(protocol: string, host: string | undefined, originalUrl: string): URL {
  const origin = requestOrigin(protocol, host);
  return new URL(originalUrl, origin === "/" ? "http://localhost" : origin);
}
