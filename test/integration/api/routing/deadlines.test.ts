import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { isRouteCallTimeoutError } from "../../../../api/src/routing/route-client.js";
import { encodeRequest } from "../../../../api/src/routing/route-messages.js";
import { isRouteHeld } from "../../../../api/src/routing/route-probe.js";
import type { RouteHandler } from "../../../../api/src/routing/route-server.js";
import { routeSessionId } from "../../../../api/src/routing/route-session-id.js";
import { CONTROL_QUEUE, startRoutingFixture } from "./routing-fixture.js";
import type { RoutingFixture } from "./routing-fixture.js";

const route = routeSessionId("order-events/Subscriptions/billing", "order-7");

/** A handler that records the operations it runs. */
function recording(ran: string[]): RouteHandler {
  return async (operation) => {
    ran.push(operation);
    return operation;
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("routing: deadlines and a holder that dies", () => {
  let fixture: RoutingFixture;

  beforeEach(async () => {
    fixture = await startRoutingFixture();
  });
  afterEach(async () => fixture.close());

  it("rejects with a timeout at the deadline when nobody serves the route, and a later holder never runs that call", async () => {
    const client = await fixture.caller();
    const error = await rejection(client.call(route, "tooLate", null, { deadlineInMs: 300 }));
    expect(isRouteCallTimeoutError(error)).toBe(true);
    expect(client.pendingCalls).toBe(0);
    const ran: string[] = [];
    await fixture.server().serve(route, recording(ran));
    // Requests of a session arrive in order: once this one is answered, the earlier one was seen.
    expect(await client.call(route, "inTime", null)).toBe("inTime");
    expect(ran).toEqual(["inTime"]);
  });

  it("skips a request whose deadline has passed even when Service Bus still delivers it", async () => {
    const ran: string[] = [];
    await fixture.server().serve(route, recording(ran));
    const client = await fixture.caller();
    // Past its deadline but with a long time to live, as after clock drift between instances.
    const stale = encodeRequest(
      { callId: "stale-1", replyToSessionId: client.replySessionId, operation: "stale", args: null, deadline: Date.now() - 1 },
      route,
      60_000,
    );
    await fixture.newInstance().createSender(CONTROL_QUEUE).sendMessages(stale);
    expect(await client.call(route, "fresh", null)).toBe("fresh");
    expect(ran).toEqual(["fresh"]);
    // Completed, not left on the route session.
    expect(await fixture.newInstance().createReceiver(CONTROL_QUEUE, { subQueueType: "deadLetter" }).peekMessages(10)).toEqual([]);
  });

  it("times out a call to a holder that died, and another instance serves the route once its lock expires", async () => {
    const dying = await fixture.newFreezableInstance();
    const ranOnDead: string[] = [];
    await fixture.server(dying.client).serve(route, recording(ranOnDead));
    const client = await fixture.caller();
    expect(await client.call(route, "beforeDeath", null)).toBe("beforeDeath");

    dying.proxy.freeze();
    const error = await rejection(client.call(route, "whileDead", null, { deadlineInMs: 500 }));
    expect(isRouteCallTimeoutError(error)).toBe(true);
    // Its lock outlives it: the route still reads as held, so callers keep answering the timeout (410).
    expect(await isRouteHeld(fixture.newInstance(), route)).toBe(true);

    const ranOnHeir: string[] = [];
    // Resolves once the dead holder's lock has expired (the heir keeps trying until then).
    await fixture.server().serve(route, recording(ranOnHeir));
    expect(await client.call(route, "afterDeath", null)).toBe("afterDeath");
    expect(ranOnHeir).toEqual(["afterDeath"]);
    expect(ranOnDead).toEqual(["beforeDeath"]);
  });

  it("runs a call at most once: a holder that dies while running it does not leave it for the next holder", async () => {
    const dying = await fixture.newFreezableInstance();
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    await fixture.server(dying.client).serve(route, () => {
      started();
      return new Promise<never>(() => undefined);
    });
    const client = await fixture.caller();
    // A deadline well past the control session's lock, so the request would still be in time for the heir.
    const stuck = client.call(route, "stuck", null, { deadlineInMs: 60_000 }).catch((error: unknown) => error);
    await running;
    dying.proxy.freeze();
    const ranOnHeir: string[] = [];
    await fixture.server().serve(route, recording(ranOnHeir));
    expect(await client.call(route, "next", null)).toBe("next");
    // Wait until the route session is empty: a request left for the heir would have run by then.
    const left = (): number => fixture.emulator.broker.resolve(CONTROL_QUEUE).queue.peek(1, 10, route).length;
    for (let attempt = 0; left() > 0 && attempt < 50; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(left()).toBe(0);
    expect(ranOnHeir).toEqual(["next"]);
    await client.close();
    expect(isRouteCallTimeoutError(await stuck)).toBe(true);
  });

  it("keeps route and reply sessions past their lock duration (the SDK renews their locks)", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "debug" }, { write: (line: string) => lines.push(line) });
    await fixture.server(fixture.newInstance(), { logger }).serve(route, recording([]));
    const client = await fixture.caller(fixture.newInstance(), { logger });
    // One and a half lock durations of the control queue (5 s): without renewal both locks would have expired.
    await new Promise((resolve) => setTimeout(resolve, 7_500));
    expect(await isRouteHeld(fixture.newInstance(), route)).toBe(true);
    await expect(fixture.newInstance().acceptSession(CONTROL_QUEUE, client.replySessionId)).rejects.toMatchObject({ code: "SessionCannotBeLocked" });
    expect(await client.call(route, "later", null)).toBe("later");
    // Held all along, not lost and accepted again.
    expect(lines.filter((line) => line.includes("control session lost"))).toEqual([]);
  });

  it("accepts its reply session again after losing its lock, and answers calls after that", async () => {
    await fixture.server().serve(route, recording([]));
    const cut = await fixture.newFreezableInstance();
    const client = await fixture.caller(cut.client);
    expect(await client.call(route, "before", null)).toBe("before");

    cut.proxy.freeze();
    // Wait for the reply session's lock to expire: then another receiver can take it (and gives it back).
    const other = fixture.newInstance();
    for (;;) {
      const taken = await other.acceptSession(CONTROL_QUEUE, client.replySessionId).catch(() => undefined);
      if (taken) {
        await taken.close();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    cut.proxy.thaw();
    expect(await client.call(route, "after", null, { deadlineInMs: 10_000 })).toBe("after");
  });
});
