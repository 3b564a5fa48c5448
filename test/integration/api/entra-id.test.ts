/**
 * Microsoft Entra ID bearer tokens checked by the API (api/src/auth/entra-id.ts): tokens signed here with RSA keys
 * whose public half this test serves as a JWKS on a local port, as the tenant's discovery endpoint would.
 */
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
import type { JWK, CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEntraIdAuthenticator, tenantIssuers } from "../../../api/src/auth/entra-id.js";
import type { EntraIdConfig } from "../../../api/src/auth/entra-id.js";
import { startApiFixture } from "../../helpers/api-fixture.js";
import type { ApiFixture, ApiInstance } from "../../helpers/api-fixture.js";

const TENANT = "7a3c0f52-9a1e-4c57-8d2b-1f6e5a4b3c21";
const OTHER_TENANT = "0b9d6e14-2f3a-4b8c-9d7e-6a5b4c3d2e1f";
const AUDIENCE = "api://service-bus-bridge";
const RESTRICTED_OBJECT = "11111111-2222-3333-4444-555555555555";

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

interface TokenOptions {
  key?: SigningKey;
  /** Sign with this key's private half but name `key`'s kid (a forged signature). */
  signWith?: SigningKey;
  issuer?: string;
  tenant?: string;
  audience?: string;
  roles?: string[];
  objectId?: string;
  expiresInSeconds?: number;
  notBeforeInSeconds?: number;
}

let served: JWK[] = [];
let jwksFetches = 0;
let jwksServer: Server;
let fixture: ApiFixture;
let api: ApiInstance;
let current: SigningKey;

async function token(options: TokenOptions = {}): Promise<string> {
  const key = options.key ?? current;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    roles: options.roles ?? ["Messages.Send", "Messages.Listen"],
    oid: options.objectId ?? "9f8e7d6c-5b4a-3928-1716-151413121110",
    tid: options.tenant ?? TENANT,
  })
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .setIssuer(options.issuer ?? tenantIssuers(TENANT)[1] ?? "")
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt(now - 60)
    .setNotBefore(now + (options.notBeforeInSeconds ?? -60))
    .setExpirationTime(now + (options.expiresInSeconds ?? 3600))
    .sign((options.signWith ?? key).privateKey);
}

async function send(bearer: string | undefined, entity = "orders") {
  return api.request("POST", `/entities/${entity}/messages`, {
    key: null,
    headers: bearer === undefined ? {} : { Authorization: `Bearer ${bearer}` },
    body: { body: { hello: "entra" } },
  });
}

beforeAll(async () => {
  current = await newSigningKey("key-1");
  served = [current.publicJwk];
  jwksServer = createServer((_req, res) => {
    jwksFetches += 1;
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ keys: served }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
  const config: EntraIdConfig = {
    tenantId: TENANT,
    audience: [AUDIENCE],
    jwksUri: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/discovery/v2.0/keys`,
    grants: [{ objectId: RESTRICTED_OBJECT, entities: ["events"] }],
  };
  fixture = await startApiFixture();
  api = await fixture.startAnotherInstanceWith({ entraId: createEntraIdAuthenticator(config, { jwksCooldownInMs: 0 }) });
});

afterAll(async () => {
  await fixture?.close();
  await new Promise((resolve) => jwksServer?.close(resolve));
});

describe("Microsoft Entra ID bearer tokens", () => {
  it("accept a valid v2 token with the Messages.Send role for a send, and a v1 token of the same tenant", async () => {
    expect((await send(await token())).status).toBe(201);
    expect((await send(await token({ issuer: tenantIssuers(TENANT)[0] }))).status).toBe(201);
  });

  it("give the scopes of the token's app roles: Messages.Listen peeks, and a token without Messages.Send is 403", async () => {
    const listener = await token({ roles: ["Messages.Listen"] });
    const peeked = await api.request("GET", "/queues/orders/peek", { key: null, headers: { Authorization: `Bearer ${listener}` } });
    expect(peeked.status).toBe(200);
    const refused = await send(listener);
    expect(refused.status).toBe(403);
    expect((refused.body as { code: string }).code).toBe("Forbidden");
    expect((await send(await token({ roles: [] }))).status).toBe(403);
  });

  it("apply the entity allow-list of the token's object id", async () => {
    expect((await send(await token({ objectId: RESTRICTED_OBJECT }), "orders")).status).toBe(404); // outside its allow-list: as for an entity that does not exist
    expect((await send(await token({ objectId: RESTRICTED_OBJECT }), "events")).status).toBe(201);
  });

  it.each([
    ["expired", { expiresInSeconds: -600 }],
    ["not yet valid", { notBeforeInSeconds: 600 }],
    ["for another audience", { audience: "api://someone-else" }],
    ["from another tenant", { issuer: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`, tenant: OTHER_TENANT }],
    ["claiming this tenant's issuer with another tenant id", { tenant: OTHER_TENANT }],
  ] as const)("refuse a token %s with 401 and a Bearer challenge", async (_name, options) => {
    const response = await send(await token(options));
    expect(response.status).toBe(401);
    expect((response.body as { code: string }).code).toBe("Unauthorized");
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
  });

  it("refuse a forged signature (the key id of the tenant's key, signed with another key)", async () => {
    const forger = await newSigningKey("forger");
    const response = await send(await token({ signWith: forger }));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
  });

  it("accept a token within the clock skew after its expiry", async () => {
    expect((await send(await token({ expiresInSeconds: -20 }))).status).toBe(201);
  });

  it("answer a request without credentials with 401 and a plain Bearer challenge, and still take API keys", async () => {
    const response = await send(undefined);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect((await api.request("POST", "/entities/orders/messages", { body: { body: "with a key" } })).status).toBe(201);
    expect((await send("not-a-jwt")).status).toBe(401);
  });

  it("pick up a rotated signing key: a token signed with a new key id makes the API fetch the key set again", async () => {
    const rotated = await newSigningKey("key-2");
    const before = jwksFetches;
    expect((await send(await token({ key: rotated }))).status).toBe(401);
    served = [current.publicJwk, rotated.publicJwk];
    expect((await send(await token({ key: rotated }))).status).toBe(201);
    expect(jwksFetches).toBeGreaterThan(before);
    // The set is cached: a known key id needs no fetch.
    const cached = jwksFetches;
    expect((await send(await token({ key: rotated }))).status).toBe(201);
    expect(jwksFetches).toBe(cached);
  });
});
