import { describe, expect, it } from "vitest";
import { decodeSessionState, encodeSessionState } from "../../../../api/src/servicebus/session-state.js";
import { managementProblem } from "../../../../api/src/http/service-bus-problems.js";
import { isoDurationToMs, msToIsoDuration } from "../../../../api/src/servicebus/admin-management.js";

describe("session state codec", () => {
  it("stores JSON values as JSON text, strings as text, base64 as bytes, and null as nothing", () => {
    expect(encodeSessionState({ state: { step: 1 }, stateEncoding: "json" })?.toString()).toBe('{"step":1}');
    expect(encodeSessionState({ state: "as is", stateEncoding: "text" })?.toString()).toBe("as is");
    expect(encodeSessionState({ state: "//79", stateEncoding: "base64" })).toEqual(Buffer.from([0xff, 0xfe, 0xfd]));
    expect(encodeSessionState({ state: null, stateEncoding: "json" })).toBeNull();
    expect(() => encodeSessionState({ state: 5, stateEncoding: "text" })).toThrow(/string/);
    expect(() => encodeSessionState({ state: "not base64!", stateEncoding: "base64" })).toThrow(/base64/);
  });

  it("reads back what the SDK returns: parsed JSON, or bytes as text or base64", () => {
    expect(decodeSessionState({ step: 1 })).toEqual({ state: { step: 1 }, stateEncoding: "json" });
    expect(decodeSessionState(Buffer.from("plain"))).toEqual({ state: "plain", stateEncoding: "text" });
    expect(decodeSessionState(Buffer.from([0xff, 0xfe]))).toEqual({ state: "//4=", stateEncoding: "base64" });
    expect(decodeSessionState(null)).toEqual({ state: null, stateEncoding: "json" });
    expect(decodeSessionState(Buffer.alloc(0))).toEqual({ state: null, stateEncoding: "json" });
  });
});

describe("management API helpers", () => {
  it("converts ISO 8601 durations", () => {
    expect(isoDurationToMs("PT1M")).toBe(60_000);
    expect(isoDurationToMs("PT30S")).toBe(30_000);
    expect(isoDurationToMs("P1DT1H0.5S")).toBe(90_000_500);
    expect(isoDurationToMs("PT")).toBeUndefined();
    expect(isoDurationToMs("soon")).toBeUndefined();
    expect(msToIsoDuration(45_000)).toBe("PT45S");
  });

  it("maps management API failures to problems without leaking server text", () => {
    const failure = (statusCode: number | undefined, message = "internal text") => Object.assign(new Error(message), { statusCode });
    expect(managementProblem(failure(409), "subscription").code).toBe("MessagingEntityAlreadyExists");
    expect(managementProblem(failure(404), "topic").code).toBe("MessagingEntityNotFound");
    expect(managementProblem(failure(429), "subscription").code).toBe("ServiceBusy");
    expect(managementProblem(failure(undefined), "subscription").code).toBe("ServiceCommunicationProblem");
    const forbidden = managementProblem(failure(401), "subscription");
    expect(forbidden.code).toBe("InternalError");
    expect(forbidden.detail).not.toMatch(/internal text/);
    const badSql = managementProblem(failure(400, "SQL syntax error at position 8"), "subscription");
    expect(badSql.code).toBe("ValidationFailed");
    expect(badSql.errors?.body?.[0]?.message).toMatch(/position 8/);
  });
});
