/**
 * Application property names the API refuses: `__proto__`. JSON carries it, but JavaScript code that copies
 * properties into an object by assignment (the AMQP decoder of the Azure SDK among them) sets the object's
 * prototype instead of adding a property, so such a property silently disappears between send and receive.
 * Refusing it with a 400 that names it beats losing it.
 */
import type { FieldError } from "../problems/problem-error.js";

/** Body members whose value is a map of application property names to values. */
const PROPERTY_MAPS = new Set(["applicationProperties", "propertiesToModify"]);
const UNSUPPORTED_NAMES = ["__proto__"];

function escapePointer(name: string): string {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Field errors (JSON Pointers) of application property maps in a request body that use an unsupported name. */
export function unsupportedPropertyNameErrors(body: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const visit = (value: unknown, pointer: string, isPropertyMap: boolean): void => {
    if (value === null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${pointer}/${index}`, false));
      return;
    }
    if (isPropertyMap) {
      for (const name of UNSUPPORTED_NAMES) {
        if (Object.prototype.hasOwnProperty.call(value, name)) {
          errors.push({ field: `${pointer}/${escapePointer(name)}`, message: `is not a usable application property name: Service Bus clients written in JavaScript drop a property named ${name}` });
        }
      }
    }
    for (const [name, member] of Object.entries(value)) visit(member, `${pointer}/${escapePointer(name)}`, PROPERTY_MAPS.has(name));
  };
  visit(body, "", false);
  return errors;
}
