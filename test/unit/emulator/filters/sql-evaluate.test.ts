import { describe, expect, it } from "vitest";

import { evaluateSqlFilter } from "../../../../emulator/src/filters/sql-evaluate.js";
import { compileSqlFilter, SqlFilterEvaluationError, SqlFilterSyntaxError, type MessageView } from "../../../../emulator/src/filters/sql-filter.js";
import { parseSqlFilter } from "../../../../emulator/src/filters/sql-parser.js";

const ENQUEUED = new Date("2024-05-01T12:00:00Z");

function makeView(): MessageView {
  return {
    system: {
      MessageId: "msg-1",
      CorrelationId: "corr-9",
      Label: "my-bus-label",
      To: "Store5",
      ContentType: "application/json",
      SequenceNumber: 42,
      DeliveryCount: 1,
      EnqueuedTimeUtc: ENQUEUED,
      SessionId: null,
    },
    user: {
      color: "red",
      Size: "XL",
      quantity: 5,
      price: 2.5,
      big: 9007199254740993n,
      flag: true,
      off: false,
      nothing: null,
      "my prop": "spaced",
      'say "hi"': "quoted",
      shipped: new Date("2024-04-30T00:00:00Z"),
      blob: new Uint8Array([1, 2]),
      pattern: "r%",
      esc: "!",
      badEsc: "!!",
      nameOfProp: "color",
      text: "line1\nline2",
    },
  };
}

/** Raw three-valued result: true, false or null (unknown). */
const truth = (text: string, view: MessageView = makeView()): boolean | null => evaluateSqlFilter(parseSqlFilter(text), view);
const matches = (text: string, view: MessageView = makeView()): boolean => compileSqlFilter(text)(view);

describe("special filters", () => {
  it("1=1 matches and 1=0 does not", () => {
    expect(matches("1=1")).toBe(true);
    expect(matches("1=0")).toBe(false);
    expect(matches("1=1", { system: {}, user: {} })).toBe(true);
  });

  it("TRUE and FALSE constants work as filters", () => {
    expect(matches("TRUE")).toBe(true);
    expect(matches("FALSE")).toBe(false);
  });
});

describe("comparison operators", () => {
  it.each([
    ["quantity = 5", true],
    ["quantity = 6", false],
    ["quantity <> 6", true],
    ["quantity != 5", false],
    ["quantity > 4", true],
    ["quantity > 5", false],
    ["quantity >= 5", true],
    ["quantity >= 6", false],
    ["quantity < 6", true],
    ["quantity < 5", false],
    ["quantity <= 5", true],
    ["quantity <= 4", false],
    ["5 = quantity", true],
  ])("%s -> %s", (text, expected) => {
    expect(truth(text)).toBe(expected);
  });

  it.each([
    ["quantity = 5.0", true],
    ["quantity < 5.5", true],
    ["price = 2.5", true],
    ["price > 2", true],
    ["price < 3", true],
    ["price = 25E-1", true],
    ["big = 9007199254740993", true],
    ["big > 9007199254740992", true],
    ["sys.SequenceNumber = 42", true],
    ["sys.SequenceNumber > 41.5", true],
  ])("mixes int and double: %s -> %s", (text, expected) => {
    expect(truth(text)).toBe(expected);
  });

  it.each([
    ["color = 'red'", true],
    ["color = 'RED'", false],
    ["color <> 'blue'", true],
    ["color > 'blue'", true],
    ["color < 'blue'", false],
    ["'a' < 'b'", true],
    ["'B' < 'a'", true],
    ["'' = ''", true],
  ])("compares strings ordinally: %s -> %s", (text, expected) => {
    expect(truth(text)).toBe(expected);
  });

  it.each([
    ["flag = TRUE", true],
    ["flag = FALSE", false],
    ["flag <> off", true],
    ["off = FALSE", true],
    ["flag > off", null],
    ["flag <= TRUE", null],
  ])("compares booleans with = and <> only: %s -> %s", (text, expected) => {
    expect(truth(text)).toBe(expected);
  });

  it.each([
    ["color = 5", null],
    ["quantity = '5'", null],
    ["quantity > 'a'", null],
    ["flag = 1", null],
    ["sys.EnqueuedTimeUtc = 'x'", null],
    ["blob = 1", null],
  ])("incompatible types give unknown, not an error: %s", (text, expected) => {
    expect(truth(text)).toBe(expected);
    expect(truth(`NOT (${text})`)).toBe(expected);
  });

  it("compares dates", () => {
    expect(truth("sys.EnqueuedTimeUtc > shipped")).toBe(true);
    expect(truth("shipped < sys.EnqueuedTimeUtc")).toBe(true);
    expect(truth("shipped = shipped")).toBe(true);
    expect(truth("shipped >= sys.EnqueuedTimeUtc")).toBe(false);
    const match = compileSqlFilter("sys.EnqueuedTimeUtc = @t", { parameters: { "@t": new Date(ENQUEUED.getTime()) } });
    expect(match(makeView())).toBe(true);
  });
});

describe("NULL and missing properties", () => {
  it.each([
    "missing = 1",
    "missing <> 1",
    "missing > 1",
    "1 = missing",
    "nothing = 1",
    "nothing <> 1",
    "NULL = NULL",
    "NULL <> 1",
    "missing = missing",
    "sys.SessionId = 'x'",
    "sys.ReplyTo = 'x'",
    "missing + 1 = 1",
    "-missing = 1",
    "missing LIKE 'a%'",
    "missing NOT LIKE 'a%'",
    "missing IN (1, 2)",
    "missing NOT IN (1, 2)",
    "nothing IN (NULL)",
    "color LIKE missing",
    "color LIKE 'r%' ESCAPE missing",
  ])("%s is unknown, and so is its negation", (text) => {
    expect(truth(text)).toBeNull();
    expect(truth(`NOT (${text})`)).toBeNull();
    expect(matches(text)).toBe(false);
    expect(matches(`NOT (${text})`)).toBe(false);
  });

  it.each([
    ["missing IS NULL", true],
    ["missing IS NOT NULL", false],
    ["nothing IS NULL", true],
    ["nothing IS NOT NULL", false],
    ["color IS NULL", false],
    ["color IS NOT NULL", true],
    ["off IS NULL", false],
    ["sys.SessionId IS NULL", true],
    ["sys.ReplyTo IS NULL", true],
    ["sys.MessageId IS NOT NULL", true],
    ["blob IS NOT NULL", true],
    ["toString IS NULL", true],
    ["constructor IS NULL", true],
  ])("%s -> %s", (text, expected) => {
    expect(truth(text)).toBe(expected);
  });

  it.each([
    ["EXISTS(color)", true],
    ["EXISTS(nothing)", true],
    ["EXISTS(missing)", false],
    ["EXISTS(blob)", true],
    ["EXISTS(sys.MessageId)", true],
    ["EXISTS(sys.SessionId)", false],
    ["EXISTS(sys.ReplyTo)", false],
    ["NOT EXISTS(missing)", true],
    ["EXISTS(hasOwnProperty)", false],
  ])("%s -> %s", (text, expected) => {
    expect(truth(text)).toBe(expected);
  });
});

describe("three-valued logic", () => {
  const operands = { T: "1=1", F: "1=0", U: "missing=1" } as const;
  const value = { T: true, F: false, U: null } as const;
  type V = keyof typeof operands;
  const and: Record<V, Record<V, V>> = {
    T: { T: "T", F: "F", U: "U" },
    F: { T: "F", F: "F", U: "F" },
    U: { T: "U", F: "F", U: "U" },
  };
  const or: Record<V, Record<V, V>> = {
    T: { T: "T", F: "T", U: "T" },
    F: { T: "T", F: "F", U: "U" },
    U: { T: "T", F: "U", U: "U" },
  };
  const pairs = (["T", "F", "U"] as const).flatMap((l) => (["T", "F", "U"] as const).map((r) => [l, r] as const));

  it.each(pairs)("%s AND %s follows the documented table", (l, r) => {
    expect(truth(`${operands[l]} AND ${operands[r]}`)).toBe(value[and[l][r]]);
  });

  it.each(pairs)("%s OR %s follows the documented table", (l, r) => {
    expect(truth(`${operands[l]} OR ${operands[r]}`)).toBe(value[or[l][r]]);
  });

  it.each([
    ["T", false],
    ["F", true],
    ["U", null],
  ] as const)("NOT %s is %s", (v, expected) => {
    expect(truth(`NOT ${operands[v]}`)).toBe(expected);
  });

  it("applies NOT before AND before OR", () => {
    // Parsed as (NOT F) OR (F AND F) = TRUE; a left-to-right reading would give FALSE.
    expect(truth("NOT 1=0 OR 1=0 AND 1=0")).toBe(true);
    // (T OR F) AND F would be FALSE; with precedence it is T OR (F AND F) = TRUE.
    expect(truth("1=1 OR 1=0 AND 1=0")).toBe(true);
    expect(truth("(1=1 OR 1=0) AND 1=0")).toBe(false);
  });

  it("short-circuits AND on FALSE and OR on TRUE", () => {
    expect(truth("1=0 AND 1/0 = 1")).toBe(false);
    expect(truth("1=1 OR 1/0 = 1")).toBe(true);
  });

  it("treats a bare boolean property as a predicate", () => {
    expect(truth("flag")).toBe(true);
    expect(truth("off")).toBe(false);
    expect(truth("NOT off")).toBe(true);
    expect(truth("missing")).toBeNull();
    expect(truth("color")).toBeNull();
    expect(truth("flag AND quantity = 5")).toBe(true);
  });
});

describe("arithmetic", () => {
  it.each([
    ["2 + 3 = 5", true],
    ["2 - 3 = -1", true],
    ["2 * 3 = 6", true],
    ["7 / 2 = 3", true],
    ["-7 / 2 = -3", true],
    ["7 % 3 = 1", true],
    ["-7 % 3 = -1", true],
    ["7.0 / 2 = 3.5", true],
    ["7 / 2.0 = 3.5", true],
    ["7.5 % 2 = 1.5", true],
    ["quantity / 2 = 2", true],
    ["quantity / 2.0 = 2.5", true],
    ["price * 2 = 5", true],
    ["quantity * price = 12.5", true],
    ["2 + 3 * 4 = 14", true],
    ["(2 + 3) * 4 = 20", true],
    ["10 - 4 - 3 = 3", true],
    ["100 / 10 / 5 = 2", true],
    ["2 * 3 % 4 = 2", true],
    ["-quantity = -5", true],
    ["- -quantity = 5", true],
    ["+quantity = 5", true],
    ["-price = -2.5", true],
    ["9223372036854775807 + 1 = -9223372036854775808", true],
    ["-9223372036854775808 - 1 = 9223372036854775807", true],
    ["big + 1 = 9007199254740994", true],
    ["1.0 / 0 > 1E308", true],
    ["-1.0 / 0 < -1E308", true],
    ["'ab' + 'cd' = 'abcd'", true],
    ["color + '-' + Size = 'red-XL'", true],
  ])("%s -> %s", (text, expected) => {
    expect(truth(text)).toBe(expected);
  });

  it.each(["'a' + 1 = 1", "'a' - 'b' = 1", "flag + 1 = 2", "-color = 1", "-flag = 1", "shipped + 1 = 1", "0.0 / 0 = 0.0 / 0"])(
    "%s is unknown or false, never an error",
    (text) => {
      expect(matches(text)).toBe(false);
    },
  );

  it("NaN is unequal to itself", () => {
    expect(truth("0.0 / 0 = 0.0 / 0")).toBe(false);
    expect(truth("0.0 / 0 <> 0.0 / 0")).toBe(true);
  });

  it.each([
    ["quantity / 0 = 1", 0],
    ["1 = 5 % (quantity - 5)", 4],
    ["a = 1 OR 10 / 0 = 1", 9],
  ])("integer division by zero throws SqlFilterEvaluationError: %s", (text, position) => {
    const filter = compileSqlFilter(text);
    let caught: unknown;
    try {
      filter(makeView());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SqlFilterEvaluationError);
    expect(caught).toMatchObject({ name: "SqlFilterEvaluationError", position });
    expect((caught as Error).message).toBe(`Evaluation error at position ${position}: integer division by zero`);
  });
});

describe("LIKE", () => {
  it.each([
    ["color LIKE 'red'", true],
    ["color LIKE 're'", false],
    ["color LIKE 'r%'", true],
    ["color LIKE '%d'", true],
    ["color LIKE '%e%'", true],
    ["color LIKE '%'", true],
    ["color LIKE 'r_d'", true],
    ["color LIKE '_ed'", true],
    ["color LIKE '__'", false],
    ["color LIKE '____'", false],
    ["color LIKE 'R%'", false],
    ["color NOT LIKE 'b%'", true],
    ["color NOT LIKE 'r%'", false],
    ["sys.Label LIKE '%bus%'", true],
    ["sys.Label LIKE 'bus'", false],
    ["'' LIKE '%'", true],
    ["'' LIKE '_'", false],
    ["'a.c' LIKE 'a.c'", true],
    ["'abc' LIKE 'a.c'", false],
    ["'a+b' LIKE 'a+b'", true],
    ["'(x)' LIKE '(x)'", true],
    ["'[ab]' LIKE '[ab]'", true],
    ["'a' LIKE '[ab]'", false],
    ["'x^y$' LIKE 'x^y$'", true],
    ["'a-b' LIKE 'a-b'", true],
    ["'a\\b' LIKE 'a\\b'", true],
    ["text LIKE 'line1%line2'", true],
    ["text LIKE 'line1_line2'", true],
    ["'é' LIKE '_'", true],
    ["'😀' LIKE '_'", true],
  ])("%s -> %s", (text, expected) => {
    expect(truth(text)).toBe(expected);
  });

  it.each([
    ["'ABC%' LIKE 'ABC\\%' ESCAPE '\\'", true],
    ["'ABCD' LIKE 'ABC\\%' ESCAPE '\\'", false],
    ["'ABC' LIKE 'ABC\\%' ESCAPE '\\'", false],
    ["'a_b' LIKE 'a!_b' ESCAPE '!'", true],
    ["'axb' LIKE 'a!_b' ESCAPE '!'", false],
    ["'a!b' LIKE 'a!!b' ESCAPE '!'", true],
    ["'100%' LIKE '%!%' ESCAPE '!'", true],
    ["'100' LIKE '%!%' ESCAPE '!'", false],
    ["'a%b' LIKE 'a#%b' ESCAPE '#'", true],
    ["'ab' LIKE 'a!b' ESCAPE '!'", true],
    ["'50%' NOT LIKE '50!%' ESCAPE '!'", false],
  ])("ESCAPE: %s -> %s", (text, expected) => {
    expect(truth(text)).toBe(expected);
  });

  it("takes pattern and escape from expressions", () => {
    expect(truth("color LIKE pattern")).toBe(true);
    expect(truth("'r%' LIKE 'r' + esc + '%' ESCAPE esc")).toBe(true);
    expect(truth("'rx' LIKE 'r' + esc + '%' ESCAPE esc")).toBe(false);
    expect(truth("color LIKE 'r' + '%'")).toBe(true);
  });

  it("non-string operands give unknown", () => {
    expect(truth("quantity LIKE '5'")).toBeNull();
    expect(truth("color LIKE quantity")).toBeNull();
    expect(truth("color LIKE 'r%' ESCAPE quantity")).toBeNull();
  });

  it("a runtime escape that is not one character throws SqlFilterEvaluationError", () => {
    expect(() => matches("color LIKE 'r%' ESCAPE badEsc")).toThrow(SqlFilterEvaluationError);
    expect(() => matches("color LIKE 'r%' ESCAPE badEsc")).toThrow(/position 23: the ESCAPE value must be exactly one character/);
    expect(() => matches("color LIKE 'r' + esc ESCAPE esc")).toThrow(/position 11: .*ends with the escape character/);
  });
});

describe("IN", () => {
  it.each([
    ["color IN ('red', 'blue')", true],
    ["color IN ('blue', 'green')", false],
    ["color NOT IN ('blue', 'green')", true],
    ["color NOT IN ('red')", false],
    ["quantity IN (1, 5, 9)", true],
    ["quantity IN (5.0)", true],
    ["price IN (2.5)", true],
    ["quantity IN ('5')", null],
    ["quantity IN (2 + 3)", true],
    ["'red' IN (color, Size)", true],
    ["sys.To IN ('Store5','Store6','Store7') OR StoreId = 'Store8'", true],
    ["color IN ('red', NULL)", true],
    ["color IN ('blue', missing, 'red')", true],
    ["color IN ('blue', NULL)", null],
    ["color NOT IN ('blue', NULL)", null],
    ["color NOT IN ('red', NULL)", false],
  ])("%s -> %s", (text, expected) => {
    expect(truth(text)).toBe(expected);
  });

  it("matches the documented NOT IN example", () => {
    const text =
      "sys.To NOT IN ('Store1','Store2','Store3','Store4','Store5','Store6','Store7','Store8') OR StoreId NOT IN ('Store1','Store2','Store3','Store4','Store5','Store6','Store7','Store8')";
    expect(matches(text)).toBe(false);
    const view = makeView();
    view.user.StoreId = "Store9";
    expect(matches(text, view)).toBe(true);
  });
});

describe("property names", () => {
  it("resolves system property names case-insensitively", () => {
    expect(truth("sys.messageid = 'msg-1'")).toBe(true);
    expect(truth("SYS.MESSAGEID = 'msg-1'")).toBe(true);
    expect(truth("sys.MessageId = 'msg-1'", { system: { messageid: "msg-1" }, user: {} })).toBe(true);
  });

  it("treats sys.Label and sys.Subject as the same property", () => {
    expect(truth("sys.Subject = 'my-bus-label'")).toBe(true);
    expect(truth("sys.Label = 'x'", { system: { subject: "x" }, user: {} })).toBe(true);
  });

  it("resolves user property names case-insensitively, preferring an exact match", () => {
    expect(truth("COLOR = 'red'")).toBe(true);
    expect(truth("size = 'XL'")).toBe(true);
    const view: MessageView = { system: {}, user: { name: "lower", NAME: "upper" } };
    expect(truth("NAME = 'upper'", view)).toBe(true);
    expect(truth("name = 'lower'", view)).toBe(true);
  });

  it("keeps user and system scopes apart", () => {
    expect(truth("Size = 'XL'")).toBe(true);
    expect(truth("sys.Size IS NULL")).toBe(true);
    expect(truth("user.color = 'red'")).toBe(true);
    expect(truth("sys.To = 'Store5'")).toBe(true);
    expect(truth("To IS NULL")).toBe(true);
  });

  it("reads delimited and quoted names", () => {
    expect(truth("[my prop] = 'spaced'")).toBe(true);
    expect(truth("user.[MY PROP] = 'spaced'")).toBe(true);
    expect(truth('"say ""hi""" = \'quoted\'')).toBe(true);
  });

  it("does not read inherited object members", () => {
    expect(truth("EXISTS(toString)")).toBe(false);
    expect(truth("EXISTS([__proto__])")).toBe(false);
    expect(truth("sys.To IS NULL", { system: Object.create({ To: "x" }) as Record<string, unknown>, user: {} })).toBe(true);
  });
});

describe("value types", () => {
  it("treats integral numbers as Int64 and other numbers as Double", () => {
    const view: MessageView = { system: {}, user: { i: 7, d: 7.5, n: 2 ** 60 } };
    expect(truth("i / 2 = 3", view)).toBe(true);
    expect(truth("d / 2 = 3.75", view)).toBe(true);
    expect(truth("n > 1", view)).toBe(true);
  });

  it("accepts bigint properties", () => {
    expect(truth("x = 9223372036854775807", { system: {}, user: { x: 9223372036854775807n } })).toBe(true);
  });

  it("treats invalid dates and unsupported objects as unknown", () => {
    const view: MessageView = { system: {}, user: { when: new Date(Number.NaN), obj: { a: 1 } } };
    expect(truth("when IS NULL", view)).toBe(false);
    expect(truth("when = when", view)).toBeNull();
    expect(truth("obj = obj", view)).toBeNull();
  });
});

describe("functions", () => {
  it("newid() yields a fresh GUID string", () => {
    expect(truth("newid() LIKE '________-____-____-____-____________'")).toBe(true);
    expect(truth("newid() = newid()")).toBe(false);
  });

  it("property(name) reads the named property", () => {
    expect(truth("property('color') = 'red'")).toBe(true);
    expect(truth("p('COLOR') = 'red'")).toBe(true);
    expect(truth("property('my prop') = 'spaced'")).toBe(true);
    expect(truth("property(nameOfProp) = 'red'")).toBe(true);
    expect(truth("property('col' + 'or') = 'red'")).toBe(true);
    expect(truth("property('sys.MessageId') = 'msg-1'")).toBe(true);
    expect(truth("property('SYS.label') = 'my-bus-label'")).toBe(true);
    expect(truth("property('user.color') = 'red'")).toBe(true);
  });

  it("property(name) of something that cannot be resolved is NULL", () => {
    expect(truth("property('missing') IS NULL")).toBe(true);
    expect(truth("property('sys.Nope') IS NULL")).toBe(true);
    expect(truth("property(5) IS NULL")).toBe(true);
    expect(truth("property('missing') = 1")).toBeNull();
    expect(truth("property('nothing') IS NOT NULL")).toBe(false);
  });
});

describe("parameters", () => {
  it("binds parameters by name, with or without @, case-insensitively", () => {
    expect(compileSqlFilter("color = @c", { parameters: { "@c": "red" } })(makeView())).toBe(true);
    expect(compileSqlFilter("color = @c", { parameters: { c: "red" } })(makeView())).toBe(true);
    expect(compileSqlFilter("color = @Color", { parameters: { "@COLOR": "red" } })(makeView())).toBe(true);
    expect(compileSqlFilter("quantity > @min AND flag = @f", { parameters: { "@min": 4, "@f": true } })(makeView())).toBe(true);
    expect(compileSqlFilter("quantity / @two = 2", { parameters: { "@two": 2 } })(makeView())).toBe(true);
    expect(compileSqlFilter("@on", { parameters: { "@on": true } })(makeView())).toBe(true);
  });

  it("rejects an undefined parameter at compile time with its position", () => {
    const run = (): unknown => compileSqlFilter("color = 'red' AND size = @size");
    expect(run).toThrow(SqlFilterSyntaxError);
    expect(run).toThrow("Syntax error at position 25: parameter '@size' is not defined");
  });

  it("rejects unsupported parameter values", () => {
    expect(() => compileSqlFilter("a = @x", { parameters: { "@x": { nested: true } } })).toThrow(
      "Syntax error at position 4: parameter '@x' has an unsupported value type",
    );
  });

  it("allows a NULL parameter, which compares as unknown", () => {
    const filter = compileSqlFilter("color = @x", { parameters: { "@x": null } });
    expect(filter(makeView())).toBe(false);
  });
});

describe("compiled filters", () => {
  it("can be reused across messages", () => {
    const filter = compileSqlFilter("color = 'blue' AND quantity = 10");
    expect(filter({ system: {}, user: { color: "blue", quantity: 10 } })).toBe(true);
    expect(filter({ system: {}, user: { color: "blue", quantity: 5 } })).toBe(false);
    expect(filter({ system: {}, user: { color: "red", quantity: 10 } })).toBe(false);
    expect(filter({ system: {}, user: {} })).toBe(false);
  });

  it("does not mutate the view", () => {
    const view = makeView();
    const before = JSON.stringify(view, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    compileSqlFilter("sys.Label LIKE '%bus%' OR user.tag IN ('queue', 'topic', 'subscription')")(view);
    expect(JSON.stringify(view, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).toBe(before);
  });

  it("evaluates the documented examples", () => {
    const view: MessageView = {
      system: { Label: "important", ReplyTo: "johndoe@contoso.com", CorrelationId: "email" },
      user: { color: "Red", sender: "joseph", MessageProperty: 1, MessageProperty2: 3 },
    };
    expect(matches("sys.ReplyTo = 'johndoe@contoso.com' AND sys.Label = 'important' AND color = 'Red'", view)).toBe(true);
    expect(matches("sys.CorrelationId = 'email' AND sender = 'joseph' AND (importance IS NULL OR importance = 'high')", view)).toBe(true);
    expect(matches("MessageProperty = 1 AND MessageProperty2 = 3", view)).toBe(true);
    expect(matches("MessageProperty > 2.08 OR MessageProperty2 = 3", view)).toBe(true);
    expect(matches("sys.correlationid like 'abc-%'", view)).toBe(false);
  });
});
