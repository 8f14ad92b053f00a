/**
 * The RFC 6750 side of the bearer strategy: where the token is read (the `Authorization: Bearer`
 * header; the form body and the query only when asked for), the `WWW-Authenticate: Bearer`
 * challenge with its `error`, `error_description` and `scope` in the characters the RFC allows,
 * and the header of a 400 or 403 challenge, which Passport leaves to the strategy.
 */
import type { ServerResponse } from 'node:http';
import type { MicrosoftRequest } from '../types.js';

/** Where the strategy may read the token besides the header. */
export interface TokenPlaces {
  body: boolean;
  query: boolean;
}

/** A token, none, or a request that carries one wrongly (`invalid`: why, for the 400). */
export type FoundToken = { token: string } | { missing: true } | { invalid: string };

// RFC 6750 2.1: credentials = "Bearer" 1*SP b64token.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const SCHEME = /^Bearer(?: |$)/i;

function fromHeader(value: unknown): string | { invalid: string } | undefined {
  if (typeof value !== 'string' || !SCHEME.test(value)) return undefined;
  const token = BEARER.exec(value)?.[1];
  return token ?? { invalid: 'the Authorization header is not "Bearer" followed by one token' };
}

function field(container: unknown, what: string): string | { invalid: string } | undefined {
  if (container === null || typeof container !== 'object') return undefined;
  const value = (container as Record<string, unknown>)['access_token'];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z0-9\-._~+/]+=*$/.test(value))
    return { invalid: `access_token in the ${what} is not one token` };
  return value;
}

function queryOf(req: MicrosoftRequest): unknown {
  if (req.query !== null && typeof req.query === 'object') return req.query;
  const url = req.url ?? '';
  const at = url.indexOf('?');
  if (at === -1) return undefined;
  const params = new URLSearchParams(url.slice(at + 1));
  const all = params.getAll('access_token');
  return { access_token: all.length > 1 ? all : all[0] };
}

/**
 * Reads the bearer token: from the header, and from a form body (`application/x-www-form-urlencoded`,
 * not GET) or the query only when `places` allows it. A token in more than one place is `invalid`.
 */
export function findToken(req: MicrosoftRequest, places: TokenPlaces): FoundToken {
  const found: (string | { invalid: string })[] = [];
  const header = fromHeader(req.headers.authorization);
  if (header !== undefined) found.push(header);
  if (places.body && req.method !== 'GET') {
    const type = req.headers['content-type'] ?? '';
    const body = /^application\/x-www-form-urlencoded\b/i.test(type)
      ? field(req.body, 'form body')
      : undefined;
    if (body !== undefined) found.push(body);
  }
  if (places.query) {
    const query = field(queryOf(req), 'query');
    if (query !== undefined) found.push(query);
  }
  const [first] = found;
  if (first === undefined) return { missing: true };
  if (found.length > 1) return { invalid: 'the request carries the token in more than one place' };
  return typeof first === 'string' ? { token: first } : first;
}

/** The parameters of one challenge. */
export interface ChallengeFields {
  realm?: string | undefined;
  error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope';
  description?: string;
  scope?: readonly string[];
}

/** RFC 6750 error_description: %x20-21 / %x23-5B / %x5D-7E (no quote, no backslash), cut short. */
export function descriptionText(text: string): string {
  const clean = text
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 300 ? clean.slice(0, 300) : clean;
}

/** RFC 6750 scope-token characters: %x21 / %x23-5B / %x5D-7E. */
function scopeToken(scope: string): string {
  return scope.replace(/[^\x21\x23-\x5b\x5d-\x7e]/g, '');
}

/** `Bearer` with its parameters, as `WWW-Authenticate` carries it. */
export function bearerChallenge(fields: ChallengeFields): string {
  const params: string[] = [];
  if (fields.realm !== undefined) params.push(`realm="${descriptionText(fields.realm)}"`);
  if (fields.error !== undefined) params.push(`error="${fields.error}"`);
  if (fields.description !== undefined)
    params.push(`error_description="${descriptionText(fields.description)}"`);
  const scope = fields.scope?.map(scopeToken).filter(Boolean) ?? [];
  if (scope.length > 0) params.push(`scope="${scope.join(' ')}"`);
  return params.length === 0 ? 'Bearer' : `Bearer ${params.join(', ')}`;
}

type WriteHead = ServerResponse['writeHead'];

/**
 * Passport writes `WWW-Authenticate` on a 401 only. For a 400 or 403 challenge the strategy sets it,
 * when the response is written with that status to a request no later strategy authenticated (so
 * a chain where another strategy succeeds gets no stale challenge). Needs `req.res` (Express).
 */
export function announceChallenge(req: MicrosoftRequest, status: number, challenge: string): void {
  const res = (req as { res?: unknown }).res as ServerResponse | undefined;
  if (res === undefined || typeof res.writeHead !== 'function') return;
  const own = Object.hasOwn(res, 'writeHead');
  // Kept unbound to be put back as it was; it is called with the response as `this`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const original = res.writeHead;
  const patched = function (this: ServerResponse, code: number, ...rest: unknown[]) {
    if (res.writeHead === patched) {
      if (own) res.writeHead = original;
      else delete (res as Partial<ServerResponse>).writeHead;
    }
    const authenticated = typeof req.isAuthenticated === 'function' && req.isAuthenticated();
    if (code === status && !authenticated && !res.hasHeader('www-authenticate'))
      res.setHeader('WWW-Authenticate', challenge);
    return (original as (...args: unknown[]) => ServerResponse).call(this, code, ...rest);
  } as WriteHead;
  res.writeHead = patched;
}
