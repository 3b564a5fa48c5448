/** Handlers of the send family. */
import { sendOperations } from "../contract/registry.js";
import { bindOperation } from "../http/operation-binding.js";
import type { OperationBinding } from "../http/operation-binding.js";
import { ProblemError } from "../problems/problem-error.js";
import type { MessagingPort } from "../servicebus/messaging-port.js";

/** Bindings of SendMessage, SendMessages, ScheduleMessages and CancelScheduledMessages. */
export function sendBindings(messaging: MessagingPort, now: () => Date): OperationBinding[] {
  return [
    bindOperation(sendOperations.sendMessage, async ({ entity, body }) => {
      return { body: await messaging.sendMessage(entity, body) };
    }),
    bindOperation(sendOperations.sendMessages, async ({ entity, body }) => {
      const result = await messaging.sendMessages(entity, body.messages);
      return { body: result };
    }),
    bindOperation(sendOperations.scheduleMessages, async ({ entity, body }) => {
      const at = new Date(body.scheduledEnqueueTimeUtc);
      if (at.getTime() < now().getTime() - 60_000) {
        throw new ProblemError("ValidationFailed", { errors: { body: [{ field: "/scheduledEnqueueTimeUtc", message: "must not be in the past" }] } });
      }
      const sequenceNumbers = await messaging.scheduleMessages(entity, body.messages, at);
      return { body: { sequenceNumbers } };
    }),
    bindOperation(sendOperations.cancelScheduledMessages, async ({ entity, body }) => {
      await messaging.cancelScheduledMessages(entity, body.sequenceNumbers);
      return {};
    }),
  ];
}
