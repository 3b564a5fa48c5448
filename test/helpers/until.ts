/** Test helper: waits for a condition that an asynchronous part of the system makes true. */

/**
 * Resolves once `check` holds, checking every `intervalMs`; rejects with "timed out waiting" after `timeoutMs`.
 * Only for waiting: what the condition proves is asserted by the test after it.
 */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, intervalMs = 50): Promise<void> {
  const giveUp = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > giveUp) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
