/**
 * A problem in the emulator's configuration, located by the JSON path of the offending field.
 *
 * The message reads `<source>: <field>: <what is wrong>`, for example
 * `Config.json: UserConfig.Namespaces[0].Queues[2].Properties.LockDuration: must be between PT5S and PT5M, got "PT10M"`.
 */
export class EmulatorConfigError extends Error {
  override readonly name = "EmulatorConfigError";

  /**
   * @param source - Where the configuration came from, usually a file path.
   * @param field - JSON path of the offending field, for example `UserConfig.Namespaces[0].Name`;
   *   `(root)` for the document itself.
   * @param problem - What is wrong, phrased to follow the field path.
   * @param options - Standard error options, for example the underlying `cause`.
   */
  constructor(
    readonly source: string,
    readonly field: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${source}: ${field}: ${problem}`, options);
  }
}
