import { describe, expect, it } from "vitest";
import { ServiceBusError } from "@azure/service-bus";
import { problemOf } from "../../../../api/src/http/problem-of-error.js";
import { PROBLEMS } from "../../../../api/src/problems/codes.js";
import { ProblemError } from "../../../../api/src/problems/problem-error.js";
import { errorOfProblem, problemOfHandlerError } from "../../../../api/src/routing/route-problem.js";

describe("problems across the control queue", () => {
  it("keep a ProblemError's code, detail and field errors, and turn back into the same ProblemError", () => {
    const thrown = new ProblemError("ValidationFailed", {
      detail: "safe",
      errors: { body: [{ field: "/x", message: "is required" }] },
      extensions: { limit: 3 },
    });
    const problem = problemOfHandlerError(thrown);
    expect(problem).toEqual({
      code: "ValidationFailed",
      detail: "safe",
      errors: { body: [{ field: "/x", message: "is required" }] },
      extensions: { limit: 3 },
    });
    const rebuilt = errorOfProblem(problem);
    expect(rebuilt).toBeInstanceOf(ProblemError);
    expect({ code: rebuilt.code, status: rebuilt.status, detail: rebuilt.detail, errors: rebuilt.errors, extensions: rebuilt.extensions }).toEqual({
      code: thrown.code,
      status: thrown.status,
      detail: thrown.detail,
      errors: thrown.errors,
      extensions: thrown.extensions,
    });
  });

  it("map a Service Bus error to its table code with the table's detail, through the API's translation", () => {
    const apiTranslation = (error: unknown) => problemOf(error).problem;
    expect(problemOfHandlerError(new ServiceBusError("lock token abc expired", "MessageLockLost"), apiTranslation)).toEqual({
      code: "MessageLockLost",
      detail: PROBLEMS.MessageLockLost.detail,
    });
    expect(problemOfHandlerError(new ServiceBusError("session gone", "SessionLockLost"), apiTranslation)).toEqual({
      code: "SessionLockLost",
      detail: PROBLEMS.SessionLockLost.detail,
    });
  });

  it("without a translation, keep only ProblemErrors' codes", () => {
    expect(problemOfHandlerError(new ServiceBusError("lock token abc expired", "MessageLockLost"))).toEqual({
      code: "InternalError",
      detail: PROBLEMS.InternalError.detail,
    });
  });

  it("answer InternalError without internal text for anything else", () => {
    const problem = problemOfHandlerError(new TypeError("cannot read secretField of undefined"));
    expect(problem).toEqual({ code: "InternalError", detail: PROBLEMS.InternalError.detail });
  });
});
