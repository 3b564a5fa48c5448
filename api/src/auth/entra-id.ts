/**
 * Microsoft Entra ID access tokens (`Authorization: Bearer ...`), checked by the API itself with `jose`:
 * the signature against the tenant's signing keys (JWKS, fetched and cached; a token signed with a key not yet
 * seen makes it fetch the set again, so rotated keys are picked up), the issuer (the v1 and v2 forms of the
 * configured tenant), the audience, and expiry / not-before with a small clock skew. The token's app roles give
 * the scopes; its entity allow-list comes from its object id or its roles, as configured. The result has the
 * same shape as an API key, so everything after authentication treats both alike.
 */
import { createRemoteJWKSet, jwtVerify } from "jose";
import type { JWTPayload } from "jose";
import type { Scope } from "../contract/operation.js";
import type { ApiKeyRecord } from "./api-keys.js";

/** App roles (the `roles` claim) and the scopes they grant. */
export const ENTRA_APP_ROLES: Readonly<Record<string, Scope>> = {
  "Messages.Send": "send",
  "Messages.Listen": "listen",
  "Entities.Manage": "manage",
};

/** Allowed difference between this machine's clock and Entra ID's, for `exp` and `nbf`. */
export const CLOCK_TOLERANCE_IN_SECONDS = 60;

/** An entity allow-list for the tokens of one object id (a user, or an app's service principal) or one app role. */
export interface EntraIdEntityGrant {
  objectId?: string;
  role?: string;
  /** Same form as an API key's `entities`. */
  entities: readonly string[];
}

/** `auth.entraId` of the configuration. */
export interface EntraIdConfig {
  /** The directory (tenant) id, a GUID. */
  tenantId: string;
  /** Accepted `aud` values: the API's Application ID URI (v1 tokens) and/or its client id (v2 tokens). */
  audience: readonly string[];
  /** The signing keys; default `https://login.microsoftonline.com/{tenantId}/discovery/v2.0/keys`. */
  jwksUri?: string;
  /** Allow-lists by object id (first) or by app role (the union of the token's roles); without a match, `entities`. */
  grants?: readonly EntraIdEntityGrant[];
  /** The allow-list of tokens no grant names; default every exposed entity. */
  entities?: readonly string[];
}

/** The outcome of checking an Authorization header. */
export type BearerResult = { kind: "none" } | { kind: "invalid"; reason: string } | { kind: "valid"; principal: ApiKeyRecord };

/** Checks bearer tokens; built once at start. */
export interface EntraIdAuthenticator {
  authenticate(authorization: string | undefined): Promise<BearerResult>;
}

/** Options for tests: how soon an unknown key id may make the key set be fetched again. */
export interface EntraIdAuthenticatorOptions {
  jwksCooldownInMs?: number;
}

export function defaultJwksUri(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}/discovery/v2.0/keys`;
}

/** The issuers of a tenant's tokens: v1 (sts.windows.net) and v2 (login.microsoftonline.com/.../v2.0). */
export function tenantIssuers(tenantId: string): string[] {
  return [`https://sts.windows.net/${tenantId}/`, `https://login.microsoftonline.com/${tenantId}/v2.0`];
}

function stringClaim(payload: JWTPayload, name: string): string | undefined {
  const value = payload[name];
  return typeof value === "string" ? value : undefined;
}

function rolesOf(payload: JWTPayload): string[] {
  const roles = payload["roles"];
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === "string") : [];
}

/** The allow-list of a token: its object id's grant, else the union of its roles' grants, else the default. */
export function entitiesFor(config: EntraIdConfig, objectId: string | undefined, roles: readonly string[]): readonly string[] {
  const grants = config.grants ?? [];
  const byObject =
    objectId === undefined ? undefined : grants.find((grant) => grant.objectId !== undefined && grant.objectId.toLowerCase() === objectId.toLowerCase());
  if (byObject) return byObject.entities;
  const byRole = grants.filter((grant) => grant.role !== undefined && roles.includes(grant.role));
  if (byRole.length > 0) return [...new Set(byRole.flatMap((grant) => grant.entities))];
  return config.entities ?? ["*"];
}

/** The principal of a verified token, shaped like an API key (it has no key digest). */
export function principalOf(config: EntraIdConfig, payload: JWTPayload): ApiKeyRecord {
  const roles = rolesOf(payload);
  const objectId = stringClaim(payload, "oid");
  const scopes = [...new Set(roles.flatMap((role) => (ENTRA_APP_ROLES[role] === undefined ? [] : [ENTRA_APP_ROLES[role]])))];
  const who = objectId ?? stringClaim(payload, "azp") ?? stringClaim(payload, "appid") ?? stringClaim(payload, "sub") ?? "unknown";
  return { name: `entra-id:${who}`, sha256: "", scopes, entities: entitiesFor(config, objectId, roles) };
}

/** Builds the checker of `Authorization: Bearer` headers for one tenant. */
export function createEntraIdAuthenticator(config: EntraIdConfig, options: EntraIdAuthenticatorOptions = {}): EntraIdAuthenticator {
  const keys = createRemoteJWKSet(new URL(config.jwksUri ?? defaultJwksUri(config.tenantId)), {
    ...(options.jwksCooldownInMs === undefined ? {} : { cooldownDuration: options.jwksCooldownInMs }),
  });
  const issuers = tenantIssuers(config.tenantId);
  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization === "") return { kind: "none" };
      const match = /^Bearer +([A-Za-z0-9_.~+/-]+=*)$/i.exec(authorization);
      if (!match?.[1] || match[1].length > 16_384) return { kind: "invalid", reason: "not a bearer token" };
      try {
        const { payload } = await jwtVerify(match[1], keys, {
          issuer: issuers,
          audience: [...config.audience],
          algorithms: ["RS256"],
          clockTolerance: CLOCK_TOLERANCE_IN_SECONDS,
          requiredClaims: ["exp"],
        });
        const tenant = stringClaim(payload, "tid");
        if (tenant !== undefined && tenant.toLowerCase() !== config.tenantId.toLowerCase()) return { kind: "invalid", reason: "another tenant's token" };
        return { kind: "valid", principal: principalOf(config, payload) };
      } catch (error) {
        // jose's error codes (ERR_JWT_EXPIRED, ERR_JWS_SIGNATURE_VERIFICATION_FAILED, ...) say why, never the token.
        const code = error instanceof Error && "code" in error ? String(error.code) : error instanceof Error ? error.name : "unknown";
        return { kind: "invalid", reason: code };
      }
    },
  };
}
