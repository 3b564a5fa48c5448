import { describe, expect, it } from "vitest";

import { parseSqlRuleAction } from "../../../../emulator/src/filters/sql-parser.js";
import {
  compileSqlRuleAction,
  readSystemProperty,
  SqlFilterEvaluationError,
  SqlFilterSyntaxError,
  type MessageView,
} from "../../../../emulator/src/filters/sql-filter.js";
import { formatStatement } from "./sql-ast-format.js";

function makeView(): MessageView {
  return {
    system: { MessageId: "m-1", Subject: "orders", SequenceNumber: 7 },
    user: { color: "red", quantity: 5, priority: "high", price: 2.5 },
  };
}

function run(action: string, view: MessageView = makeView()): MessageView {
  compileSqlRuleAction(action)(view);
  return view;
}

const statements = (text: string): string[] => parseSqlRuleAction(text).statements.map(formatStatement);

function syntaxError(text: string): SqlFilterSyntaxError {
  try {
    compileSqlRuleAction(text);
  } catch (error) {
    if (error instanceof SqlFilterSyntaxError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe("parseSqlRuleAction", () => {
  it.each([
    ["SET a = 1", ["SET user.a = 1"]],
    ["set a = 1", ["SET user.a = 1"]],
    ["REMOVE a", ["REMOVE user.a"]],
    ["remove user.a", ["REMOVE user.a"]],
    ["SET a = 1;", ["SET user.a = 1"]],
    ["SET a = 1; REMOVE b", ["SET user.a = 1", "REMOVE user.b"]],
    ["SET a = 1;REMOVE b;", ["SET user.a = 1", "REMOVE user.b"]],
    ["SET a = 1 SET b = 2", ["SET user.a = 1", "SET user.b = 2"]],
    ["SET a = b * 2 + 1", ["SET user.a = ((user.b * 2) + 1)"]],
    ["SET [my prop] = 'x'", ["SET user.[my prop] = 'x'"]],
    ["SET sys.label = 'x'", ["SET sys.Label = 'x'"]],
    ["SET sys.To = NULL", ["SET sys.To = NULL"]],
    ["SET sys.MessageId = newid()", ["SET sys.MessageId = newid()"]],
    ["SET a = @p", ["SET user.a = @p"]],
    ["SET set = remove REMOVE remove", ["SET user.set = user.remove", "REMOVE user.remove"]],
    [
      "SET quantity = quantity / 2; REMOVE priority;SET sys.CorrelationId = 'low';",
      ["SET user.quantity = (user.quantity / 2)", "REMOVE user.priority", "SET sys.CorrelationId = 'low'"],
    ],
  ])("%s", (text, expected) => {
    expect(statements(text)).toEqual(expected);
  });

  it("accepts up to 32 statements", () => {
    const text = Array.from({ length: 32 }, (_, i) => `SET a${i} = ${i}`).join(";");
    expect(parseSqlRuleAction(text).statements).toHaveLength(32);
  });

  it("records statement positions", () => {
    expect(parseSqlRuleAction("SET a = 1; REMOVE b").statements).toMatchObject([
      { kind: "set", position: 0, target: { position: 4 }, value: { position: 8 } },
      { kind: "remove", position: 11, target: { position: 18 } },
    ]);
  });
});

describe("rule action syntax errors name the position", () => {
  it.each([
    ["", 0, "the expression is empty"],
    [" ; ", 1, "expected SET or REMOVE but found ';'"],
    [";", 0, "expected SET or REMOVE but found ';'"],
    ["DELETE a", 0, "expected SET or REMOVE but found 'DELETE'"],
    ["[SET] a = 1", 0, "expected SET or REMOVE but found '[SET]'"],
    ["a = 1", 0, "expected SET or REMOVE but found 'a'"],
    ["SET", 3, "expected a property name but found end of input"],
    ["SET a", 5, "expected '=' but found end of input"],
    ["SET a 1", 6, "expected '=' but found '1'"],
    ["SET a =", 7, "expected an expression but found end of input"],
    ["SET a = 'x", 8, "unterminated string constant"],
    ["SET a = (1 + 2", 14, "expected ')' but found end of input"],
    ["SET a = 1 b = 2", 10, "expected ';' or end of input but found 'b'"],
    ["SET a = b = c", 10, "expected ';' or end of input but found '='"],
    ["SET a = 1;;", 10, "expected SET or REMOVE but found ';'"],
    ["SET a = 1, SET b = 2", 9, "expected ';' or end of input but found ','"],
    ["SET a = (b = 1)", 9, "expected a value expression but found a predicate"],
    ["SET a = b IS NULL", 10, "expected ';' or end of input but found 'IS'"],
    ["SET a = 1 # 2", 10, "unexpected character '#'"],
    ["SET 1 = 2", 4, "expected a property name but found '1'"],
    ["SET p('a') = 2", 5, "expected '=' but found '('"],
    ["REMOVE", 6, "expected a property name but found end of input"],
    ["REMOVE 'a'", 7, "expected a property name but found ''a''"],
    ["SET sys.Foo = 'x'", 4, "unknown system property 'sys.Foo'"],
    ["SET sys.SequenceNumber = 1", 4, "system property 'sys.SequenceNumber' cannot be set by a rule action"],
    ["SET a = 1; SET sys.EnqueuedTimeUtc = NULL", 15, "system property 'sys.EnqueuedTimeUtc' cannot be set by a rule action"],
    ["SET sys.DeliveryCount = 2", 4, "system property 'sys.DeliveryCount' cannot be set by a rule action"],
    ["SET sys.To = 5", 13, "system property 'sys.To' requires a string value"],
    ["SET sys.Label = TRUE", 16, "system property 'sys.Label' requires a string value"],
    ["REMOVE sys.To", 7, "REMOVE cannot be applied to system property 'sys.To'"],
    ["SET a = @missing", 8, "parameter '@missing' is not defined"],
  ])("%j fails at %i", (text, position, detail) => {
    const error = syntaxError(text);
    expect(error.position).toBe(position);
    expect(error.detail).toBe(detail);
    expect(error.message).toBe(`Syntax error at position ${position}: ${detail}`);
  });

  it("rejects a 33rd statement at its position", () => {
    const parts = Array.from({ length: 33 }, (_, i) => `SET a${i} = 1`);
    const text = parts.join(";");
    const error = syntaxError(text);
    expect(error.position).toBe(text.lastIndexOf("SET"));
    expect(error.detail).toBe("a rule action may contain at most 32 statements");
  });

  it("rejects actions longer than 1024 characters", () => {
    const ok = `SET a = '${"x".repeat(1024 - 10)}'`;
    expect(ok).toHaveLength(1024);
    expect(() => compileSqlRuleAction(ok)).not.toThrow();
    const error = syntaxError(`${ok} `);
    expect(error.position).toBe(1024);
  });
});

describe("SET on user properties", () => {
  it("creates and overwrites properties", () => {
    const view = run("SET size = 'XL'; SET color = 'blue'");
    expect(view.user).toMatchObject({ size: "XL", color: "blue" });
  });

  it("evaluates expressions over current values with C# integer semantics", () => {
    expect(run("SET quantity = quantity / 2").user.quantity).toBe(2);
    expect(run("SET quantity = quantity / 2.0").user.quantity).toBe(2.5);
    expect(run("SET quantity = quantity * price").user.quantity).toBe(12.5);
    expect(run("SET quantity = -quantity % 3").user.quantity).toBe(-2);
    expect(run("SET label = color + '-' + priority").user.label).toBe("red-high");
  });

  it("stores constants of every type", () => {
    const view = run("SET i = 42; SET d = 1.5E1; SET s = 'it''s'; SET t = TRUE; SET f = false; SET n = NULL");
    expect(view.user).toMatchObject({ i: 42, d: 15, s: "it's", t: true, f: false, n: null });
  });

  it("keeps integers beyond the safe range as bigint", () => {
    const view = run("SET big = 9223372036854775807; SET small = 9007199254740991");
    expect(view.user.big).toBe(9223372036854775807n);
    expect(view.user.small).toBe(9007199254740991);
  });

  it("stores NULL when the value is unknown", () => {
    const view = run("SET copy = missing; SET sum = missing + 1; SET odd = 'a' + 1");
    expect(view.user).toMatchObject({ copy: null, sum: null, odd: null });
    expect(Object.hasOwn(view.user, "copy")).toBe(true);
  });

  it("runs statements in order, each seeing the previous ones", () => {
    const view = run("SET a = 1; SET b = a + 1; SET a = b * 10; REMOVE b");
    expect(view.user.a).toBe(20);
    expect(view.user).not.toHaveProperty("b");
  });

  it("updates an existing property whose name differs only in case", () => {
    const view = run("SET COLOR = 'blue'");
    expect(view.user.color).toBe("blue");
    expect(view.user).not.toHaveProperty("COLOR");
  });

  it("writes delimited, quoted and user.-scoped names", () => {
    const view = run('SET [my prop] = 1; SET "a ""b""" = 2; SET user.c = 3');
    expect(view.user).toMatchObject({ "my prop": 1, 'a "b"': 2, c: 3 });
  });

  it("copies values from system properties", () => {
    const view = run("SET origin = sys.MessageId; SET seq = sys.SequenceNumber + 1; SET subj = sys.Label");
    expect(view.user).toMatchObject({ origin: "m-1", seq: 8, subj: "orders" });
  });

  it("treats __proto__ as an ordinary property name", () => {
    const view = run("SET [__proto__] = 'x'");
    expect(Object.hasOwn(view.user, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(view.user)).toBe(Object.prototype);
  });

  it("binds parameters", () => {
    const view = makeView();
    compileSqlRuleAction("SET color = @c; SET quantity = quantity + @n", { parameters: { "@c": "green", n: 10 } })(view);
    expect(view.user).toMatchObject({ color: "green", quantity: 15 });
  });
});

describe("REMOVE", () => {
  it("deletes a user property", () => {
    const view = run("REMOVE priority");
    expect(view.user).not.toHaveProperty("priority");
    expect(view.user).toMatchObject({ color: "red", quantity: 5 });
  });

  it("ignores a property that does not exist", () => {
    const view = run("REMOVE nope");
    expect(Object.keys(view.user)).toEqual(["color", "quantity", "priority", "price"]);
  });

  it("matches names case-insensitively", () => {
    const view: MessageView = { system: {}, user: { Tag: 1, TAG: 2, other: 3 } };
    run("REMOVE tag", view);
    expect(view.user).toEqual({ other: 3 });
  });

  it("removes with user. scope and delimited names", () => {
    const view: MessageView = { system: {}, user: { "a b": 1, c: 2 } };
    run("REMOVE [a b]; REMOVE user.c", view);
    expect(view.user).toEqual({});
  });
});

describe("SET on system properties", () => {
  it("assigns each settable system property", () => {
    const view: MessageView = { system: {}, user: {} };
    run(
      "SET sys.To = 'to'; SET sys.ReplyTo = 'rt'; SET sys.ContentType = 'ct'; SET sys.CorrelationId = 'c'; " +
        "SET sys.MessageId = 'm'; SET sys.SessionId = 's'; SET sys.ReplyToSessionId = 'rs'; SET sys.Label = 'l'",
      view,
    );
    expect(view.system).toEqual({
      To: "to",
      ReplyTo: "rt",
      ContentType: "ct",
      CorrelationId: "c",
      MessageId: "m",
      SessionId: "s",
      ReplyToSessionId: "rs",
      Label: "l",
    });
    expect(view.user).toEqual({});
  });

  it("reuses the key already on the view, including the Label/Subject alias", () => {
    const view = run("SET sys.Label = 'invoices'; SET sys.messageid = 'm-2'");
    expect(view.system).toEqual({ MessageId: "m-2", Subject: "invoices", SequenceNumber: 7 });
    expect(readSystemProperty(view, "label")).toBe("invoices");
  });

  it("uses the canonical spelling for a new key", () => {
    const view: MessageView = { system: {}, user: {} };
    run("SET SYS.correlationID = 'x'; SET sys.subject = 'y'", view);
    expect(view.system).toEqual({ CorrelationId: "x", Subject: "y" });
  });

  it("accepts computed strings and NULL", () => {
    const view = run("SET sys.To = 'queue-' + color; SET sys.MessageId = NULL");
    expect(view.system.To).toBe("queue-red");
    expect(view.system.MessageId).toBeNull();
    expect(readSystemProperty(view, "MessageId")).toBeUndefined();
  });

  it("assigns a GUID with newid()", () => {
    const view = run("SET sys.MessageId = newid()");
    expect(view.system.MessageId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("rejects a non-string runtime value and leaves the view untouched", () => {
    const view = makeView();
    const snapshot = structuredClone(view);
    const action = compileSqlRuleAction("SET color = 'blue'; REMOVE priority; SET sys.To = quantity");
    expect(() => action(view)).toThrow(SqlFilterEvaluationError);
    expect(() => action(view)).toThrow("Evaluation error at position 50: system property 'sys.To' requires a string value but got int");
    expect(view).toEqual(snapshot);
  });

  it("leaves the view untouched when an expression throws", () => {
    const view = makeView();
    const snapshot = structuredClone(view);
    expect(() => run("SET a = 1; SET b = quantity / 0", view)).toThrow(SqlFilterEvaluationError);
    expect(view).toEqual(snapshot);
  });
});

describe("compiled actions", () => {
  it("can be applied to many messages", () => {
    const action = compileSqlRuleAction("SET quantity = quantity / 2; REMOVE priority;SET sys.CorrelationId = 'low';");
    const first = makeView();
    const second: MessageView = { system: {}, user: { quantity: 10, priority: "low" } };
    action(first);
    action(second);
    expect(first.user).toEqual({ color: "red", quantity: 2, price: 2.5 });
    expect(first.system.CorrelationId).toBe("low");
    expect(second).toEqual({ system: { CorrelationId: "low" }, user: { quantity: 5 } });
  });

  it("mutates the view's own records in place", () => {
    const view = makeView();
    const { user, system } = view;
    run("SET a = 1; SET sys.To = 'x'", view);
    expect(view.user).toBe(user);
    expect(view.system).toBe(system);
    expect(user.a).toBe(1);
    expect(system.To).toBe("x");
  });
});
