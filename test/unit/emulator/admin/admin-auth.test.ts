import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { authorizeAdminRequest } from "../../../../emulator/src/admin/admin-auth.js";
import { AdminError } from "../../../../emulator/src/admin/admin-errors.js";
import type { SharedAccessKey } from "../../../../emulator/src/amqp/sas-token.js";

const ROOT: SharedAccessKey = { name: "RootManageSharedAccessKey", key: "SAS_KEY_VALUE" };
const NOW_MS = Date.UTC(2030, 0, 1);
const IN_FIVE_MINUTES = NOW_MS / 1000 + 300;

/** The header exactly as the SDK's SasServiceClientCredentials.signRequest builds it. */
function sdkAuthorization(url: string, key: SharedAccessKey, expiry = IN_FIVE_MINUTES): string {
  const targetUri = encodeURIComponent(url.toLowerCase()).toLowerCase();
  const signature = encodeURIComponent(createHmac("sha256", key.key).update(`${targetUri}\n${expiry}`).digest("base64"));
  return `SharedAccessSignature sig=${signature}&se=${expiry}&skn=${key.name}&sr=${targetUri}`;
}

function reason(headers: Record<string, string>, path: string): string {
  try {
    authorizeAdminRequest(headers, path, [ROOT], NOW_MS);
  } catch (error) {
    if (error instanceof AdminError && error.status === 401) return error.message;
    throw error;
  }
  return "authorized";
}

describe("authorizeAdminRequest", () => {
  it("accepts the SDK's header for the requested URL", () => {
    const url = "https://127.0.0.1:5300/Orders?api-version=2021-05";
    expect(reason({ authorization: sdkAuthorization(url, ROOT) }, "/Orders")).toBe("authorized");
    const list = "https://127.0.0.1:5300/$Resources/Queues?api-version=2021-05&$skip=0&$top=10";
    expect(reason({ authorization: sdkAuthorization(list, ROOT) }, "/$Resources/Queues")).toBe("authorized");
    const subscriptions = "https://127.0.0.1:5300/events/Subscriptions/?api-version=2021-05";
    expect(reason({ authorization: sdkAuthorization(subscriptions, ROOT) }, "/events/Subscriptions/")).toBe("authorized");
  });

  it("accepts a namespace-wide token and a token for a parent path", () => {
    expect(reason({ authorization: sdkAuthorization("https://127.0.0.1:5300/", ROOT) }, "/events/Subscriptions/a")).toBe("authorized");
    expect(reason({ authorization: sdkAuthorization("https://h/events", ROOT) }, "/events/Subscriptions/a/Rules/r")).toBe("authorized");
  });

  it("refuses a missing header, a wrong key, an expired token and a token for another entity", () => {
    const url = "https://127.0.0.1:5300/orders?api-version=2021-05";
    expect(reason({}, "/orders")).toMatch(/no authorization header/);
    expect(reason({ authorization: sdkAuthorization(url, { name: ROOT.name, key: "wrong" }) }, "/orders")).toMatch(/signature does not match/);
    expect(reason({ authorization: sdkAuthorization(url, ROOT, NOW_MS / 1000 - 1) }, "/orders")).toMatch(/expired/);
    expect(reason({ authorization: sdkAuthorization(url, ROOT) }, "/payments")).toMatch(/does not cover/);
  });

  it("checks the supplementary tokens the SDK sends for forwarding", () => {
    const url = "https://127.0.0.1:5300/orders?api-version=2021-05";
    const headers = { authorization: sdkAuthorization(url, ROOT) };
    const good = sdkAuthorization("127.0.0.1:5300", ROOT);
    const bad = sdkAuthorization("127.0.0.1:5300", { name: ROOT.name, key: "wrong" });
    expect(reason({ ...headers, servicebussupplementaryauthorization: good }, "/orders")).toBe("authorized");
    expect(reason({ ...headers, servicebusdlqsupplementaryauthorization: bad }, "/orders")).toMatch(/servicebusdlqsupplementaryauthorization/);
  });
});
