import { describe, expect, it } from "vitest";
import { MAX_MESSAGE_ID_LENGTH, resubmitMessageId } from "../../../../api/src/servicebus/resubmit-id.js";

describe("resubmitMessageId", () => {
  it("derives a readable id from the original id and the dead letter's sequence number (and subscription)", () => {
    expect(resubmitMessageId({ originalMessageId: "order-1", deadLetterSequenceNumber: "42" })).toBe("order-1/resubmit/42");
    expect(resubmitMessageId({ originalMessageId: "order-1", deadLetterSequenceNumber: "42", subscription: "billing" })).toBe("order-1/resubmit/billing/42");
    expect(resubmitMessageId({ originalMessageId: undefined, deadLetterSequenceNumber: "7" })).toBe("/resubmit/7");
  });

  it("is the same for the same dead letter, and differs from the original and between dead letters", () => {
    const source = { originalMessageId: "m", deadLetterSequenceNumber: "1" };
    expect(resubmitMessageId(source)).toBe(resubmitMessageId({ ...source }));
    expect(resubmitMessageId(source)).not.toBe("m");
    expect(resubmitMessageId(source)).not.toBe(resubmitMessageId({ ...source, deadLetterSequenceNumber: "2" }));
    expect(resubmitMessageId(source)).not.toBe(resubmitMessageId({ ...source, subscription: "a" }));
  });

  it("hashes when the readable form would exceed 128 characters, still deterministically and distinctly", () => {
    const long = "x".repeat(MAX_MESSAGE_ID_LENGTH);
    const id = resubmitMessageId({ originalMessageId: long, deadLetterSequenceNumber: "9223372036854775807", subscription: "s".repeat(50) });
    expect(id).toMatch(/^resubmit\/[0-9a-f]{64}$/);
    expect(id.length).toBeLessThanOrEqual(MAX_MESSAGE_ID_LENGTH);
    expect(resubmitMessageId({ originalMessageId: long, deadLetterSequenceNumber: "1" })).not.toBe(
      resubmitMessageId({ originalMessageId: long, deadLetterSequenceNumber: "2" }),
    );
    const edge = "y".repeat(MAX_MESSAGE_ID_LENGTH - "/resubmit/1".length);
    expect(resubmitMessageId({ originalMessageId: edge, deadLetterSequenceNumber: "1" })).toHaveLength(MAX_MESSAGE_ID_LENGTH);
  });
});
