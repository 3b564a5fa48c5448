import { describe, expect, it } from "vitest";
import { compileLikePattern, matchLike } from "../../../../emulator/src/filters/sql-like.js";

function like(text: string, pattern: string, escape: string | null = null): boolean {
  const compiled = compileLikePattern(pattern, escape);
  if ("error" in compiled) throw new Error(compiled.error);
  return matchLike(compiled.pattern, text);
}

/**
 * The LIKE semantics as a regular expression, as the matcher was once written: the reference the
 * matcher must agree with on short inputs (where backtracking costs nothing).
 */
function likeByRegExp(text: string, pattern: string, escape: string | null): boolean {
  let source = "";
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i += 1) {
    const ch = chars[i] ?? "";
    if (escape !== null && ch === escape) {
      source += (chars[i + 1] ?? "").replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
      i += 1;
    } else if (ch === "%") source += ".*";
    else if (ch === "_") source += ".";
    else source += ch.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "su").test(text);
}

describe("SQL LIKE matcher", () => {
  it.each([
    ["red", "red", true],
    ["red", "re", false],
    ["red", "r%", true],
    ["red", "%d", true],
    ["red", "%e%", true],
    ["", "%", true],
    ["", "%%", true],
    ["", "_", false],
    ["", "", true],
    ["a", "", false],
    ["red", "r_d", true],
    ["red", "__", false],
    ["red", "____", false],
    ["red", "R%", false],
    ["abcabc", "%abc", true],
    ["abcabd", "%abc", false],
    ["aaab", "%a%b", true],
    ["mississippi", "m%iss%ppi", true],
    ["mississippi", "m%iss%x%", false],
    ["a.c", "a.c", true],
    ["abc", "a.c", false],
    ["[ab]", "[ab]", true],
    ["a", "[ab]", false],
    ["line1\nline2", "line1_line2", true],
    ["line1\nline2", "line1%line2", true],
    ["é", "_", true],
    ["😀", "_", true],
    ["😀😀", "_", false],
    ["x😀y", "x%y", true],
  ])("'%s' LIKE '%s' is %s", (text, pattern, expected) => {
    expect(like(text, pattern)).toBe(expected);
  });

  it.each([
    ["ABC%", "ABC\\%", "\\", true],
    ["ABCD", "ABC\\%", "\\", false],
    ["a_b", "a!_b", "!", true],
    ["axb", "a!_b", "!", false],
    ["a!b", "a!!b", "!", true],
    ["100%", "%!%", "!", true],
    ["100", "%!%", "!", false],
    ["ab", "a!b", "!", true],
    ["a%b", "a%%b", "%", true],
    ["axb", "a%%b", "%", false],
    ["a😀b", "a😀😀b", "😀", true],
  ])("'%s' LIKE '%s' ESCAPE '%s' is %s", (text, pattern, escape, expected) => {
    expect(like(text, pattern, escape)).toBe(expected);
  });

  it("refuses an escape that is not one character and a pattern ending with the escape", () => {
    expect(compileLikePattern("a%", "!!")).toEqual({ error: "the ESCAPE value must be exactly one character, got '!!'" });
    expect(compileLikePattern("a!", "!")).toEqual({ error: "the LIKE pattern 'a!' ends with the escape character" });
  });

  it("agrees with the regular-expression semantics on every short text and pattern over a small alphabet", () => {
    const alphabet = ["a", "b", "%", "_", "!", "😀"];
    const texts = ["", "a", "b", "ab", "ba", "aab", "abab", "%", "a%b", "_!", "😀a", "a😀b😀", "!!", "bbbb"];
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let round = 0; round < 3000; round += 1) {
      const length = next() % 7;
      let pattern = "";
      for (let i = 0; i < length; i += 1) pattern += alphabet[next() % alphabet.length];
      const escape = next() % 2 === 0 ? null : "!";
      if (escape !== null && "error" in compileLikePattern(pattern, escape)) continue;
      for (const text of texts) {
        expect(like(text, pattern, escape), `'${text}' LIKE '${pattern}' ESCAPE ${escape ?? "none"}`).toBe(likeByRegExp(text, pattern, escape));
      }
    }
  });

  it("answers the patterns that made a backtracking regular expression exponential", () => {
    const guid = "5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f";
    for (const pairs of [8, 16, 32]) {
      const pattern = `${"%_".repeat(pairs)}!`;
      expect(like(guid, pattern)).toBe(false);
      expect(like(`${guid}!`, pattern)).toBe(true);
      expect(like(`${"x".repeat(pairs - 1)}!`, pattern)).toBe(false);
    }
  });
});
