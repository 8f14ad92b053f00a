/**
 * A small Passport harness for the ecosystem tests: runs a strategy's `authenticate()` the way
 * Passport does (on `Object.create(strategy)` with the actions attached) and drives a whole login
 * against the emulator: authorize redirect → emulator sign-in page → callback.
 */
import { completeLogin } from '../../lib/emulator/index.js';
import type { MicrosoftAuthenticateOptions, MicrosoftRequest } from '../../lib/types.js';

/** What a Passport strategy ended with. */
export type Outcome =
  | { action: 'success'; user: unknown; info: unknown }
  | { action: 'fail'; challenge: unknown; status: number | undefined }
  | { action: 'redirect'; url: string; status: number | undefined }
  | { action: 'error'; error: unknown }
  | { action: 'pass' };

/** The part of a strategy the harness drives (any Passport strategy fits). */
export interface AuthenticatingStrategy {
  authenticate(req: MicrosoftRequest, options?: MicrosoftAuthenticateOptions): void;
}

/** Passport's request-time actions. */
interface Actions {
  success(user: unknown, info?: unknown): void;
  fail(challenge?: unknown, status?: number): void;
  redirect(url: string, status?: number): void;
  error(err: unknown): void;
  pass(): void;
}

/** A request as an Express app on `http://127.0.0.1:3000` would hand it to Passport. */
export function fakeRequest(path: string, session: Record<string, unknown>): MicrosoftRequest {
  const url = new URL(path, 'http://127.0.0.1:3000');
  const req = {
    method: 'GET',
    url: `${url.pathname}${url.search}`,
    originalUrl: `${url.pathname}${url.search}`,
    headers: { host: '127.0.0.1:3000' },
    query: Object.fromEntries(url.searchParams),
    session,
    socket: {},
  };
  return req as unknown as MicrosoftRequest;
}

/** Runs `strategy.authenticate(req, options)` once and resolves with the action it took. */
export function authenticate(strategy: AuthenticatingStrategy, req: MicrosoftRequest, options: MicrosoftAuthenticateOptions = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const actions: Actions = {
      success: (user, info) => resolve({ action: 'success', user, info }),
      fail: (challenge, status) => resolve({ action: 'fail', challenge, status }),
      redirect: (url, status) => resolve({ action: 'redirect', url, status }),
      error: (error) => resolve({ action: 'error', error }),
      pass: () => resolve({ action: 'pass' }),
    };
    const instance = Object.assign(Object.create(strategy) as AuthenticatingStrategy, actions);
    instance.authenticate(req, options);
  });
}

/**
 * Signs `account` (an emulator demo user key) in: GET /login → emulator sign-in page → GET
 * /login/callback?code=…&state=…, sharing one session. Resolves with the callback's outcome.
 */
export async function login(strategy: AuthenticatingStrategy, account: string, options: MicrosoftAuthenticateOptions = {}): Promise<Outcome> {
  const session: Record<string, unknown> = {};
  const start = await authenticate(strategy, fakeRequest('/login', session), options);
  if (start.action !== 'redirect') throw new Error(`expected a redirect to Microsoft, got ${start.action}`);
  const answer = await completeLogin(start.url, account);
  if (answer.kind !== 'redirect') throw new Error(`expected the emulator to redirect back, got ${answer.kind}`);
  const back = new URL(answer.location);
  return authenticate(strategy, fakeRequest(`${back.pathname}${back.search}`, session));
}
