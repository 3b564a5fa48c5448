import { describe, expect, it } from "vitest";
import { webhookLogRef } from "../../../../api/src/webhooks/webhook-dispatcher.js";

describe("webhookLogRef: how logs name a webhook subscription", () => {
  it("is a short stable fingerprint that shows no part of the id (the id authorises deleting the subscription)", () => {
    const id = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde";
    expect(webhookLogRef(id)).toBe(webhookLogRef(id));
    expect(webhookLogRef(id)).toMatch(/^[0-9a-f]{12}$/);
    expect(webhookLogRef(id)).not.toBe(webhookLogRef(`${id}x`));
    for (let start = 0; start + 6 <= id.length; start += 1) expect(webhookLogRef(id)).not.toContain(id.slice(start, start + 6));
  });
});
