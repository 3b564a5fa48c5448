/** The benchmark's message body: a 1 KB JSON document, the same bytes for every client. */

export const BODY_BYTES = 1024;

function document(index: number, note: string): Record<string, unknown> {
  return {
    orderId: `order-${String(index % 1e9).padStart(9, "0")}`,
    customer: { id: "c-0042", name: "Contoso Ltd", country: "NL" },
    lines: [
      { sku: "SKU-1001", quantity: 2, unitPrice: 19.95 },
      { sku: "SKU-2002", quantity: 1, unitPrice: 149.5 },
    ],
    createdAt: "2025-01-01T00:00:00.000Z",
    note,
  };
}

const PAD = BODY_BYTES - JSON.stringify(document(0, "")).length;
if (PAD < 0) throw new Error("the benchmark body template is larger than 1 KB");
const NOTE = "x".repeat(PAD);

/** A JSON object whose `JSON.stringify` is exactly 1024 bytes (the SDK sends it as a JSON data section). */
export function jsonBody(index: number): Record<string, unknown> {
  return document(index, NOTE);
}

/** The same document as UTF-8 bytes, for clients that send raw data sections. */
export function jsonBodyBytes(index: number): Buffer {
  return Buffer.from(JSON.stringify(jsonBody(index)), "utf8");
}
