/**
 * Error bodies shaped like Microsoft's: identity-platform (AADSTS) errors and Microsoft Graph errors.
 */
import { randomUUID } from 'node:crypto';

/** Trace data Microsoft embeds in every identity-platform error. */
export interface Trace {
  traceId: string;
  correlationId: string;
  /** `yyyy-mm-dd hh:mm:ssZ`. */
  timestamp: string;
}

/** Formats a date as Microsoft's error timestamp `yyyy-mm-dd hh:mm:ssZ`. */
export function aadTimestamp(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** New trace ids; `correlationId` reuses the client's `client-request-id` when it sent one. */
export function newTrace(correlationId?: string): Trace {
  return {
    traceId: randomUUID(),
    correlationId: correlationId ?? randomUUID(),
    timestamp: aadTimestamp(),
  };
}

/** `AADSTSnnn: text\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …`. */
export function aadDescription(code: number, text: string, trace: Trace): string {
  return `AADSTS${code}: ${text}\r\nTrace ID: ${trace.traceId}\r\nCorrelation ID: ${trace.correlationId}\r\nTimestamp: ${trace.timestamp}`;
}

/** JSON error body of the token endpoint. */
export interface AadErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

/** Builds a token-endpoint error body; `origin` is the emulator URL (for `error_uri`). */
export function aadErrorBody(
  origin: string,
  error: string,
  code: number,
  text: string,
  trace: Trace,
): AadErrorBody {
  return {
    error,
    error_description: aadDescription(code, text, trace),
    error_codes: [code],
    timestamp: trace.timestamp,
    trace_id: trace.traceId,
    correlation_id: trace.correlationId,
    error_uri: `${origin}/error?code=${code}`,
  };
}

/** Query/form fields of an error sent back to the app's redirect URI by the authorize endpoint. */
export function aadRedirectError(
  origin: string,
  error: string,
  code: number,
  text: string,
  trace: Trace,
): Record<string, string> {
  return {
    error,
    error_description: aadDescription(code, text, trace),
    error_uri: `${origin}/error?code=${code}`,
  };
}

/** Microsoft Graph error body. */
export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { date: string; 'request-id': string; 'client-request-id': string };
  };
}

/** Builds a Graph error body (`innerError.date` without fractional seconds, like Graph). */
export function graphErrorBody(
  code: string,
  message: string,
  requestId: string,
  clientRequestId: string,
): GraphErrorBody {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().slice(0, 19),
        'request-id': requestId,
        'client-request-id': clientRequestId,
      },
    },
  };
}
