/**
 * Reading the incoming request: is it the start of a login or Microsoft's callback, with which
 * parameters, and what is the absolute callback URL when the option is relative.
 */
import { firstString } from '../core/callback.js';
import { MicrosoftStateError } from '../errors.js';
import { record } from '../clients/http.js';
import { safeLogValue } from '../log.js';
import type { MicrosoftRequest } from '../types.js';

/** What a request to the strategy is. */
export type IncomingStep =
  { step: 'start' } | { step: 'callback'; params: Record<string, unknown> };

function pathOf(req: MicrosoftRequest): string {
  return (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
}

/** The URL the browser asked for, as seen through proxies when `trustProxy` is true. */
export function originalURL(req: MicrosoftRequest, trustProxy: boolean): string {
  const headers = req.headers;
  const forwardedProto = trustProxy
    ? firstString(headers['x-forwarded-proto'])?.split(',')[0]?.trim().toLowerCase()
    : undefined;
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const protocol = encrypted || forwardedProto === 'https' ? 'https' : 'http';
  const host =
    (trustProxy ? firstString(headers['x-forwarded-host'])?.split(',')[0]?.trim() : undefined) ??
    headers.host ??
    'localhost';
  return `${protocol}://${host}${pathOf(req)}`;
}

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Callback URLs resolved so far, by origin and configured path: a path-absolute callback URL
 * (`/login/callback`) resolves against the request's origin alone, and an app answers on a few
 * origins, so the `URL` parse stays off the per-login path. Bounded, since `Host` comes from the
 * client.
 */
const resolved = new Map<string, string>();
const MAX_RESOLVED = 64;

/** The absolute callback URL: the configured one, resolved against the request when relative. */
export function resolveCallbackURL(
  req: MicrosoftRequest,
  configured: string,
  trustProxy: boolean,
): string {
  if (ABSOLUTE_URL.test(configured)) return configured;
  const path = pathOf(req);
  const base = originalURL(req, trustProxy);
  // Only a path-absolute reference (not `//host/...`) against a path-absolute request target
  // depends on the origin alone.
  if (!/^\/(?![/\\])/.test(configured) || path[0] !== '/') return new URL(configured, base).href;
  const origin = base.slice(0, base.length - path.length);
  const key = `${origin} ${configured}`;
  let href = resolved.get(key);
  if (href === undefined) {
    href = new URL(configured, base).href;
    // A Host the parser reads differently (empty, or with a path in it) is not kept.
    if (!href.startsWith(`${origin}/`)) return href;
    if (resolved.size >= MAX_RESOLVED) resolved.clear();
    resolved.set(key, href);
  }
  return href;
}

/**
 * Tells a login start from a callback: a callback carries `code` or `error` in the query, or in
 * the body for `response_mode=form_post`. A POST to the callback path whose body no middleware
 * parsed is a {@link MicrosoftStateError} (`body_missing`), since it would otherwise start a new login.
 */
export function incomingStep(req: MicrosoftRequest, callbackURL: string): IncomingStep {
  const query = record(req.query) ?? {};
  if (query['code'] !== undefined || query['error'] !== undefined)
    return { step: 'callback', params: query };
  if (req.method === 'POST') {
    const body = record(req.body);
    if (body !== undefined && (body['code'] !== undefined || body['error'] !== undefined))
      return { step: 'callback', params: body };
    if (req.body === undefined && pathOf(req).split('?')[0] === new URL(callbackURL).pathname)
      throw new MicrosoftStateError(
        'body_missing',
        'A form_post callback arrived but req.body is not parsed: add express.urlencoded({ extended: false }) to the callback route',
      );
  }
  return { step: 'start' };
}

/**
 * A warning when a login starts on another host than the callback URL's: the browser keeps
 * cookies per host, so the session (or login) cookie set now will not come back with Microsoft's
 * callback. Undefined when the hosts match or the request names none.
 */
export function hostMismatchWarning(
  req: MicrosoftRequest,
  callbackURL: string,
  trustProxy: boolean,
): string | undefined {
  const headers = req.headers;
  const requestHost =
    (trustProxy ? firstString(headers['x-forwarded-host'])?.split(',')[0]?.trim() : undefined) ??
    headers.host;
  const callbackHost = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(callbackURL)?.[1]?.toLowerCase();
  if (!requestHost || callbackHost === undefined || requestHost.toLowerCase() === callbackHost)
    return undefined;
  return `MicrosoftStrategy: a login started on host ${safeLogValue(requestHost, 100)}, but callbackURL is on ${callbackHost}: the browser keeps cookies per host, so the session cookie will not come back with Microsoft's callback and the sign-in will fail ("Unable to verify authorization request state"). Open the app at ${callbackHost}, or set callbackURL to the host users open (docs/errors.md). Logged once.`;
}
