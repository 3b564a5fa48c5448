/**
 * SQL `LIKE` patterns: compiled once into a list of tokens, matched without regular expressions.
 *
 * `%` matches any run of zero or more characters, `_` exactly one character, and the
 * optional escape character makes the following character literal (so `'ABC\%' ESCAPE '\'`
 * matches exactly `ABC%`). The whole string must match. Matching is case-sensitive
 * (ordinal), like C# string equality, and works on Unicode code points (`_` matches one
 * emoji, not half of one).
 *
 * The matcher is the classic two-pointer wildcard algorithm: when a character does not
 * match it only ever goes back to the most recent `%`, so its time is bounded by
 * (text length) × (pattern length) whatever the pattern, and is linear in the text for
 * most patterns. A backtracking regular expression (`.*` for each `%`) is exponential in
 * the number of `%` for patterns such as `%_%_%_…%_!`, which froze the process.
 *
 * @module
 */

/** One element of a compiled pattern: `%`, `_`, or one literal code point. */
export type LikeToken = { readonly kind: "anyRun" } | { readonly kind: "anyOne" } | { readonly kind: "literal"; readonly char: string };

/** A LIKE pattern compiled by {@link compileLikePattern}. */
export interface LikePattern {
  readonly tokens: readonly LikeToken[];
}

/** Result of {@link compileLikePattern}: a compiled pattern or the reason there is none. */
export type LikePatternResult = { readonly pattern: LikePattern } | { readonly error: string };

const ANY_RUN: LikeToken = { kind: "anyRun" };
const ANY_ONE: LikeToken = { kind: "anyOne" };

/**
 * Compile a LIKE `pattern` (with optional single-character `escape`) for {@link matchLike}.
 *
 * @returns `{ pattern }`, or `{ error }` when the escape is not a single character or the
 * pattern ends with a dangling escape character.
 */
export function compileLikePattern(pattern: string, escape: string | null): LikePatternResult {
  if (escape !== null && [...escape].length !== 1) {
    return { error: `the ESCAPE value must be exactly one character, got '${escape}'` };
  }
  const tokens: LikeToken[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i += 1) {
    const ch = chars[i] ?? "";
    if (escape !== null && ch === escape) {
      const escaped = chars[i + 1];
      if (escaped === undefined) {
        return { error: `the LIKE pattern '${pattern}' ends with the escape character` };
      }
      tokens.push({ kind: "literal", char: escaped });
      i += 1;
    } else if (ch === "%") {
      // Consecutive `%` match the same as one.
      if (tokens.at(-1) !== ANY_RUN) tokens.push(ANY_RUN);
    } else if (ch === "_") {
      tokens.push(ANY_ONE);
    } else {
      tokens.push({ kind: "literal", char: ch });
    }
  }
  return { pattern: { tokens } };
}

/** Whether the whole of `text` matches the compiled `pattern`. */
export function matchLike(pattern: LikePattern, text: string): boolean {
  const { tokens } = pattern;
  const chars = [...text];
  let textIndex = 0;
  let tokenIndex = 0;
  // Where the latest `%` is and how much of the text it has taken so far: on a mismatch
  // it takes one more character and matching resumes right after it.
  let anyRunTokenIndex = -1;
  let anyRunTextEnd = 0;
  while (textIndex < chars.length) {
    const token = tokens[tokenIndex];
    if (token?.kind === "anyRun") {
      anyRunTokenIndex = tokenIndex;
      anyRunTextEnd = textIndex;
      tokenIndex += 1;
    } else if (token !== undefined && (token.kind === "anyOne" || token.char === chars[textIndex])) {
      tokenIndex += 1;
      textIndex += 1;
    } else if (anyRunTokenIndex >= 0) {
      anyRunTextEnd += 1;
      textIndex = anyRunTextEnd;
      tokenIndex = anyRunTokenIndex + 1;
    } else {
      return false;
    }
  }
  while (tokens[tokenIndex]?.kind === "anyRun") tokenIndex += 1;
  return tokenIndex === tokens.length;
}
