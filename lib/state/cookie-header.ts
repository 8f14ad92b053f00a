/**
 * The cookies of a {@link CookieStateStore} on the wire: reading the request's `Cookie` header and
 * appending `Set-Cookie` lines to the response.
 */
import { MicrosoftStateError } from '../errors.js';
import type { MicrosoftRequest } from '../types.js';
import type { CookieSettings } from './cookie-options.js';

/** The part of a Node/Express response the store writes to. */
export interface CookieResponse {
  headersSent?: boolean;
  getHeader(name: string): unknown;
  setHeader(name: string, value: string[]): unknown;
}

/** Cookies with this store's prefix read from one request, at most. */
const MAX_COOKIES_READ = 64;

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

/** The cookies of the request whose names start with `prefix`, each name with all its values. */
export function cookiesWithPrefix(header: unknown, prefix: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (typeof text !== 'string') return found;
  let count = 0;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name.startsWith(prefix)) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"'))
      value = value.slice(1, -1);
    if (++count > MAX_COOKIES_READ) break;
    const values = found.get(name);
    if (values) values.push(value);
    else found.set(name, [value]);
  }
  return found;
}

/** A `Set-Cookie` line of the store's cookie `name`. */
export function cookieLine(
  settings: CookieSettings,
  name: string,
  value: string,
  maxAgeSeconds: number,
  secure: boolean,
): string {
  let line = `${name}=${value}; Max-Age=${maxAgeSeconds}; Path=${settings.path}`;
  if (settings.domain !== undefined) line += `; Domain=${settings.domain}`;
  line += `; HttpOnly; SameSite=${settings.sameSite}`;
  if (secure) line += '; Secure';
  return line;
}
