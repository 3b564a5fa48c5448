/**
 * A pool of SDK receivers per source and receive mode. The SDK allows one `receiveMessages` call at a
 * time per receiver, so concurrent HTTP receives each take a receiver from the pool. Receivers are
 * kept open until shutdown: their links carry the dispositions of the messages they delivered.
 */
import type { ServiceBusReceiver } from "@azure/service-bus";

/** Creates a receiver for a pool key. */
export type ReceiverFactory = () => ServiceBusReceiver;

/** Receivers of one source and mode; idle ones are reused. */
export class ReceiverPool {
  private readonly idle = new Map<string, ServiceBusReceiver[]>();
  private readonly all = new Set<ServiceBusReceiver>();

  /** Runs `work` with a receiver of `key` that no other call is using. */
  async use<T>(key: string, create: ReceiverFactory, work: (receiver: ServiceBusReceiver) => Promise<T>): Promise<T> {
    const receiver = this.idle.get(key)?.pop() ?? this.track(create());
    try {
      return await work(receiver);
    } finally {
      const list = this.idle.get(key) ?? [];
      list.push(receiver);
      this.idle.set(key, list);
    }
  }

  private track(receiver: ServiceBusReceiver): ServiceBusReceiver {
    this.all.add(receiver);
    return receiver;
  }

  /** Closes every receiver. */
  async close(): Promise<void> {
    const receivers = [...this.all];
    this.all.clear();
    this.idle.clear();
    await Promise.allSettled(receivers.map((receiver) => receiver.close()));
  }
}
