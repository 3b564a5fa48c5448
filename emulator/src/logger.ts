/** The logger the emulator writes to: pino's call shape, so a pino logger fits as it is. */
export interface EmulatorLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

/** A logger that drops everything (the default for embedded use and tests). */
export const silentLogger: EmulatorLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};
