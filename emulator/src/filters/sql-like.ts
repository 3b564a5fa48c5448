/**
 * Translation of SQL `LIKE` patterns into anchored regular expressions.
 *
 * `%` matches any run of zero or more characters, `_` exactly one character, and the
 * optional escape character makes the following character literal (so `'ABC\%' ESCAPE '\'`
 * matches exactly `ABC%`). The whole string must match. Matching is case-sensitive
 * (ordinal), like C# string equality.
 *
 * @module
 */

/** Result of {@link compileLikePattern}: a regular expression or the reason there is none. */
export type LikePatternResult = { readonly regexp: RegExp } | { readonly error: string };

// Only "syntax characters" may be escaped in a `u`-flag regular expression.
const REGEXP_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;

function escapeRegExp(text: string): string {
  return text.replace(REGEXP_SPECIAL, "\\$&");
}

/**
 * Compile a LIKE `pattern` (with optional single-character `escape`) into a `RegExp`
 * that must match the whole input.
 *
 * @returns `{ regexp }`, or `{ error }` when the escape is not a single character or the
 * pattern ends with a dangling escape character.
 */
export function compileLikePattern(pattern: string, escape: string | null): LikePatternResult {
  if (escape !== null && [...escape].length !== 1) {
    return { error: `the ESCAPE value must be exactly one character, got '${escape}'` };
  }
  let source = "";
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i += 1) {
    const ch = chars[i] ?? "";
    if (escape !== null && ch === escape) {
      const escaped = chars[i + 1];
      if (escaped === undefined) {
        return { error: `the LIKE pattern '${pattern}' ends with the escape character` };
      }
      source += escapeRegExp(escaped);
      i += 1;
    } else if (ch === "%") {
      source += ".*";
    } else if (ch === "_") {
      source += ".";
    } else {
      source += escapeRegExp(ch);
    }
  }
  return { regexp: new RegExp(`^${source}$`, "su") };
}
