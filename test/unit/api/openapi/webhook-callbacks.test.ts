import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../../../api/src/contract/registry.js";
import { ReceivedMessage } from "../../../../api/src/contract/schemas/message.js";
import { NOTIFICATION_CALLBACK, buildOpenApiDocument } from "../../../../api/src/openapi/build-document.js";
import { withServer } from "../../../../api/src/openapi/served-document.js";
import { SUBSCRIBE_PATH, WEBHOOK_PAIR } from "../../connector/webhook-operations.js";

// Reading into the generated document.
type Json = Record<string, any>;

const run = promisify(execFile);
const REDOCLY_CLI = path.join(path.dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")), "bin", "cli.js");

describe("a webhook trigger in the OpenAPI 3 document", () => {
  const document = buildOpenApiDocument([...OPERATIONS, ...WEBHOOK_PAIR], { version: "1.0.0" }) as unknown as Json;
  const post = document["paths"][SUBSCRIBE_PATH]["post"] as Json;

  it("documents the notification as a callback to the URL in the subscribe body", () => {
    const callback = post["callbacks"][NOTIFICATION_CALLBACK]["{$request.body#/callbackUrl}"]["post"] as Json;
    expect(callback["description"]).toBe("The message that arrived.");
    expect(callback["requestBody"]["content"]["application/json"]["schema"]).toEqual(JSON.parse(JSON.stringify(ReceivedMessage)));
    expect(Object.keys(callback["responses"])).toEqual(["200", "404"]);
    expect(document["paths"][SUBSCRIBE_PATH]).not.toHaveProperty("x-ms-notification-content");
  });

  it("documents the 201 answer's Location header", () => {
    expect(post["responses"]["201"]["headers"]["Location"]).toEqual({ description: "The subscription's URL, which deletes it.", schema: { type: "string" } });
  });

  it("gives operations that are no webhook trigger no callbacks", () => {
    const withCallbacks = Object.values(document["paths"] as Json).flatMap((item) =>
      Object.values(item as Json).filter((operation) => (operation as Json)["callbacks"] !== undefined),
    );
    expect(withCallbacks.map((operation) => (operation as Json)["operationId"]).sort()).toEqual([
      "WhenMessageArrivesInQueueInstant",
      "WhenMessageArrivesInSubscriptionInstant",
      "WhenMessageArrivesInTestQueue",
    ]);
  });

  it("is valid OpenAPI 3 for a real validator", async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it("passes Redocly's recommended rules with only the licence warning the served document has", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "openapi-webhook-"));
    try {
      const file = path.join(dir, "openapi.json");
      // As /openapi.json serves it: with the server the request came to.
      await writeFile(file, JSON.stringify(withServer(document as never, "http://127.0.0.1:3000")));
      const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };
      // The CLI exits 1 when it finds errors; its JSON report is on stdout either way.
      const { stdout } = await run(process.execPath, [REDOCLY_CLI, "lint", "--extends=recommended", "--format=json", file], {
        env,
        maxBuffer: 64 * 1024 * 1024,
      }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "{}" }));
      const problems = (JSON.parse(stdout) as { problems: Array<{ ruleId: string; message: string }> }).problems;
      expect(problems.map((problem) => `${problem.ruleId}: ${problem.message}`)).toEqual(["info-license: Info object should contain `license` field."]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
