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

/** Short English texts of the AADSTS codes the emulator emits. */
export const AADSTS_TEXT: Readonly<Record<number, string>> = Object.freeze({
  50011:
    'The redirect URI specified in the request does not match the redirect URIs configured for the application.',
  50020:
    'User account from identity provider does not exist in tenant and cannot access the application in that tenant.',
  50058: 'A silent sign-in request was sent but no user is signed in.',
  54005:
    'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  65004: 'User declined to consent to access the app.',
  70000: 'Provided grant is invalid or malformed.',
  70003: 'The app requested an unsupported grant type.',
  70008:
    'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  90002:
    'Tenant not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.',
  90033: 'A transient error has occurred. Please try again.',
  500200:
    'User account is a personal Microsoft account. Personal Microsoft accounts are not supported for this application unless explicitly invited to an organization.',
  500208: 'The domain is not a valid login domain for the account type.',
  501481:
    'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
  700005: 'Provided Authorization Code is intended to use against other tenant, thus rejected.',
  700016: 'Application was not found in the directory.',
  700054: 'response_type is not enabled for the application.',
  900144: 'The request body must contain the following parameter.',
  900561: 'The endpoint only accepts POST requests.',
  7000215:
    'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app.',
  7000218:
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  9002313: 'Invalid request. Request is malformed or invalid.',
});
