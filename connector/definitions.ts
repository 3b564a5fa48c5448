/**
 * Shared schemas in `definitions`: every subtree equal to a named schema becomes a `$ref`. Names are
 * matched in order, so a later schema may contain references to an earlier one.
 */
import { isDeepStrictEqual } from "node:util";
import { isObject, toSwaggerSchema } from "./schema.js";
import type { JsonSchema } from "./schema.js";

/** A schema to share, by its definition name. */
export interface NamedSchema {
  name: string;
  schema: unknown;
}

function replaceEqual(node: unknown, target: JsonSchema, ref: JsonSchema, used: { count: number }): unknown {
  if (isObject(node) && isDeepStrictEqual(node, target)) {
    used.count += 1;
    return ref;
  }
  if (Array.isArray(node)) return node.map((child) => replaceEqual(child, target, ref, used));
  if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, replaceEqual(child, target, ref, used)]));
  return node;
}

/**
 * Replaces, in each of `roots` (mutated through the `update` callbacks), the subtrees that equal a
 * named schema, and returns the definitions that ended up referenced.
 */
export function hoistDefinitions(
  named: readonly NamedSchema[],
  roots: Array<{ get: () => unknown; set: (value: unknown) => void }>,
): Record<string, JsonSchema> {
  const definitions: Record<string, JsonSchema> = {};
  const converted: Array<{ name: string; schema: JsonSchema }> = [];
  for (const { name, schema } of named) {
    // A definition refers to the definitions named before it.
    let definition: unknown = toSwaggerSchema(schema);
    for (const earlier of converted) definition = replaceEqual(definition, earlier.schema, { $ref: `#/definitions/${earlier.name}` }, { count: 0 });
    converted.push({ name, schema: toSwaggerSchema(schema) });
    definitions[name] = definition as JsonSchema;
  }
  const usedNames = new Set<string>();
  for (const root of roots) {
    let value = root.get();
    for (const { name, schema } of converted) {
      const used = { count: 0 };
      const ref = { $ref: `#/definitions/${name}` };
      // Match against the form with earlier definitions already replaced, as the tree is by now.
      value = replaceEqual(value, definitions[name] as JsonSchema, ref, used);
      value = replaceEqual(value, schema, ref, used);
      if (used.count > 0) usedNames.add(name);
    }
    root.set(value);
  }
  // Definitions referenced from other used definitions are used too.
  let grew = true;
  while (grew) {
    grew = false;
    for (const name of usedNames) {
      for (const other of Object.keys(definitions)) {
        if (!usedNames.has(other) && JSON.stringify(definitions[name]).includes(`"#/definitions/${other}"`)) {
          usedNames.add(other);
          grew = true;
        }
      }
    }
  }
  return Object.fromEntries(Object.entries(definitions).filter(([name]) => usedNames.has(name)));
}
