/** Every operation of the registry bound to its handler. */
import type { ExposedEntities } from "../config/exposed-entities.js";
import { queueOperations, subscriptionOperations } from "../contract/registry.js";
import type { OperationBinding } from "../http/operation-binding.js";
import type { MessagingPort } from "../servicebus/messaging-port.js";
import { discoveryBindings } from "./discovery-handlers.js";
import { receiverBindings } from "./receive-handlers.js";
import { sendBindings } from "./send-handlers.js";

/** What the handlers need. */
export interface HandlerDeps {
  messaging: MessagingPort;
  entities: ExposedEntities;
  now: () => Date;
}

/** The bindings of all operations, one per registry entry. */
export function allBindings({ messaging, entities, now }: HandlerDeps): OperationBinding[] {
  return [
    ...sendBindings(messaging, now),
    ...receiverBindings(queueOperations, messaging),
    ...receiverBindings(subscriptionOperations, messaging),
    ...discoveryBindings(entities),
  ];
}
