/**
 * Tokenizer for the Service Bus SQL filter / rule-action language.
 *
 * Lexical rules follow Microsoft's "Subscription Rule SQL Filter Syntax" reference:
 * regular identifiers are a Unicode letter followed by letters, digits or `_`;
 * delimited identifiers use `[...]` (with `]]` for `]`) or `"..."` (with `""` for `"`);
 * strings use single quotes (with `''` for `'`); integer constants have no decimal
 * point, decimal constants have one, approximate constants use `E` notation.
 *
 * @module
 */

import { SqlFilterSyntaxError } from "./sql-errors.js";

/**
 * Reserved words. Keywords are matched case-insensitively and cannot be regular
 * identifiers. `SET` and `REMOVE` are deliberately not reserved: they only have meaning at
 * the start of a rule-action statement, so a filter may still name a property `set`.
 */
export const SQL_KEYWORDS = ["AND", "OR", "NOT", "IN", "LIKE", "ESCAPE", "IS", "NULL", "TRUE", "FALSE", "EXISTS"] as const;

/** One of {@link SQL_KEYWORDS}. */
export type SqlKeyword = (typeof SQL_KEYWORDS)[number];

/** Operators and punctuation. */
export type SqlSymbol = "=" | "<>" | "!=" | ">" | ">=" | "<" | "<=" | "+" | "-" | "*" | "/" | "%" | "(" | ")" | "," | "." | ";";

interface TokenBase {
  /** 0-based offset of the first character. */
  readonly position: number;
  /** The exact source text of the token. */
  readonly text: string;
}

/** A lexical token. */
export type SqlToken =
  | (TokenBase & { readonly kind: "keyword"; readonly keyword: SqlKeyword })
  | (TokenBase & { readonly kind: "identifier"; readonly name: string; readonly delimited: boolean })
  | (TokenBase & { readonly kind: "parameter"; readonly name: string })
  | (TokenBase & { readonly kind: "string"; readonly value: string })
  | (TokenBase & { readonly kind: "integer"; readonly value: bigint })
  | (TokenBase & { readonly kind: "double"; readonly value: number })
  | (TokenBase & { readonly kind: "symbol"; readonly symbol: SqlSymbol })
  | (TokenBase & { readonly kind: "end" });

const KEYWORD_SET: ReadonlySet<string> = new Set(SQL_KEYWORDS);
const TWO_CHAR_SYMBOLS: readonly SqlSymbol[] = ["<>", "!=", ">=", "<="];
const SINGLE_SYMBOLS = new Set<string>(["=", ">", "<", "+", "-", "*", "/", "%", "(", ")", ",", ".", ";"]);
const LETTER = /^\p{L}$/u;
const DIGIT = /^\p{Nd}$/u;
const ASCII_DIGIT = /^[0-9]$/;
const WHITESPACE = /^\s$/u;

/** Describe a token for error messages: `'AND'`, `end of input`. */
export function describeToken(token: SqlToken): string {
  if (token.kind === "end") return "end of input";
  const text = token.text.length > 32 ? `${token.text.slice(0, 32)}…` : token.text;
  return `'${text}'`;
}

function codePointAt(source: string, index: number): string {
  const cp = source.codePointAt(index);
  return cp === undefined ? "" : String.fromCodePoint(cp);
}

function isIdentifierPart(ch: string): boolean {
  return ch === "_" || LETTER.test(ch) || DIGIT.test(ch);
}

/**
 * Read a quoted run starting at `start` (which holds `open`), where `close` is escaped
 * by doubling it. Returns the unescaped content and the offset just past the closing char.
 */
function readQuoted(source: string, start: number, close: string, what: string): { value: string; end: number } {
  let value = "";
  let i = start + 1;
  for (;;) {
    const ch = source[i];
    if (ch === undefined) {
      throw new SqlFilterSyntaxError(`unterminated ${what}`, start);
    }
    if (ch === close) {
      if (source[i + 1] === close) {
        value += close;
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += ch;
    i += 1;
  }
}

function readNumber(source: string, start: number): SqlToken {
  let i = start;
  while (ASCII_DIGIT.test(source[i] ?? "")) i += 1;
  let isDouble = false;
  if (source[i] === ".") {
    isDouble = true;
    i += 1;
    while (ASCII_DIGIT.test(source[i] ?? "")) i += 1;
  }
  if (source[i] === "e" || source[i] === "E") {
    isDouble = true;
    i += 1;
    if (source[i] === "+" || source[i] === "-") i += 1;
    if (!ASCII_DIGIT.test(source[i] ?? "")) {
      throw new SqlFilterSyntaxError(`invalid numeric constant '${source.slice(start, i)}': exponent has no digits`, start);
    }
    while (ASCII_DIGIT.test(source[i] ?? "")) i += 1;
  }
  const next = codePointAt(source, i);
  if (next !== "" && (isIdentifierPart(next) || next === ".")) {
    throw new SqlFilterSyntaxError(`invalid numeric constant '${source.slice(start, i + next.length)}'`, start);
  }
  const text = source.slice(start, i);
  if (isDouble) {
    return { kind: "double", position: start, text, value: Number(text) };
  }
  return { kind: "integer", position: start, text, value: BigInt(text) };
}

/**
 * Split `source` into tokens. The last token is always `{ kind: "end" }`, positioned at
 * `source.length`.
 *
 * @throws {@link SqlFilterSyntaxError} on an unterminated string or identifier, a
 * malformed number or a character that cannot start a token.
 */
export function tokenizeSql(source: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = codePointAt(source, i);
    if (WHITESPACE.test(ch)) {
      i += ch.length;
      continue;
    }
    const start = i;
    if (ch === "'") {
      const { value, end } = readQuoted(source, start, "'", "string constant");
      tokens.push({ kind: "string", position: start, text: source.slice(start, end), value });
      i = end;
    } else if (ch === "[" || ch === '"') {
      const close = ch === "[" ? "]" : '"';
      const { value, end } = readQuoted(source, start, close, "delimited identifier");
      if (value.length === 0) {
        throw new SqlFilterSyntaxError("empty delimited identifier", start);
      }
      tokens.push({ kind: "identifier", position: start, text: source.slice(start, end), name: value, delimited: true });
      i = end;
    } else if (ASCII_DIGIT.test(ch) || (ch === "." && ASCII_DIGIT.test(source[i + 1] ?? ""))) {
      const token = readNumber(source, start);
      tokens.push(token);
      i = start + token.text.length;
    } else if (LETTER.test(ch)) {
      i += ch.length;
      for (let next = codePointAt(source, i); next !== "" && isIdentifierPart(next); next = codePointAt(source, i)) {
        i += next.length;
      }
      const text = source.slice(start, i);
      const upper = text.toUpperCase();
      if (KEYWORD_SET.has(upper)) {
        tokens.push({ kind: "keyword", position: start, text, keyword: upper as SqlKeyword });
      } else {
        tokens.push({ kind: "identifier", position: start, text, name: text, delimited: false });
      }
    } else if (ch === "@") {
      i += 1;
      for (let next = codePointAt(source, i); next !== "" && isIdentifierPart(next); next = codePointAt(source, i)) {
        i += next.length;
      }
      if (i === start + 1) {
        throw new SqlFilterSyntaxError("expected a parameter name after '@'", start);
      }
      const text = source.slice(start, i);
      tokens.push({ kind: "parameter", position: start, text, name: text });
    } else {
      const pair = source.slice(i, i + 2);
      const symbol = TWO_CHAR_SYMBOLS.find((s) => s === pair) ?? (SINGLE_SYMBOLS.has(ch) ? (ch as SqlSymbol) : undefined);
      if (symbol === undefined) {
        throw new SqlFilterSyntaxError(`unexpected character '${ch}'`, start);
      }
      tokens.push({ kind: "symbol", position: start, text: symbol, symbol });
      i += symbol.length;
    }
  }
  tokens.push({ kind: "end", position: source.length, text: "" });
  return tokens;
}
