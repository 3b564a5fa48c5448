/**
 * What every section of one benchmark run shares: its progress log, the measurements that could not run
 * (any of them makes the exit code 1), and the Node flags of every emulator child.
 */

/** Runs one measurement; a failure is recorded and returned instead of thrown, so the other sections go on. */
export type Attempt = <T>(what: string, task: () => Promise<T>) => Promise<T | Error>;

/** The shared state of one run, passed to each section. */
export interface BenchRun {
  readonly log: (line: string) => void;
  readonly attempt: Attempt;
  /** `what: why` of each measurement that could not run. */
  readonly failures: string[];
  /** Node flags of every emulator child (--experiment-tcp-nodelay adds a preload). */
  readonly emulatorFlags: readonly string[];
}

/** The message of an error, or the value as text. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A run that logs to stderr with a `[bench]` prefix. */
export function createBenchRun(emulatorFlags: readonly string[]): BenchRun {
  const failures: string[] = [];
  const log = (line: string): void => {
    process.stderr.write(`[bench] ${line}\n`);
  };
  const attempt: Attempt = async (what, task) => {
    try {
      return await task();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      failures.push(`${what}: ${failure.message}`);
      log(`FAILED ${what}: ${failure.message}`);
      return failure;
    }
  };
  return { log, attempt, failures, emulatorFlags };
}
