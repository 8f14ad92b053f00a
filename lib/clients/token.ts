/**
 * Token endpoint client: authorization_code and refresh_token grants authenticated with the
 * application's {@link ClientCredential} (a client secret, sent in the body or as HTTP Basic, or a
 * client_assertion JWT),
 * Microsoft's error JSON kept in a {@link MicrosoftTokenError}.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { ClientCredential } from './client-credentials.js';
import { MicrosoftHttpError, MicrosoftTokenError } from '../errors.js';
import type { TokenErrorBody } from '../errors.js';
import { describeURL, parseJSON, send } from './http.js';
import type { TokenResponseParams } from '../types.js';

/** Largest token response accepted (Microsoft's are a few kB). */
const MAX_TOKEN_BODY = 256 * 1024;

/** Settings of a {@link TokenClient}. */
export interface TokenClientOptions {
  tokenURL: string;
  clientID: string;
  /** How the client authenticates (secret, certificate assertion, federated assertion). */
  credential: ClientCredential;
  timeout: number;
  customHeaders?: OutgoingHttpHeaders | undefined;
  /** `client_secret_post` (default) or `client_secret_basic`. */
  tokenAuthMethod?: 'client_secret_post' | 'client_secret_basic' | undefined;
  /**
   * Turns an error response body into an error, or `null` when it is not Microsoft's error JSON.
   * Default {@link tokenErrorFromBody}; the Passport adapter passes its `parseErrorResponse` hook.
   */
  parseError?: ((body: string, status: number) => Error | null) | undefined;
}

/** Per-request settings of {@link TokenEndpointClient.request}. */
export interface TokenRequestOptions {
  /** The token endpoint of this request (a per-request tenant's); default the configured one. */
  tokenURL?: string | undefined;
}

/** What the sign-in core needs of a token endpoint (inject a fake one in tests). */
export interface TokenEndpointClient {
  /** Posts a grant (`grant_type` and its fields) and resolves with the checked response. */
  request(
    params: Record<string, string>,
    options?: TokenRequestOptions,
  ): Promise<TokenResponseParams>;
}

/**
 * Turns a token-endpoint error body into a {@link MicrosoftTokenError}, or `null` when the body is
 * not Microsoft's error JSON.
 */
export function tokenErrorFromBody(body: unknown, status: number): MicrosoftTokenError | null {
  const json = typeof body === 'string' ? parseJSON(body) : body;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  if (typeof o['error'] !== 'string' || o['error'] === '') return null;
  const fields: TokenErrorBody = { error: o['error'] };
  for (const key of [
    'error_description',
    'timestamp',
    'trace_id',
    'correlation_id',
    'error_uri',
    'suberror',
    'claims',
  ] as const) {
    const v = o[key];
    if (typeof v === 'string') fields[key] = v;
  }
  const codes = o['error_codes'];
  if (Array.isArray(codes))
    fields.error_codes = codes.filter(
      (c): c is number => typeof c === 'number' && Number.isFinite(c),
    );
  return new MicrosoftTokenError(fields, status);
}

/** Characters the form-urlencoded serializer leaves as they are. */
const FORM_SAFE = /^[A-Za-z0-9*._-]*$/;
/** What `encodeURIComponent` leaves that the form-urlencoded serializer encodes, and spaces. */
const FORM_UNSAFE_IN_URI = /[!'()~]|%20/g;

function formEscape(match: string): string {
  return match === '%20' ? '+' : `%${match.charCodeAt(0).toString(16).toUpperCase()}`;
}

/**
 * One value form-urlencoded (`application/x-www-form-urlencoded`, spaces as `+`), byte for byte
 * what `URLSearchParams` writes, without building one for each value.
 */
function formEncode(value: string): string {
  if (FORM_SAFE.test(value)) return value;
  try {
    return encodeURIComponent(value).replace(FORM_UNSAFE_IN_URI, formEscape);
  } catch {
    // A lone surrogate: URLSearchParams writes it as U+FFFD.
    return new URLSearchParams({ v: value }).toString().slice(2);
  }
}

/** A form body of `fields`, in their order: `new URLSearchParams(fields).toString()`. */
function formBody(fields: Record<string, string>): string {
  let body = '';
  for (const name of Object.keys(fields))
    body += `${body === '' ? '' : '&'}${formEncode(name)}=${formEncode(String(fields[name]))}`;
  return body;
}

/**
 * The `Authorization` header of `client_secret_basic`: RFC 6749 section 2.3.1 form-urlencodes the
 * client id and secret before joining them with `:` and encoding them in base64.
 */
export function basicAuthorization(clientID: string, clientSecret: string): string {
  const credentials = `${formEncode(clientID)}:${formEncode(clientSecret)}`;
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

/** Talks to one token endpoint. */
export class TokenClient implements TokenEndpointClient {
  readonly #options: TokenClientOptions;

  constructor(options: TokenClientOptions) {
    this.#options = options;
  }

  /**
   * Posts a grant. `params` holds `grant_type` and its fields; the client credentials are added
   * here (a secret in the body, or as HTTP Basic with `client_secret_basic`; a client_assertion for
   * a certificate or federated credential). Resolves with the parsed response; rejects with a typed
   * error.
   */
  async request(
    params: Record<string, string>,
    options: TokenRequestOptions = {},
  ): Promise<TokenResponseParams> {
    const o = this.#options;
    const tokenURL = options.tokenURL ?? o.tokenURL;
    // An own copy, so setting the credentials keeps a key's place as URLSearchParams#set would.
    const form: Record<string, string> = { ...params };
    const headers: OutgoingHttpHeaders = {
      ...o.customHeaders,
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    const fields = await o.credential.fields(tokenURL);
    const secret = fields['client_secret'];
    if (o.tokenAuthMethod === 'client_secret_basic' && secret !== undefined) {
      delete form['client_id'];
      delete form['client_secret'];
      headers['authorization'] = basicAuthorization(o.clientID, secret);
    } else {
      form['client_id'] = o.clientID;
      for (const [key, value] of Object.entries(fields)) form[key] = value;
    }
    const res = await send({
      method: 'POST',
      url: tokenURL,
      endpoint: 'token',
      headers,
      body: formBody(form),
      timeout: o.timeout,
      maxBytes: MAX_TOKEN_BODY,
    });
    const url = describeURL(tokenURL);
    const json = parseJSON(res.body);
    if (res.status < 200 || res.status >= 300) {
      const err = o.parseError
        ? o.parseError(res.body.toString('utf8'), res.status)
        : tokenErrorFromBody(json, res.status);
      if (err) throw err;
      throw new MicrosoftHttpError(
        'invalid_response',
        'token',
        url,
        `Token endpoint answered HTTP ${res.status} without Microsoft's error JSON (${describeBody(res.headers['content-type'], res.body)})`,
        { status: res.status },
      );
    }
    if (json === null || typeof json !== 'object' || Array.isArray(json)) {
      throw new MicrosoftHttpError(
        'invalid_response',
        'token',
        url,
        `Token endpoint answered HTTP ${res.status} with a body that is not a JSON object (${describeBody(res.headers['content-type'], res.body)})`,
        { status: res.status },
      );
    }
    const body = json as Record<string, unknown>;
    const errorInBody = tokenErrorFromBody(body, res.status);
    if (errorInBody) throw errorInBody;
    if (typeof body['access_token'] !== 'string' || body['access_token'] === '') {
      throw new MicrosoftHttpError(
        'invalid_response',
        'token',
        url,
        'Token endpoint response has no access_token',
        { status: res.status },
      );
    }
    for (const key of ['refresh_token', 'id_token', 'scope', 'token_type'] as const) {
      if (body[key] !== undefined && typeof body[key] !== 'string') {
        throw new MicrosoftHttpError(
          'invalid_response',
          'token',
          url,
          `Token endpoint response has a non-string ${key}`,
          { status: res.status },
        );
      }
    }
    for (const key of ['expires_in', 'ext_expires_in'] as const) {
      const v = body[key];
      if (typeof v === 'string' && /^\d+$/.test(v)) body[key] = Number(v);
    }
    return body as TokenResponseParams;
  }
}

function describeBody(contentType: string | undefined, body: Buffer): string {
  return `${contentType ?? 'no content-type'}, ${body.length} bytes`;
}
