/** The logging the core receives from its host (the editor's LogOutputChannel, or stderr in the CLI). */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything (tests, and the CLI when not debugging). */
export const NULL_LOGGER: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
