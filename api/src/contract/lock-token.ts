/**
 * Lock tokens in their one spelling. Service Bus lock tokens are UUIDs, compared without regard to
 * case; the API writes them in lower case where they enter it (a request, once validated, and a message
 * received from Service Bus), so nothing behind that compares tokens case-insensitively. The type
 * says a token went through {@link lockToken}.
 */
export type LockToken = string & { readonly __lockToken: unique symbol };

/** The token in its one spelling. */
export function lockToken(value: string): LockToken {
  return value.toLowerCase() as LockToken;
}
