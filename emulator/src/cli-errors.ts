/**
 * The error of a bad command line or configuration file.
 */

/** A bad flag, environment variable or configuration file; `field` names what is wrong. */
export class EmulatorConfigError extends TypeError {
  override readonly name = 'EmulatorConfigError';
  /** Stable code of every configuration error. */
  readonly code = 'EMULATOR_CONFIG_INVALID';
  constructor(
    /** The flag, variable or configuration field, e.g. `--port` or `clients[0].redirectUris[1]`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}
