/**
 * Messages are read by many consumers and kept in dead-letter queues: secrets must never travel in them.
 * Fields whose names look like secrets are refused unless the event type explicitly allows them.
 */

/** Name fragments of secret-looking fields, compared without case, `_` or `-`. */
const SECRET_NAME_PARTS = ["password", "passwd", "secret", "token", "apikey", "connectionstring", "accesskey", "privatekey", "sharedaccess", "credential"];

/** A field whose name looks like a secret, by its JSON Pointer. */
export interface SecretLookingField {
  readonly pointer: string;
  readonly name: string;
}

function normalised(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, "");
}

/** True when a field name looks like it holds a secret. */
export function looksLikeSecretName(name: string): boolean {
  const plain = normalised(name);
  return SECRET_NAME_PARTS.some((part) => plain.includes(part));
}

function escapePointer(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Every secret-looking field in `data` (at any depth, arrays included) that `allowed` does not list; an
 * allowed entry is a field name (allowed anywhere) or a JSON Pointer (allowed at that place).
 */
export function findSecretLookingFields(data: unknown, allowed: readonly string[]): SecretLookingField[] {
  const allowedNames = new Set(allowed.filter((entry) => !entry.startsWith("/")).map(normalised));
  const allowedPointers = new Set(allowed.filter((entry) => entry.startsWith("/")));
  const found: SecretLookingField[] = [];
  const visit = (value: unknown, pointer: string): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${pointer}/${index}`));
      return;
    }
    if (value === null || typeof value !== "object") return;
    for (const [name, child] of Object.entries(value)) {
      const childPointer = `${pointer}/${escapePointer(name)}`;
      if (looksLikeSecretName(name) && !allowedNames.has(normalised(name)) && !allowedPointers.has(childPointer)) {
        found.push({ pointer: childPointer, name });
      }
      visit(child, childPointer);
    }
  };
  visit(data, "");
  return found;
}
