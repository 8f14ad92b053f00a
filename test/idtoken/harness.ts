/**
 * Drives `strategy.authenticate(req, options)` the way Passport does (on `Object.create(strategy)`
 * with the actions attached) and resolves with the action the strategy took.
 */
import type { FailureInfo, Strategy } from '../../lib/strategy.js';
import type { MicrosoftAuthenticateOptions, MicrosoftRequest } from '../../lib/types.js';

export type Outcome =
  | { action: 'redirect'; url: string; status: number | undefined }
  | { action: 'success'; user: Express.User; info: object | undefined }
  | { action: 'fail'; challenge: FailureInfo | string | undefined; status: number | undefined }
  | { action: 'error'; error: unknown };

export interface RequestInit {
  /** Path and query, e.g. `/login/callback?code=…&state=…`. */
  url: string;
  /** Session object; share one between the authorize and the callback leg. */
  session: Record<string, unknown>;
  host?: string;
  method?: 'GET' | 'POST';
  body?: Record<string, string>;
}

/** A minimal Express-like request. */
export function makeRequest(init: RequestInit): MicrosoftRequest {
  const parsed = new URL(init.url, 'http://placeholder');
  const query: Record<string, string> = {};
  for (const [k, v] of parsed.searchParams) query[k] = v;
  const req = {
    method: init.method ?? 'GET',
    url: init.url,
    originalUrl: init.url,
    headers: { host: init.host ?? '127.0.0.1' },
    query,
    session: init.session,
    ...(init.body !== undefined ? { body: init.body } : {}),
  };
  return req as unknown as MicrosoftRequest;
}

/** Runs one authenticate call and resolves with the first action taken. */
export function run(strategy: Strategy, req: MicrosoftRequest, options?: MicrosoftAuthenticateOptions): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    const s = Object.create(strategy) as Strategy;
    s.redirect = (url: string, status?: number): void => resolve({ action: 'redirect', url, status });
    s.success = (user: Express.User, info?: object): void => resolve({ action: 'success', user, info });
    s.fail = (challenge?: FailureInfo | string, status?: number): void => resolve({ action: 'fail', challenge, status });
    s.error = (error: unknown): void => resolve({ action: 'error', error });
    s.authenticate(req, options);
  });
}

/** The pending login the strategy stored in the session under `handle` (state handle). */
export function pendingLogin(session: Record<string, unknown>, handle: string): { nonce?: unknown; openid?: unknown } | undefined {
  for (const bag of Object.values(session)) {
    if (bag === null || typeof bag !== 'object') continue;
    const entry = (bag as Record<string, unknown>)[handle];
    if (entry === null || typeof entry !== 'object') continue;
    const s = (entry as { s?: unknown }).s;
    if (s !== null && typeof s === 'object') return s as { nonce?: unknown; openid?: unknown };
  }
  return undefined;
}
