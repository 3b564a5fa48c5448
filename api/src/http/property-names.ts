/**
 * Application property names the API refuses: `__proto__`. JSON carries it, but JavaScript code that copies
 * properties into an object by assignment (the AMQP decoder of the Azure SDK among them) sets the object's
 * prototype instead of adding a property, so such a property silently disappears between send and receive.
 * Refusing it with a 400 that names it beats losing it.
 *
 * Where a body holds property maps is read once from the operation's body schema (members named
 * `applicationProperties` or `propertiesToModify`), so a request costs a look at those maps only, never a
 * walk through message bodies or event data.
 */
import type { FieldError } from "../problems/problem-error.js";

/** Body members whose value is a map of application property names to values. */
const PROPERTY_MAPS = new Set(["applicationProperties", "propertiesToModify"]);
const UNSUPPORTED_NAMES = ["__proto__"];
/** An array's items, in a {@link PropertyMapLocation}. */
const ITEMS = Symbol("items");

/** The path of a property map in a body: member names, and {@link ITEMS} for the items of an array. */
export type PropertyMapLocation = ReadonlyArray<string | typeof ITEMS>;

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
}

/** The locations of the property maps a body schema declares. */
export function propertyMapLocations(schema: unknown): PropertyMapLocation[] {
  const found: PropertyMapLocation[] = [];
  const visit = (node: SchemaNode | undefined, path: PropertyMapLocation, depth: number): void => {
    if (node === undefined || typeof node !== "object" || depth > 16) return;
    for (const [name, member] of Object.entries(node.properties ?? {})) {
      if (PROPERTY_MAPS.has(name)) found.push([...path, name]);
      else visit(member, [...path, name], depth + 1);
    }
    visit(node.items, [...path, ITEMS], depth + 1);
    for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) visit(branch, path, depth + 1);
  };
  visit(schema as SchemaNode | undefined, [], 0);
  return found;
}

function escapePointer(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Field errors (JSON Pointers) of the property maps at `locations` in a body that use an unsupported name. */
export function unsupportedPropertyNameErrors(body: unknown, locations: readonly PropertyMapLocation[]): FieldError[] {
  const errors: FieldError[] = [];
  // The pointer is only built for an error; the common case allocates nothing but the result array.
  const path: Array<string | number> = [];
  const visit = (value: unknown, location: PropertyMapLocation, index: number): void => {
    if (value === null || typeof value !== "object") return;
    if (index === location.length) {
      for (const name of UNSUPPORTED_NAMES) {
        if (Object.hasOwn(value, name)) {
          const pointer = [...path, name].map((segment) => `/${escapePointer(String(segment))}`).join("");
          errors.push({
            field: pointer,
            message: `is not a usable application property name: Service Bus clients written in JavaScript drop a property named ${name}`,
          });
        }
      }
      return;
    }
    const step = location[index];
    if (step === ITEMS) {
      if (!Array.isArray(value)) return;
      for (let item = 0; item < value.length; item += 1) {
        path.push(item);
        visit(value[item], location, index + 1);
        path.pop();
      }
      return;
    }
    if (step === undefined || Array.isArray(value) || !Object.hasOwn(value, step)) return;
    path.push(step);
    visit((value as Record<string, unknown>)[step], location, index + 1);
    path.pop();
  };
  for (const location of locations) visit(body, location, 0);
  return errors;
}
