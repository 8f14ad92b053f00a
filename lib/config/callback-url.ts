/**
 * The rules of the `callbackURL` option: an http or https URL, or a path resolved against the
 * request; with `NODE_ENV=production` an absolute https URL unless the app sets
 * `allowInsecureCallbackURL`; and a warning whenever the redirect URI's origin comes from request
 * headers.
 */

import { optionError } from './option-checks.js';

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:/i;

/** True for a URL with a scheme; false for a path (or a `//host/path` reference). */
export function isAbsoluteURL(url: string): boolean {
  return ABSOLUTE_URL.test(url);
}

/** Throws a `TypeError` naming the option when `url` has a scheme other than http or https. */
export function checkCallbackURLScheme(url: string, name = 'callbackURL'): void {
  if (!isAbsoluteURL(url)) return;
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw optionError(`option ${name} must be an http or https URL or a path`);
  }
  if (protocol !== 'https:' && protocol !== 'http:')
    throw optionError(
      `option ${name} must be an http or https URL (or a path such as /login/callback); got a ${protocol} URL`,
    );
}

/**
 * With `NODE_ENV=production`, throws a `TypeError` unless `url` is an absolute https URL or the
 * app set `allowInsecureCallbackURL`: Microsoft sends the browser, with the authorization code, to
 * this URL, and a relative one takes its origin from the request's Host header.
 */
export function checkProductionCallbackURL(
  url: string,
  allowInsecure: boolean,
  name = 'callbackURL',
): void {
  if (allowInsecure || process.env['NODE_ENV'] !== 'production') return;
  if (isAbsoluteURL(url) && url.slice(0, 6).toLowerCase() === 'https:') return;
  const what = isAbsoluteURL(url)
    ? 'an http URL'
    : 'a relative URL (its origin would come from the Host header)';
  throw optionError(
    `option ${name} must be an absolute https URL when NODE_ENV is production; got ${what}. Write the registered redirect URI (e.g. "https://app.example.com/login/callback"), or set allowInsecureCallbackURL: true if this deployment needs it`,
  );
}

/**
 * The one-time warning for a relative `callbackURL`: its origin comes from the Host header (with
 * `proxy: true`, from X-Forwarded-Host), which a client can set.
 */
export function callbackURLWarnings(callbackURL: string, proxy: boolean): string[] {
  if (isAbsoluteURL(callbackURL)) return [];
  const example = `"https://app.example.com${callbackURL.startsWith('/') ? '' : '/'}${callbackURL}"`;
  return [
    proxy
      ? `Microsoft sign-in has a relative callbackURL ("${callbackURL}") with proxy: true, so the redirect URI is built from the Host and X-Forwarded-Host request headers, which a client can set; use an absolute callbackURL (e.g. ${example})`
      : `Microsoft sign-in has a relative callbackURL ("${callbackURL}"), so the redirect URI is built from the request's Host header, which a client can set; use an absolute callbackURL (e.g. ${example})`,
  ];
}
