/**
 * Logins through the emulator with the Passport harness: the authorize leg, the emulator's sign-in
 * page (`completeLogin`) and the callback leg, sharing one session.
 */
import { completeLogin, DEMO_USERS } from 'microsoft-identity-emulator';
import type { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftAuthenticateOptions } from '../../lib/types.js';
import { authenticate, expectRedirect, fakeRequest } from './passport.js';
import type { Outcome } from './passport.js';

/** The emulator's demo user with this key ('personal', 'work', 'guest', 'personal-gmail', 'no-email', 'guest-home'). */
export function demoUser(key: string): (typeof DEMO_USERS)[number] {
  const user = DEMO_USERS.find((u) => u.key === key);
  if (!user) throw new Error(`no demo user ${key}`);
  return user;
}

/**
 * The demo user that signs in when `key` is picked on the emulator's page through `common`: that
 * user, except a guest, which signs in there as its home account (as at Microsoft: a guest is
 * reached only through its tenant's ID or domain).
 */
export function signedInThroughCommon(key: string): (typeof DEMO_USERS)[number] {
  const picked = demoUser(key);
  if (picked.kind !== 'guest') return picked;
  const name = picked.preferredUsername.toLowerCase();
  const home = DEMO_USERS.find(
    (u) => u.kind !== 'guest' && u.preferredUsername.toLowerCase() === name,
  );
  if (!home) throw new Error(`no home account for the guest ${key}`);
  return home;
}

/**
 * Starts a login at `/login`, signs `account` in on the emulator's page and returns the callback path
 * and query the emulator redirects back to. The pending login stays in `session`.
 */
export async function callbackFromEmulator(
  strategy: Strategy,
  account: string,
  session: Record<string, unknown>,
  options: MicrosoftAuthenticateOptions = {},
): Promise<string> {
  const start = expectRedirect(
    await authenticate(strategy, fakeRequest({ url: '/login', session }), options),
  );
  const answer = await completeLogin(start.url, account);
  if (answer.kind !== 'redirect')
    throw new Error(`expected the emulator to redirect back, got ${answer.kind}`);
  const back = new URL(answer.location);
  return `${back.pathname}${back.search}`;
}

/** Signs `account` (an emulator demo user key) in through both legs and resolves with the callback's outcome. */
export async function loginThroughEmulator(
  strategy: Strategy,
  account: string,
  options: MicrosoftAuthenticateOptions = {},
): Promise<Outcome> {
  const session: Record<string, unknown> = {};
  const callbackPath = await callbackFromEmulator(strategy, account, session, options);
  return authenticate(strategy, fakeRequest({ url: callbackPath, session }));
}

// The emulator as the documentation tests start it (the one place that says where it comes from).
export { startEmulator, type Emulator } from 'microsoft-identity-emulator';
