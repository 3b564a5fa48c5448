/**
 * Swagger UI in a real browser: Debian's Chromium, driven by playwright-core, against the API as
 * `npm start` runs it (the real server process on its embedded emulator, with the demo key it prints).
 * A developer's daily path: open /docs, Authorize with the key, send a message with "Try it out", peek
 * it back, all under the API's security headers (the Content Security Policy must not block anything).
 * Screenshots land in test-results/browser/. `.ci/run` installs Chromium; without it this test is
 * skipped with a message saying so.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { chromium } from "playwright-core";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killApiProcesses, startApiProcess } from "../helpers/api-process.js";
import type { ApiProcess } from "../helpers/api-process.js";
import { REPO_ROOT, temporaryDirectory } from "../helpers/emulator-process.js";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = path.join(REPO_ROOT, "test-results", "browser");
const SKIP_REASON = `skipped: no Chromium at ${CHROMIUM} (install it with 'apt-get install -y chromium'; .ci/run does)`;

if (!HAS_CHROMIUM) console.warn(`Swagger UI browser test ${SKIP_REASON}`);

/** A console message or page error seen while the test ran. */
interface BrowserProblem {
  kind: string;
  text: string;
}

/** Whether a console message or page error is a CSP violation or a script error. */
function isScriptOrCspProblem(problem: BrowserProblem): boolean {
  return problem.kind === "pageerror" || problem.kind === "error" || /Content Security Policy|Refused to (load|execute|apply|connect)/i.test(problem.text);
}

/** Opens an operation block by its operationId and switches it to "Try it out". */
async function openTryItOut(page: Page, operationId: string): Promise<Locator> {
  const block = page.locator(`.opblock[id$="-${operationId}"]`);
  await block.locator(".opblock-summary").first().click();
  const tryOut = block.locator("button.try-out__btn");
  await tryOut.waitFor();
  if ((await tryOut.textContent())?.trim() === "Try it out") await tryOut.click();
  await block.locator("button.execute").waitFor();
  return block;
}

/** The status and body text of the block's live response, once it is shown. */
async function liveResponse(block: Locator): Promise<{ status: string; body: string }> {
  const row = block.locator(".live-responses-table tbody tr.response").first();
  await row.waitFor({ timeout: 15_000 });
  const status = (await row.locator(".response-col_status").textContent())?.trim() ?? "";
  const body = (await row.locator(".response-col_description").textContent()) ?? "";
  return { status, body };
}

describe.skipIf(!HAS_CHROMIUM)(`Swagger UI in Chromium (${HAS_CHROMIUM ? CHROMIUM : SKIP_REASON})`, () => {
  let api: ApiProcess;
  let browser: Browser;
  let removeDir: () => Promise<void>;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    const dir = await temporaryDirectory("sb-browser-");
    removeDir = dir.remove;
    api = await startApiProcess({ EMULATOR_IN_MEMORY: "true", DATA_DIR: dir.path });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await killApiProcesses();
    await removeDir?.();
  });

  it("authorizes with the demo key, sends a message with Try it out and peeks it back, with no CSP or script errors", async () => {
    const demoKey = api.demoKey;
    expect(demoKey, "the server prints a demo key").toBeTruthy();
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const problems: BrowserProblem[] = [];
    page.on("console", (message) => problems.push({ kind: message.type(), text: message.text() }));
    page.on("pageerror", (error) => problems.push({ kind: "pageerror", text: error.message }));
    const marker = `browser-test-${Date.now()}`;
    try {
      const response = await page.goto(`${api.baseUrl}/docs/`, { waitUntil: "networkidle" });
      expect(response?.status()).toBe(200);
      expect(response?.headers()["content-security-policy"]).toMatch(/script-src 'self'/);
      await page.locator(".swagger-ui .info .title").waitFor();
      await page.locator(`.opblock[id$="-SendMessage"]`).waitFor();
      await page.screenshot({ path: path.join(ARTIFACTS, "01-docs.png"), fullPage: false });

      // Authorize: the API key scheme's dialog.
      await page.locator(".auth-wrapper button.authorize").click();
      const dialog = page.locator(".dialog-ux .modal-ux");
      await dialog
        .locator("input[type=text], input[type=password]")
        .first()
        .fill(demoKey ?? "");
      await dialog.locator("button.authorize").click();
      await dialog.locator("button.btn-done, button.close-modal").first().click();
      await expect.poll(() => page.locator(".auth-wrapper button.authorize.locked").count()).toBe(1);
      await page.screenshot({ path: path.join(ARTIFACTS, "02-authorized.png") });

      // SendMessage to `orders`.
      const send = await openTryItOut(page, "SendMessage");
      await send.locator('tr[data-param-name="entity"] input, tr[data-param-name="entity"] select').first().fill("orders");
      await send.locator("textarea.body-param__text").fill(JSON.stringify({ body: { marker, note: "sent from Swagger UI" }, contentType: "application/json" }));
      await send.locator("button.execute").click();
      const sent = await liveResponse(send);
      await send
        .locator(".live-responses-table")
        .first()
        .screenshot({ path: path.join(ARTIFACTS, "03-send-message.png") });
      expect(sent.status, sent.body).toBe("201");
      expect(sent.body).toContain("messageId");

      // PeekMessagesInQueue shows it.
      const peek = await openTryItOut(page, "PeekMessagesInQueue");
      await peek.locator('tr[data-param-name="queue"] input').first().fill("orders");
      await peek.locator("button.execute").click();
      const peeked = await liveResponse(peek);
      await peek
        .locator(".live-responses-table")
        .first()
        .screenshot({ path: path.join(ARTIFACTS, "04-peek-messages.png") });
      expect(peeked.status, peeked.body).toBe("200");
      expect(peeked.body).toContain(marker);
      expect(peeked.body).toContain("sequenceNumber");
    } catch (error) {
      await page.screenshot({ path: path.join(ARTIFACTS, "failure.png"), fullPage: true }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
    expect(problems.filter(isScriptOrCspProblem), JSON.stringify(problems, null, 2)).toEqual([]);
  }, 90_000);
});
