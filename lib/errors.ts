/**
 * Error classes. Every class carries a stable string `code` to `switch` on and keeps Microsoft's
 * diagnostics (AADSTS numbers, trace and correlation ids, Graph request ids) so an operator can quote
 * them to Microsoft support. No message or property ever holds a token or the client secret.
 */
/** Shape of an OAuth 2.0 protocol error (the shape of passport-oauth2's `AuthorizationError` and `TokenError`). */
export interface OAuth2ErrorBase extends Error {
  /** The OAuth `error` value. */
  code: string;
  /** The OAuth `error_uri`, when sent. */
  uri?: string | undefined;
  /** HTTP status to answer with. */
  status: number;
}

/** Constructor of {@link OAuth2ErrorBase}. */
export interface OAuth2ErrorBaseConstructor {
  new (message: string | undefined, code: string, uri?: string, status?: number): OAuth2ErrorBase;
}

/** HTTP status passport-oauth2 gives an authorization error of `code` when none is set. */
function authorizationStatus(code: string): number {
  if (code === 'access_denied') return 403;
  if (code === 'server_error') return 502;
  if (code === 'temporarily_unavailable') return 503;
  return 500;
}

/**
 * Base of the two OAuth protocol errors. The Passport adapter links the two subclasses'
 * prototypes to passport-oauth2's `AuthorizationError` and `TokenError` when it loads, so
 * `instanceof` those classes holds as before without this file importing passport-oauth2.
 */
abstract class OAuth2ProtocolError extends Error implements OAuth2ErrorBase {
  /** The OAuth `error` value. */
  code: string;
  /** The OAuth `error_uri`, when sent. */
  uri: string | undefined;
  /** HTTP status to answer with. */
  status: number;

  constructor(message: string, code: string, uri: string | undefined, status: number) {
    super(message);
    this.code = code;
    this.uri = uri;
    this.status = status;
  }
}

/** Diagnostics Microsoft embeds in an `error_description` (`AADSTS50011: …\r\nTrace ID: …`). */
export interface AadstsDiagnostics {
  /** The AADSTS number, e.g. `50011`. */
  aadsts?: number;
  /** `Trace ID` from the description. */
  traceId?: string;
  /** `Correlation ID` from the description. */
  correlationId?: string;
  /** `Timestamp` from the description. */
  timestamp?: string;
}

const AADSTS_RE = /\bAADSTS(\d+)\b/;
const TRACE_RE = /Trace ID:\s*([0-9a-fA-F-]{8,})/;
const CORRELATION_RE = /Correlation ID:\s*([0-9a-fA-F-]{8,})/;
const TIMESTAMP_RE = /Timestamp:\s*([0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9:.]+Z)/;

/**
 * Reads the AADSTS code, trace id, correlation id and timestamp out of a Microsoft
 * `error_description`. Fields that are not present are left out.
 *
 * @example
 * ```ts
 * import { parseAadsts } from 'passport-microsoft-account';
 *
 * parseAadsts('AADSTS65004: User declined to consent.\r\nTrace ID: 1a2b3c4d-0000-0000-0000-000000000000');
 * // → { aadsts: 65004, traceId: '1a2b3c4d-0000-0000-0000-000000000000' }
 * ```
 */
export function parseAadsts(description: unknown): AadstsDiagnostics {
  const out: AadstsDiagnostics = {};
  if (typeof description !== 'string') return out;
  const code = AADSTS_RE.exec(description)?.[1];
  if (code !== undefined) out.aadsts = Number(code);
  const trace = TRACE_RE.exec(description)?.[1];
  if (trace !== undefined) out.traceId = trace;
  const correlation = CORRELATION_RE.exec(description)?.[1];
  if (correlation !== undefined) out.correlationId = correlation;
  const timestamp = TIMESTAMP_RE.exec(description)?.[1];
  if (timestamp !== undefined) out.timestamp = timestamp;
  return out;
}

/**
 * Errors a silent sign-in (`prompt: 'none'`) gets back when Microsoft needs the user: sign in,
 * interact (MFA, Conditional Access), consent, or pick an account. Retry interactively.
 */
export const INTERACTION_REQUIRED_ERRORS: readonly string[] = Object.freeze([
  'login_required',
  'interaction_required',
  'consent_required',
  'account_selection_required',
]);

/** Fields of an error callback from Microsoft's authorize endpoint. */
export interface AuthorizationErrorFields {
  /** The OAuth `error` value. */
  error: string;
  /** Microsoft's `error_description`. */
  error_description?: string | undefined;
  /** Microsoft's `error_uri`. */
  error_uri?: string | undefined;
  /** Microsoft's `error_subcode` (e.g. `cancel`). */
  error_subcode?: string | undefined;
}

/**
 * Microsoft redirected back with an error other than `access_denied` (which is a Passport `fail`).
 * `code` is the OAuth `error` value (`invalid_request`, `unauthorized_client`, `server_error`, …).
 */
export class MicrosoftAuthorizationError extends OAuth2ProtocolError {
  /** Always `'MicrosoftAuthorizationError'`. */
  override readonly name = 'MicrosoftAuthorizationError';
  /** The OAuth `error` value. */
  readonly error: string;
  /** Microsoft's `error_description`, when sent. */
  declare readonly errorDescription?: string;
  /** Microsoft's `error_uri`, when sent. */
  declare readonly errorUri?: string;
  /** Microsoft's `error_subcode` (e.g. `cancel`), when sent. */
  declare readonly errorSubcode?: string;
  /**
   * True for the errors a silent sign-in (`prompt: 'none'`) answers when the user must interact:
   * `login_required`, `interaction_required`, `consent_required`, `account_selection_required`.
   */
  declare readonly interactionRequired: boolean;
  /** AADSTS number parsed out of the description. */
  declare readonly aadsts?: number;
  /** Trace id parsed out of the description. */
  declare readonly traceId?: string;
  /** Correlation id parsed out of the description. */
  declare readonly correlationId?: string;
  /** Timestamp parsed out of the description. */
  declare readonly timestamp?: string;

  constructor(fields: AuthorizationErrorFields) {
    super(
      fields.error_description ?? `Microsoft returned error "${fields.error}"`,
      fields.error,
      fields.error_uri,
      authorizationStatus(fields.error),
    );
    this.error = fields.error;
    if (fields.error_description !== undefined) this.errorDescription = fields.error_description;
    if (fields.error_uri !== undefined) this.errorUri = fields.error_uri;
    if (fields.error_subcode !== undefined) this.errorSubcode = fields.error_subcode;
    this.interactionRequired = INTERACTION_REQUIRED_ERRORS.includes(fields.error);
    Object.assign(this, parseAadsts(fields.error_description));
  }
}

/** Fields of Microsoft's token-endpoint error JSON. */
export interface TokenErrorBody {
  /** The OAuth `error` value (`invalid_grant`, …). */
  error: string;
  /** Text with the AADSTS code, trace id, correlation id and timestamp. */
  error_description?: string;
  /** AADSTS numbers. */
  error_codes?: number[];
  /** When the error happened. */
  timestamp?: string;
  /** Request trace id. */
  trace_id?: string;
  /** Correlation id. */
  correlation_id?: string;
  /** Page with more information. */
  error_uri?: string;
  /** Microsoft's `suberror` (e.g. `basic_action`, `additional_action` with AADSTS50076/50079). */
  suberror?: string;
  /** A claims challenge (JSON): send the user back with it as the `claims` authorize option. */
  claims?: string;
}

/**
 * The token endpoint answered with an OAuth error (`invalid_grant`, `invalid_client`, …).
 * `code` is the OAuth `error` value; `errorCodes` holds the AADSTS numbers.
 */
export class MicrosoftTokenError extends OAuth2ProtocolError {
  /** Always `'MicrosoftTokenError'`. */
  override readonly name = 'MicrosoftTokenError';
  /** The OAuth `error` value. */
  readonly error: string;
  /** Microsoft's `error_description`. */
  declare readonly errorDescription?: string;
  /** Microsoft's `error_uri`. */
  declare readonly errorUri?: string;
  /** AADSTS numbers from `error_codes` (or parsed out of the description). */
  readonly errorCodes: number[];
  /** `trace_id` of the failed request. */
  declare readonly traceId?: string;
  /** `correlation_id` of the failed request. */
  declare readonly correlationId?: string;
  /** `timestamp` of the failed request. */
  declare readonly timestamp?: string;
  /** Microsoft's `suberror`, when sent (with AADSTS50076/50079: MFA required or to register). */
  declare readonly suberror?: string;
  /**
   * The claims challenge (a JSON string) Microsoft sent with the error, e.g. for Conditional Access
   * or MFA step-up: start a new login with `claims` set to it (see docs/step-up.md).
   */
  declare readonly claims?: string;
  /** HTTP status of the token response. */
  declare status: number;

  constructor(body: TokenErrorBody, status: number) {
    super(
      body.error_description ?? `Token request failed with "${body.error}"`,
      body.error,
      body.error_uri,
      status,
    );
    this.status = status;
    this.error = body.error;
    const parsed = parseAadsts(body.error_description);
    if (body.error_description !== undefined) this.errorDescription = body.error_description;
    if (body.error_uri !== undefined) this.errorUri = body.error_uri;
    this.errorCodes = body.error_codes ?? (parsed.aadsts !== undefined ? [parsed.aadsts] : []);
    const traceId = body.trace_id ?? parsed.traceId;
    if (traceId !== undefined) this.traceId = traceId;
    const correlationId = body.correlation_id ?? parsed.correlationId;
    if (correlationId !== undefined) this.correlationId = correlationId;
    const timestamp = body.timestamp ?? parsed.timestamp;
    if (timestamp !== undefined) this.timestamp = timestamp;
    if (body.suberror !== undefined) this.suberror = body.suberror;
    if (body.claims !== undefined) this.claims = body.claims;
  }
}

/** Fields of a Microsoft Graph error. */
export interface GraphErrorFields {
  /** HTTP status. */
  status: number;
  /** Graph's `error.code`. */
  graphCode?: string | undefined;
  /** Graph's `error.message` (shortened). */
  message?: string | undefined;
  /** Graph `request-id`. */
  requestId?: string | undefined;
  /** Seconds from `Retry-After`. */
  retryAfter?: number | undefined;
  /** The Graph URL called. */
  url: string;
}

/**
 * Microsoft Graph answered with an error status. `code` is Graph's error code
 * (`InvalidAuthenticationToken`, `TooManyRequests`, …) or `http_<status>` when the body had none.
 */
export class MicrosoftGraphError extends Error {
  /** Always `'MicrosoftGraphError'`. */
  override readonly name = 'MicrosoftGraphError';
  /** Graph's error code, or `http_<status>`. */
  readonly code: string;
  /** HTTP status. */
  readonly status: number;
  /** Graph `request-id` (header or `innerError`). */
  declare readonly requestId?: string;
  /** Seconds to wait, from `Retry-After` on 429/503. */
  declare readonly retryAfter?: number;
  /** The Graph URL that failed (never carries a token). */
  readonly url: string;

  constructor(fields: GraphErrorFields) {
    const code = fields.graphCode ?? `http_${fields.status}`;
    super(
      `Microsoft Graph ${fields.url} failed with HTTP ${fields.status} ${code}${fields.message ? `: ${fields.message}` : ''}`,
    );
    this.code = code;
    this.status = fields.status;
    this.url = fields.url;
    if (fields.requestId !== undefined) this.requestId = fields.requestId;
    if (fields.retryAfter !== undefined) this.retryAfter = fields.retryAfter;
  }
}

/** Codes of {@link MicrosoftHttpError}. */
export type HttpErrorCode =
  | 'timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'network'
  | 'body_too_large'
  | 'invalid_response';

/** Which outbound call failed. */
export type MicrosoftEndpoint = 'token' | 'graph' | 'photo' | 'jwks' | 'discovery';

/**
 * An outbound call to Microsoft failed below the protocol level: timed out (`timeout`), refused
 * (`connection_refused`), cut off before the body was complete (`connection_reset`, also for a
 * body shorter than its `Content-Length`), too large (`body_too_large`), or answered with a body
 * that is not what the protocol promises, such as HTML or malformed JSON (`invalid_response`).
 */
export class MicrosoftHttpError extends Error {
  /** Always `'MicrosoftHttpError'`. */
  override readonly name = 'MicrosoftHttpError';
  /** What went wrong. */
  readonly code: HttpErrorCode;
  /** Which endpoint was called. */
  readonly endpoint: MicrosoftEndpoint;
  /** The URL called (never carries a token or secret). */
  readonly url: string;
  /** HTTP status when a response arrived. */
  declare readonly status?: number;

  constructor(
    code: HttpErrorCode,
    endpoint: MicrosoftEndpoint,
    url: string,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.endpoint = endpoint;
    this.url = url;
    if (options?.status !== undefined) this.status = options.status;
  }
}

/** Codes of {@link MicrosoftIdTokenError}. */
export const ID_TOKEN_ERROR_CODES = [
  'missing',
  'malformed',
  'algorithm',
  'signature',
  'key_not_found',
  'jwks_unavailable',
  'issuer',
  'audience',
  'expired',
  'not_yet_valid',
  'nonce',
  'tenant',
  'claims',
  'auth_time',
  'acrs',
] as const;

/** Code of an {@link MicrosoftIdTokenError}: one of {@link ID_TOKEN_ERROR_CODES}. */
export type IdTokenErrorCode = (typeof ID_TOKEN_ERROR_CODES)[number];

/** The ID token is missing or failed verification. Never turned into a login. */
export class MicrosoftIdTokenError extends Error {
  /** Always `'MicrosoftIdTokenError'`. */
  override readonly name = 'MicrosoftIdTokenError';
  /** Why the token was rejected. */
  readonly code: IdTokenErrorCode;

  constructor(code: IdTokenErrorCode, message: string, options?: { cause?: unknown }) {
    super(
      `ID token rejected (${code}): ${message}`,
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.code = code;
  }
}

/** Codes of {@link MicrosoftAccessTokenError}. */
export const ACCESS_TOKEN_ERROR_CODES = [
  'malformed',
  'algorithm',
  'signature',
  'key_not_found',
  'jwks_unavailable',
  'metadata_unavailable',
  'issuer',
  'audience',
  'expired',
  'not_yet_valid',
  'claims',
  'tenant',
  'client_app',
  'graph_token',
  'insufficient_scope',
] as const;

/** Code of a {@link MicrosoftAccessTokenError}: one of {@link ACCESS_TOKEN_ERROR_CODES}. */
export type AccessTokenErrorCode = (typeof ACCESS_TOKEN_ERROR_CODES)[number];

/**
 * An access token was refused by {@link MicrosoftAccessTokenVerifier}. `code` says which check
 * failed: `insufficient_scope` for a valid token that lacks the scope or app permission the route
 * needs (`required` lists what would do), `jwks_unavailable` and `metadata_unavailable` when
 * Microsoft's keys or metadata could not be read (not the caller's fault), every other code for a
 * token this API does not accept. The message never carries the token.
 */
export class MicrosoftAccessTokenError extends Error {
  /** Always `'MicrosoftAccessTokenError'`. */
  override readonly name = 'MicrosoftAccessTokenError';
  /** Why the token was refused. */
  readonly code: AccessTokenErrorCode;
  /**
   * With `insufficient_scope`: the scopes or app permissions of which the token needs one (what a
   * client should ask for). Empty for other codes.
   */
  readonly required: readonly string[];

  constructor(
    code: AccessTokenErrorCode,
    message: string,
    options?: { cause?: unknown; required?: readonly string[] },
  ) {
    super(
      `Access token rejected (${code}): ${message}`,
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.code = code;
    this.required = Object.freeze([...(options?.required ?? [])]);
  }
}

/** Codes of {@link MicrosoftProfileError}. */
export type ProfileErrorCode = 'not_json' | 'not_object' | 'missing_id' | 'subject_mismatch';

/** A profile body (Graph `/me` or ID-token claims) could not be turned into a profile. */
export class MicrosoftProfileError extends Error {
  /** Always `'MicrosoftProfileError'`. */
  override readonly name = 'MicrosoftProfileError';
  /** What was wrong with the body. */
  readonly code: ProfileErrorCode;

  constructor(code: ProfileErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
  }
}

/**
 * Codes of {@link MicrosoftStateError}: `session_missing` (no session middleware), `body_missing` (a
 * `form_post` callback without a parsed body), `response_missing` (the cookie state store found no
 * response to set its cookie on), `cookie_too_large` (the pending login does not fit in a cookie),
 * `state_mismatch` and `code_missing` ({@link MicrosoftSignIn.callback}: the callback does not carry
 * the state of the pending login, or carries no code), `callback_malformed` (an error callback whose
 * `error` is not an OAuth error code).
 */
export type StateErrorCode =
  | 'session_missing'
  | 'body_missing'
  | 'response_missing'
  | 'cookie_too_large'
  | 'state_mismatch'
  | 'code_missing'
  | 'callback_malformed';

/**
 * The login state cannot be kept or matched: session middleware is missing, a `form_post`
 * callback arrived without a parsed body, the cookie state store cannot set its cookie, or the
 * callback does not belong to the pending login.
 */
export class MicrosoftStateError extends Error {
  /** Always `'MicrosoftStateError'`. */
  override readonly name = 'MicrosoftStateError';
  /** What is missing. */
  readonly code: StateErrorCode;

  constructor(code: StateErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * `allowedTenants` refused the tenant of a verified sign-in. The Passport strategy answers it with
 * `fail({ message, tenantId }, 403)`; {@link MicrosoftSignIn.callback} rejects with it.
 */
export class MicrosoftTenantNotAllowedError extends Error {
  /** Always `'MicrosoftTenantNotAllowedError'`. */
  override readonly name = 'MicrosoftTenantNotAllowedError';
  /** Always `'tenant_not_allowed'`. */
  readonly code = 'tenant_not_allowed';
  /** The tenant id (`tid`) that was refused. */
  readonly tenantId: string;

  constructor(tenantId: string) {
    super(`Accounts from tenant ${tenantId} are not allowed to sign in to this application`);
    this.tenantId = tenantId;
  }
}
