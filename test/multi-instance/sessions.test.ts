/**
 * Session calls across instances: the checklist of what routing session calls to their holder must make work,
 * whichever instance a request lands on. Each case becomes a test over `startApiCluster()` (three instances behind
 * the round-robin proxy; session-enabled queues `CLUSTER_ENTITIES.sessionQueues`, the subscription
 * `CLUSTER_ENTITIES.sessionTopic`/`sessionSubscription`, and the control queue `CLUSTER_ENTITIES.controlQueue`),
 * asserting through the proxy's counts that the call landed on an instance that does not hold the session.
 */
import { describe, it } from "vitest";

const SOURCES = [{ kind: "queue" }, { kind: "subscription" }] as const;

describe.each(SOURCES)("sessions of a $kind across three instances", () => {
  describe("messages of a session held by another instance", () => {
    it.todo("completes a session message on a non-holder");
    it.todo("completes several session messages with CompleteMessages on a non-holder");
    it.todo("abandons a session message on a non-holder, and the holder receives it again with deliveryCount 2");
    it.todo("renews a session message's lock on a non-holder");
    it.todo("defers a session message on a non-holder, and receives it deferred on another");
    it.todo("dead-letters a session message on a non-holder, with its reason in the dead-letter sub-queue");
  });

  describe("the session itself, held by another instance", () => {
    it.todo("gets the session state on a non-holder");
    it.todo("sets the session state on a non-holder, and the holder and others read it back");
    it.todo("renews the session lock on a non-holder");
    it.todo("closes the session on a non-holder, after which any instance can receive from it");
  });

  describe("next available sessions", () => {
    it.todo("hands sessions received with sessionId=* on different instances to distinct instances, never one session twice");
  });

  describe("the holder killed with SIGKILL", () => {
    it.todo("answers 410 SessionLockLost on the others within the call deadline, never a 5xx or a hang");
    it.todo("lets another instance receive the session once its lock has expired, with no message lost");
  });

  describe("the holder stopped with SIGTERM", () => {
    it.todo("releases its sessions at once, so another instance receives from them without waiting for the lock to expire");
  });
});
