/**
 * Name rules of the management API, the same as `Config.json`'s: queue and topic names up to 260 characters of
 * letters, digits, `_ - . /`, starting and ending with a letter or digit; subscription and rule names up to 50
 * and without `/` (they are path segments); `$Default` is the only rule name that may start with `$`.
 */
import { AdminError } from "./admin-errors.js";

/** The kinds of named entities. */
export type NamedEntityKind = "Queue" | "Topic" | "Subscription" | "Rule";

const NAME_PATTERN = /^[A-Za-z0-9]$|^[A-Za-z0-9][\w\-./]*[A-Za-z0-9]$/;

/**
 * Checks a name given in a request URL.
 *
 * @throws AdminError 400 naming the rule the name breaks.
 */
export function checkEntityName(kind: NamedEntityKind, name: string): void {
  const maxLength = kind === "Queue" || kind === "Topic" ? 260 : 50;
  if (name.length > maxLength) {
    throw AdminError.invalid(`The ${kind.toLowerCase()} name ${JSON.stringify(name)} is longer than ${maxLength} characters.`);
  }
  if (kind === "Rule" && name.toLowerCase() === "$default") return;
  if (!NAME_PATTERN.test(name)) {
    throw AdminError.invalid(
      `The ${kind.toLowerCase()} name ${JSON.stringify(name)} is invalid: it must start and end with a letter or digit ` +
        "and contain only letters, digits, _, -, . and /.",
    );
  }
  if ((kind === "Subscription" || kind === "Rule") && name.includes("/")) {
    throw AdminError.invalid(`The ${kind.toLowerCase()} name ${JSON.stringify(name)} must not contain /.`);
  }
}
