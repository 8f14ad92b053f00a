/**
 * Logging helpers: text that came from a request or from Microsoft (error descriptions, query
 * values) made safe to write to a log line, and the one-time configuration warnings.
 */

/** Where the library writes warnings: an object with `warn`, such as `console` or a pino logger. */
export interface MicrosoftLogger {
  /** Writes one warning. */
  warn(message: string): void;
}

/** The default logger: `process.emitWarning`, so warnings show once on stderr and in `--trace-warnings`. */
export const EMIT_WARNING_LOGGER: MicrosoftLogger = Object.freeze({
  warn(message: string): void {
    process.emitWarning(message, { code: 'MICROSOFT_SIGN_IN' });
  },
});

// C0 controls, DEL, C1 controls, line and paragraph separators, and the bidirectional overrides
// and isolates that can make a log line read differently from what it holds.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `value` as text that cannot forge or hide log lines: control characters (newlines included),
 * Unicode line separators and bidirectional overrides are written as `\n`, `\r`, `\t` or `\u00XX`
 * escapes, and the text is cut at `maxLength` characters (default 512) with `…` appended. Use it
 * for anything a browser or Microsoft sent (error descriptions, query values) before logging it.
 *
 * @example
 * ```ts
 * import { safeLogValue } from 'passport-microsoft-account';
 *
 * console.warn(`sign-in failed: ${safeLogValue('bad\r\n[INFO] admin logged in')}`);
 * // sign-in failed: bad\r\n[INFO] admin logged in
 * ```
 */
export function safeLogValue(value: unknown, maxLength = 512): string {
  const text = typeof value === 'string' ? value : String(value);
  const cut = text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
  return cut.replace(UNSAFE, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
