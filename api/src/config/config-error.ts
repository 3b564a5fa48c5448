/** A configuration problem, naming the variable or field at fault. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    /** The environment variable or `file:/json/pointer` at fault. */
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}
