/**
 * The cookies of a {@link CookieStateStore} on the wire: reading the request's `Cookie` header and
 * appending `Set-Cookie` lines to the response.
 */
import { MicrosoftStateError } from '../errors.js';
import type { MicrosoftRequest } from '../types.js';

/** The part of a Node/Express response the store writes to. */
interface CookieResponse {
  headersSent?: boolean;
  getHeader(name: string): unknown;
  setHeader(name: string, value: string[]): unknown;
}

/** Cookies with this store's prefixes read from one request when it prunes, at most. */
const MAX_COOKIES_READ = 64;
/** Values of the one cookie a callback looks up by its exact name, read at most. */
const MAX_SAME_NAME = 8;

export function responseOf(req: MicrosoftRequest): CookieResponse {
  const res = (req as { res?: unknown }).res as Partial<CookieResponse> | null | undefined;
  if (
    res === null ||
    typeof res !== 'object' ||
    typeof res.getHeader !== 'function' ||
    typeof res.setHeader !== 'function'
  ) {
    throw new MicrosoftStateError(
      'response_missing',
      'CookieStateStore keeps the pending login in a cookie, but req.res is missing: use Express (which sets req.res), or set req.res to the response before passport.authenticate',
    );
  }
  if (res.headersSent === true) {
    throw new MicrosoftStateError(
      'response_missing',
      'CookieStateStore cannot set its cookie: the response headers were already sent',
    );
  }
  return res as CookieResponse;
}

export function appendSetCookie(res: CookieResponse, line: string): void {
  const previous = res.getHeader('Set-Cookie');
  const list: string[] = Array.isArray(previous)
    ? previous.filter((v): v is string => typeof v === 'string')
    : typeof previous === 'string' || typeof previous === 'number'
      ? [String(previous)]
      : [];
  res.setHeader('Set-Cookie', [...list, line]);
}

/** The `Cookie` header's `name=value` pairs (an HTTP/2 array joined), or none. */
function cookiePairs(header: unknown): string[] {
  const text = Array.isArray(header) ? header.join('; ') : header;
  return typeof text === 'string' ? text.split(';') : [];
}

/** The value of one `name=value` pair, unquoted. */
function valueOf(pair: string, eq: number): string {
  const value = pair.slice(eq + 1).trim();
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : value;
}

/**
 * The request's cookies whose names start with one of `prefixes`, each name with its prefix and
 * all its values; at most {@link MAX_COOKIES_READ} of them.
 */
export function cookiesWithPrefixes(
  header: unknown,
  prefixes: readonly string[],
): Map<string, { prefix: string; values: string[] }> {
  const found = new Map<string, { prefix: string; values: string[] }>();
  let count = 0;
  for (const pair of cookiePairs(header)) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim();
    const prefix = prefixes.find((p) => name.startsWith(p));
    if (prefix === undefined) continue;
    if (++count > MAX_COOKIES_READ) break;
    const entry = found.get(name);
    if (entry) entry.values.push(valueOf(pair, eq));
    else found.set(name, { prefix, values: [valueOf(pair, eq)] });
  }
  return found;
}

/**
 * The values of the cookie named exactly `name` (several when cookies of other paths or domains
 * share it), at most {@link MAX_SAME_NAME}; other cookies, however many, cannot hide it.
 */
export function cookieValues(header: unknown, name: string): string[] {
  const values: string[] = [];
  for (const pair of cookiePairs(header)) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    values.push(valueOf(pair, eq));
    if (values.length >= MAX_SAME_NAME) break;
  }
  return values;
}
