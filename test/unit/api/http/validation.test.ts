import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH } from "../../../../api/src/contract/json-depth.js";
import { queueOperations, sendOperations } from "../../../../api/src/contract/registry.js";
import { compileOperationValidator, createRequestAjv, nonFiniteNumberErrors } from "../../../../api/src/http/validation.js";

const ajv = createRequestAjv();

describe("request validation of coerced values", () => {
  const peek = compileOperationValidator(queueOperations.peek, ajv);
  const receive = compileOperationValidator(queueOperations.receive, ajv);

  it.each(["-Infinity", "Infinity", "+Infinity"])("refuses maxMessages=%s, which ajv coerces to a number and lets through", (value) => {
    expect(peek.validate({ params: { queue: "orders" }, query: { maxMessages: value }, body: undefined })).toEqual({
      query: [{ field: "/maxMessages", message: "must be a finite number" }],
    });
  });

  it("refuses an infinite maxWaitSeconds too, and still coerces finite numbers", () => {
    expect(receive.validate({ params: { queue: "orders" }, query: { maxWaitSeconds: "Infinity" }, body: undefined })).toEqual({
      query: [{ field: "/maxWaitSeconds", message: "must be a finite number" }],
    });
    const query: Record<string, unknown> = { maxMessages: "7", maxWaitSeconds: "0.5" };
    expect(receive.validate({ params: { queue: "orders" }, query, body: undefined })).toBeUndefined();
    expect(query).toMatchObject({ maxMessages: 7, maxWaitSeconds: 0.5 });
  });

  it("keeps ajv's own errors for values it refuses", () => {
    expect(peek.validate({ params: { queue: "orders" }, query: { maxMessages: "0" }, body: undefined })?.query).toEqual([
      { field: "/maxMessages", message: "must be >= 1" },
    ]);
  });

  it("names non-finite numbers by field, also inside lists", () => {
    expect(nonFiniteNumberErrors({ a: 1, b: Number.NEGATIVE_INFINITY, c: [2, Number.POSITIVE_INFINITY], d: "Infinity", e: Number.NaN })).toEqual([
      { field: "/b", message: "must be a finite number" },
      { field: "/c/1", message: "must be a finite number" },
      { field: "/e", message: "must be a finite number" },
    ]);
  });
});

describe("request validation of body depth", () => {
  const sendMessage = compileOperationValidator(sendOperations.sendMessage, ajv);
  const wrap = (levels: number): unknown => {
    let value: unknown = "leaf";
    for (let level = 0; level < levels; level += 1) value = { body: value };
    return value;
  };

  it("refuses a body nested more than MAX_JSON_DEPTH levels, before ajv sees it", () => {
    expect(sendMessage.validate({ params: { entity: "orders" }, query: {}, body: wrap(MAX_JSON_DEPTH + 1) })).toEqual({
      body: [{ field: "", message: `nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep` }],
    });
  });

  it("accepts a message body as deep as the limit allows inside the request", () => {
    expect(sendMessage.validate({ params: { entity: "orders" }, query: {}, body: wrap(MAX_JSON_DEPTH) })).toBeUndefined();
  });
});
