/**
 * Reading the incoming request: is it the start of a login or Microsoft's callback, with which
 * parameters, and what is the absolute callback URL when the option is relative.
 */
import { firstString } from './core/callback.js';
import { StateError } from './errors.js';
import { record } from './http.js';
import type { MicrosoftRequest } from './types.js';

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

/** The absolute callback URL: the configured one, resolved against the request when relative. */
export function resolveCallbackURL(
  req: MicrosoftRequest,
  configured: string,
  trustProxy: boolean,
): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(configured)) return configured;
  return new URL(configured, originalURL(req, trustProxy)).href;
}

/**
 * Tells a login start from a callback: a callback carries `code` or `error` in the query, or in
 * the body for `response_mode=form_post`. A POST to the callback path whose body no middleware
 * parsed is a {@link StateError} (`body_missing`), since it would otherwise start a new login.
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
      throw new StateError(
        'body_missing',
        'A form_post callback arrived but req.body is not parsed: add express.urlencoded({ extended: false }) to the callback route',
      );
  }
  return { step: 'start' };
}
