import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../../../api/src/contract/registry.js";
import { buildOpenApiDocument } from "../../../../api/src/openapi/build-document.js";
import { requestOrigin } from "../../../../api/src/http/request-origin.js";
import { documentTextRenderer, withServer } from "../../../../api/src/openapi/served-document.js";

describe("the served OpenAPI document", () => {
  const document = buildOpenApiDocument(OPERATIONS, { version: "1.2.3" });

  it("names one server right after info, and is otherwise the built document", () => {
    const served = withServer(document, "https://bridge.example:8443");
    expect(Object.keys(served).slice(0, 3)).toEqual(["openapi", "info", "servers"]);
    expect(served.servers).toEqual([{ url: "https://bridge.example:8443" }]);
    const { servers: _servers, ...rest } = served;
    expect(rest).toEqual(document);
  });

  it("renders the same JSON text as serializing the document with its server, for any server URL", () => {
    const render = documentTextRenderer(document);
    for (const url of ["http://127.0.0.1:3000", "/", 'https://odd"host']) {
      expect(render(url)).toBe(JSON.stringify(withServer(document, url)));
    }
  });

  it("takes the origin from the protocol and Host header, and falls back to / without a usable Host", () => {
    expect(requestOrigin("http", "127.0.0.1:3000")).toBe("http://127.0.0.1:3000");
    expect(requestOrigin("https", "Bridge.Example")).toBe("https://bridge.example");
    expect(requestOrigin("http", "[::1]:8080")).toBe("http://[::1]:8080");
    expect(requestOrigin("http", "bridge.example/with/path")).toBe("http://bridge.example");
    expect(requestOrigin("http", undefined)).toBe("/");
    expect(requestOrigin("http", "")).toBe("/");
    expect(requestOrigin("http", "bad host")).toBe("/");
  });
});
