/** A fake MessagingPort for unit tests: records calls and returns canned results or a configured error. */
import type { OutgoingMessageJson, ReceivedMessageJson } from "../../../api/src/contract/schemas/message.js";
import type { ReceivableEntity, SendableEntity } from "../../../api/src/contract/entity.js";
import type {
  DeadLetterOptions,
  MessageLock,
  MessagingPort,
  PeekMessagesOptions,
  ReceiveMessagesOptions,
  ReceiveSessionMessagesOptions,
  ReceiveSessionMessagesResult,
  ResubmitResult,
  ResubmitSelection,
  SendMessagesResult,
  SessionStateJson,
} from "../../../api/src/servicebus/messaging-port.js";

/** One recorded call. */
export interface FakeCall {
  method: keyof MessagingPort;
  args: unknown[];
}

/** Records calls; `failWith` makes every call reject with that error. */
export class FakeMessaging implements MessagingPort {
  readonly calls: FakeCall[] = [];
  failWith: unknown = undefined;
  messages: ReceivedMessageJson[] = [];

  private async record<T>(method: keyof MessagingPort, args: unknown[], result: T): Promise<T> {
    this.calls.push({ method, args });
    if (this.failWith !== undefined) throw this.failWith;
    return result;
  }

  sendMessage(entity: SendableEntity, message: OutgoingMessageJson): Promise<{ messageId: string }> {
    return this.record("sendMessage", [entity, message], { messageId: message.messageId ?? "id-0" });
  }
  sendMessages(entity: SendableEntity, messages: readonly OutgoingMessageJson[]): Promise<SendMessagesResult> {
    return this.record("sendMessages", [entity, messages], { messageIds: messages.map((message, index) => message.messageId ?? `id-${index}`), batchCount: 1 });
  }
  scheduleMessages(entity: SendableEntity, messages: readonly OutgoingMessageJson[], at: Date): Promise<string[]> {
    return this.record(
      "scheduleMessages",
      [entity, messages, at],
      messages.map((_, index) => String(index + 1)),
    );
  }
  cancelScheduledMessages(entity: SendableEntity, sequenceNumbers: readonly string[]): Promise<void> {
    return this.record("cancelScheduledMessages", [entity, sequenceNumbers], undefined);
  }
  peekMessages(source: ReceivableEntity, options: PeekMessagesOptions): Promise<ReceivedMessageJson[]> {
    return this.record("peekMessages", [source, options], this.messages);
  }
  receiveMessages(source: ReceivableEntity, options: ReceiveMessagesOptions): Promise<ReceivedMessageJson[]> {
    return this.record("receiveMessages", [source, options], this.messages);
  }
  receiveDeferredMessages(source: ReceivableEntity, sequenceNumbers: readonly string[]): Promise<ReceivedMessageJson[]> {
    return this.record("receiveDeferredMessages", [source, sequenceNumbers], this.messages);
  }
  completeMessage(source: ReceivableEntity, lock: MessageLock): Promise<void> {
    return this.record("completeMessage", [source, lock], undefined);
  }
  abandonMessage(source: ReceivableEntity, lock: MessageLock, propertiesToModify?: Record<string, string | number | boolean>): Promise<void> {
    return this.record("abandonMessage", [source, lock, propertiesToModify], undefined);
  }
  deferMessage(source: ReceivableEntity, lock: MessageLock, propertiesToModify?: Record<string, string | number | boolean>): Promise<void> {
    return this.record("deferMessage", [source, lock, propertiesToModify], undefined);
  }
  deadLetterMessage(source: ReceivableEntity, lock: MessageLock, options: DeadLetterOptions): Promise<void> {
    return this.record("deadLetterMessage", [source, lock, options], undefined);
  }
  renewMessageLock(source: ReceivableEntity, lock: MessageLock): Promise<Date> {
    return this.record("renewMessageLock", [source, lock], new Date("2030-01-01T00:00:00.000Z"));
  }
  resubmitDeadLetters(source: ReceivableEntity, selection: ResubmitSelection): Promise<ResubmitResult> {
    return this.record("resubmitDeadLetters", [source, selection], { resubmitted: [], notFound: [] });
  }
  receiveSessionMessages(source: ReceivableEntity, options: ReceiveSessionMessagesOptions): Promise<ReceiveSessionMessagesResult> {
    const sessionId = options.sessionId ?? "next-session";
    return this.record("receiveSessionMessages", [source, options], {
      sessionId,
      sessionLockedUntil: new Date("2030-01-01T00:00:00.000Z"),
      messages: this.messages,
    });
  }
  getSessionState(source: ReceivableEntity, sessionId: string): Promise<SessionStateJson> {
    return this.record("getSessionState", [source, sessionId], { state: null, stateEncoding: "json" });
  }
  setSessionState(source: ReceivableEntity, sessionId: string, state: SessionStateJson): Promise<void> {
    return this.record("setSessionState", [source, sessionId, state], undefined);
  }
  renewSessionLock(source: ReceivableEntity, sessionId: string): Promise<Date> {
    return this.record("renewSessionLock", [source, sessionId], new Date("2030-01-01T00:00:00.000Z"));
  }
  closeSession(source: ReceivableEntity, sessionId: string): Promise<boolean> {
    return this.record("closeSession", [source, sessionId], true);
  }
  heldCounts(): { locks: number; sessions: number } {
    return { locks: 0, sessions: 0 };
  }
  checkReadiness(): Promise<void> {
    return this.record("checkReadiness", [], undefined);
  }
  close(): Promise<void> {
    return this.record("close", [], undefined);
  }
}
