/** What one AMQP connection has been authorised for through CBS put-token. */
import { audienceCovers } from "./sas-token.js";

export class ConnectionAuth {
  private readonly grants = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  grant(audiencePath: string, expiresAtMs: number): void {
    const current = this.grants.get(audiencePath) ?? 0;
    this.grants.set(audiencePath, Math.max(current, expiresAtMs));
  }

  /** Whether a current token covers the address (an entity, sub-queue or management path). */
  allows(address: string): boolean {
    const now = this.now();
    for (const [path, expiresAtMs] of this.grants) {
      if (expiresAtMs > now && audienceCovers(path, address)) return true;
    }
    return false;
  }
}
