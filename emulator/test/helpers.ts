/**
 * Test helpers: a raw HTTP client (one connection per request), shortcuts for the login flow, and
 * what a promise rejected with.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { completeLogin, DEFAULT_CLIENT } from '../src/index.js';
import type { Emulator } from '../src/index.js';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface RawOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Certificate (PEM) to trust for an https URL. */
  ca?: string;
}

/** One HTTP(S) request on its own connection (agent: false). */
export function raw(url: string, opts: RawOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...opts.headers };
    if (opts.body !== undefined) headers['Content-Length'] = Buffer.byteLength(opts.body);
    const send = url.startsWith('https:') ? httpsRequest : request;
    const tls = opts.ca === undefined ? {} : { ca: opts.ca };
    const options = { method: opts.method ?? 'GET', headers, agent: false, ...tls };
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          text: body.toString('utf8'),
        });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Parses a JSON response body into a record. */
export function json(res: RawResponse): Record<string, unknown> {
  const value: unknown = JSON.parse(res.text);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`not a JSON object: ${res.text.slice(0, 200)}`);
  return value as Record<string, unknown>;
}

/** POSTs a form. */
export function postForm(
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return raw(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

export const CLIENT_ID = DEFAULT_CLIENT.clientID;
export const SECRET = DEFAULT_CLIENT.clientSecret;
export const REDIRECT = 'http://localhost:3000/login/callback';

/** Builds an authorize URL with sensible defaults (overridable, `undefined` removes a parameter). */
export function authorizeUrl(
  emulator: Emulator,
  params: Record<string, string | undefined> = {},
  tenant = 'common',
): string {
  const url = new URL(`${emulator.authority(tenant)}/oauth2/v2.0/authorize`);
  const all: Record<string, string | undefined> = {
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: 'openid profile email offline_access User.Read',
    state: 'st-123',
    nonce: 'n-456',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

/** PKCE pair (S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Signs `account` in via completeLogin (query mode) and returns the code. */
export async function getCode(
  emulator: Emulator,
  account: string,
  params: Record<string, string | undefined> = {},
  tenant = 'common',
): Promise<string> {
  const result = await completeLogin(authorizeUrl(emulator, params, tenant), account);
  if (result.kind !== 'redirect') throw new Error(`expected a redirect, got ${result.kind}`);
  const code = new URL(result.location).searchParams.get('code');
  if (!code) throw new Error(`no code in ${result.location}`);
  return code;
}

/** Redeems a code with client_secret_post. */
export function redeem(
  emulator: Emulator,
  code: string,
  extra: Record<string, string> = {},
  tenant = 'common',
): Promise<RawResponse> {
  return postForm(`${emulator.authority(tenant)}/oauth2/v2.0/token`, {
    grant_type: 'authorization_code',
    client_id: CLIENT_ID,
    client_secret: SECRET,
    code,
    redirect_uri: REDIRECT,
    ...extra,
  });
}

/** Full login + redemption; returns the token response body. */
export async function loginTokens(
  emulator: Emulator,
  account: string,
  params: Record<string, string | undefined> = {},
  tenant = 'common',
): Promise<Record<string, unknown>> {
  const code = await getCode(emulator, account, params, tenant);
  const res = await redeem(emulator, code, {}, tenant);
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${res.text}`);
  return json(res);
}

/**
 * Awaits `promise` and returns what it rejected with; fails the test when it fulfils.
 */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, but the promise fulfilled');
}

/** Decodes a JWT payload without verifying. */
export function jwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Decodes a JWT header without verifying. */
export function jwtHeader(token: string): Record<string, unknown> {
  const part = token.split('.')[0] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}
