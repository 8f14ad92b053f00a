/**
 * A typed Passport action harness: runs `strategy.authenticate(req, options)` the way Passport does
 * (on `Object.create(strategy)` with the actions attached) and resolves with the first action called.
 */
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import type { Strategy } from '../../lib/passport/strategy.js';
import type { FailureInfo } from '../../lib/types.js';
import type { MicrosoftAuthenticateOptions, MicrosoftRequest } from '../../lib/types.js';

/** The strategy called `redirect(url, status)`. */
export interface RedirectOutcome {
  action: 'redirect';
  url: string;
  status: number | undefined;
}

/** The strategy called `success(user, info)`. */
export interface SuccessOutcome {
  action: 'success';
  user: unknown;
  info: Record<string, unknown> | undefined;
}

/** The strategy called `fail(challenge, status)`. */
export interface FailOutcome {
  action: 'fail';
  challenge: FailureInfo | string | undefined;
  status: number | undefined;
}

/** The strategy called `error(err)`. */
export interface ErrorOutcome {
  action: 'error';
  error: unknown;
}

/** The strategy called `pass()`. */
export interface PassOutcome {
  action: 'pass';
}

/** Whichever Passport action the strategy called first. */
export type Outcome = RedirectOutcome | SuccessOutcome | FailOutcome | ErrorOutcome | PassOutcome;

/** What a fake request carries. */
export interface FakeRequestInit {
  method?: 'GET' | 'POST';
  /** Path and query, e.g. `/auth/microsoft/callback?code=…`. The query is parsed into `req.query`. */
  url?: string;
  headers?: Record<string, string>;
  /** `req.body`; leave out to model a POST whose body no middleware parsed. */
  body?: Record<string, string>;
  /** `req.session`; `null` leaves the session out entirely (no session middleware). */
  session?: Record<string, unknown> | null;
  /** Model a TLS socket (`req.socket.encrypted`). */
  encrypted?: boolean;
}

/**
 * Builds an Express-like request on a real `IncomingMessage`: `url`, `originalUrl`, parsed `query`,
 * `headers` (with a default `host: app.example.com`), optional `body` and `session`.
 */
export function fakeRequest(init: FakeRequestInit = {}): MicrosoftRequest {
  const socket = new Socket();
  if (init.encrypted === true) Object.assign(socket, { encrypted: true });
  const msg = new IncomingMessage(socket);
  const url = init.url ?? '/auth/microsoft';
  msg.method = init.method ?? 'GET';
  msg.url = url;
  msg.headers = { host: 'app.example.com', ...lowerCaseKeys(init.headers ?? {}) };
  const search = new URL(url, 'http://placeholder').searchParams;
  const query: Record<string, string> = {};
  for (const [k, v] of search) query[k] = v;
  const extras: Record<string, unknown> = { originalUrl: url, query };
  if (init.body !== undefined) extras['body'] = init.body;
  if (init.session !== null) extras['session'] = init.session ?? {};
  Object.assign(msg, extras);
  // The strategy only reads the IncomingMessage fields plus query/body/session set above; the
  // Express.Request members other packages merge into the global type are never touched.
  return msg as unknown as MicrosoftRequest;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Actions Passport attaches to the per-request strategy object. */
interface PassportActions {
  redirect(url: string, status?: number): void;
  success(user: unknown, info?: Record<string, unknown>): void;
  fail(challenge?: FailureInfo | string, status?: number): void;
  error(err: unknown): void;
  pass(): void;
}

/**
 * Runs one `authenticate` call as Passport does and resolves with the action called. Passport
 * allows exactly one action per request, so a second action fails: before the outcome is handed
 * back (it waits one macrotask for a second action), by rejecting; after that, as an uncaught error
 * that fails the running test. Rejects when `authenticate` throws synchronously or when no action
 * is called within `waitMs`.
 */
export function authenticate(
  strategy: Strategy,
  req: MicrosoftRequest,
  options?: MicrosoftAuthenticateOptions,
  waitMs = 5000,
): Promise<Outcome> {
  return new Promise<Outcome>((resolve, reject) => {
    let first: Outcome | undefined;
    let handedBack = false;
    const settle = (outcome: Outcome): void => {
      if (first !== undefined) {
        const problem = new Error(
          `strategy.authenticate called a second Passport action: ${describeOutcome(outcome)} after ${describeOutcome(first)}`,
        );
        if (!handedBack) {
          handedBack = true;
          reject(problem);
        } else {
          process.nextTick(() => {
            throw problem;
          });
        }
        return;
      }
      first = outcome;
      clearTimeout(timer);
      setImmediate(() => {
        if (handedBack) return;
        handedBack = true;
        resolve(outcome);
      });
    };
    const timer = setTimeout(() => {
      if (first !== undefined) return;
      handedBack = true;
      reject(new Error(`strategy.authenticate called no Passport action within ${waitMs} ms`));
    }, waitMs);
    const actions: PassportActions = {
      redirect: (url, status) => settle({ action: 'redirect', url, status }),
      success: (user, info) => settle({ action: 'success', user, info }),
      fail: (challenge, status) => settle({ action: 'fail', challenge, status }),
      error: (error) => settle({ action: 'error', error }),
      pass: () => settle({ action: 'pass' }),
    };
    const perRequest = Object.assign(Object.create(strategy) as Strategy, actions);
    try {
      perRequest.authenticate(req, options);
    } catch (err) {
      clearTimeout(timer);
      handedBack = true;
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

function describeOutcome(outcome: Outcome): string {
  if (outcome.action === 'error')
    return `error(${outcome.error instanceof Error ? `${outcome.error.name}: ${outcome.error.message}` : String(outcome.error)})`;
  if (outcome.action === 'fail')
    return `fail(${JSON.stringify(outcome.challenge)}, ${String(outcome.status)})`;
  if (outcome.action === 'redirect') return `redirect(${outcome.url})`;
  if (outcome.action === 'success') return `success(${JSON.stringify(outcome.user)})`;
  return 'pass()';
}

/** Narrows an outcome to `redirect`, or throws an assertion error naming what happened instead. */
export function expectRedirect(outcome: Outcome): RedirectOutcome {
  if (outcome.action !== 'redirect')
    throw new Error(`expected redirect, got ${describeOutcome(outcome)}`);
  return outcome;
}

/** Narrows an outcome to `success`. */
export function expectSuccess(outcome: Outcome): SuccessOutcome {
  if (outcome.action !== 'success')
    throw new Error(`expected success, got ${describeOutcome(outcome)}`);
  return outcome;
}

/** Narrows an outcome to `fail`. */
export function expectFail(outcome: Outcome): FailOutcome {
  if (outcome.action !== 'fail') throw new Error(`expected fail, got ${describeOutcome(outcome)}`);
  return outcome;
}

/** Narrows an outcome to `error` and returns the error. */
export function expectError(outcome: Outcome): unknown {
  if (outcome.action !== 'error')
    throw new Error(`expected error, got ${describeOutcome(outcome)}`);
  return outcome.error;
}

/** Narrows an outcome to `error` and checks the error's class. */
export function expectErrorOf<T>(outcome: Outcome, type: new (...args: never[]) => T): T {
  const err = expectError(outcome);
  if (!(err instanceof type)) {
    throw new Error(
      `expected an error of class ${type.name}, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`,
    );
  }
  return err;
}

/** The query parameters of a redirect, as a plain object (each key once). */
export function queryOf(url: string): Record<string, string> {
  const out: Record<string, string> = {};
  const params = new URL(url).searchParams;
  for (const key of params.keys()) {
    const all = params.getAll(key);
    if (all.length !== 1)
      throw new Error(`query parameter ${key} appears ${all.length} times in ${url}`);
    out[key] = all[0] ?? '';
  }
  return out;
}

/** `scheme://host/path` of a URL (no query). */
export function baseOf(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** What the default session store keeps for one pending login. */
export interface StoredLogin {
  /** The PKCE verifier, or `true` without PKCE. */
  v: string | true;
  /** What the strategy stored: `{ '@microsoft': 1, openid, nonce?, state? }`. */
  s: { '@microsoft': 1; openid: boolean; nonce?: string; state?: unknown };
  t: number;
}

/** Reads the pending login for `handle` out of a session, as the default store saved it. */
export function storedLogin(
  session: Record<string, unknown>,
  key: string,
  handle: string,
): StoredLogin | undefined {
  const bag = session[key];
  if (bag === null || typeof bag !== 'object') return undefined;
  const entry = (bag as Record<string, unknown>)[handle];
  if (entry === null || typeof entry !== 'object') return undefined;
  return entry as StoredLogin;
}
