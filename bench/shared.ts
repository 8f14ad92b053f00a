/**
 * What the benchmark's processes share: the contenders, the app registration, the scope and the
 * demo accounts with the user id each contender is expected to put in the session.
 */
import { DEFAULT_CLIENT, DEMO_USERS } from 'microsoft-identity-emulator';
import type { EmulatorClient } from 'microsoft-identity-emulator';

/** The contenders, in the order of the first round. */
export const CONTENDERS = [
  'graph',
  'cookie-store',
  'id_token',
  'passport-microsoft',
  'passport-oauth2',
  'openid-client',
  'floor',
] as const;
export type Contender = (typeof CONTENDERS)[number];

/** Human-readable contender names for the table. */
export const CONTENDER_LABELS: Record<Contender, string> = {
  graph: "this strategy, 'graph'",
  'cookie-store': "this strategy, 'graph', cookie store",
  id_token: "this strategy, 'id_token'",
  'passport-microsoft': 'passport-microsoft',
  'passport-oauth2': 'passport-oauth2 + Graph /me',
  'openid-client': 'openid-client (verified ID token, no Graph)',
  floor: 'floor (token POST + Graph GET)',
};

/** The app registration every contender uses (callback `http://127.0.0.1:<port>/login/callback`). */
export const BENCH_CLIENT: EmulatorClient & { clientSecret: string } = DEFAULT_CLIENT;

/** Same scopes for everyone, so the token exchange is the same. */
export const SCOPE = ['openid', 'profile', 'email', 'offline_access', 'User.Read'] as const;

/**
 * Accounts signed in, in rotation: every demo account but the guest, which signs in through
 * `common` as its home account (already in the rotation), as at Microsoft.
 */
export const ACCOUNTS = DEMO_USERS.filter((u) => u.kind !== 'guest').map((u) => u.key);

/**
 * The user id a contender keeps in the session for `account`: this strategy and openid-client use
 * the object id (`oid`, from the ID token), the others the Graph `/me` id.
 */
export function expectedUserId(contender: Contender, account: string): string {
  const user = DEMO_USERS.find((u) => u.key === account);
  if (user === undefined) throw new Error(`no demo user ${account}`);
  return contender === 'graph' ||
    contender === 'cookie-store' ||
    contender === 'id_token' ||
    contender === 'openid-client'
    ? user.oid
    : user.graphId;
}

/** Microsoft requests one login makes: one for the contenders that read no Graph profile. */
export function requestsPerLogin(contender: Contender): number {
  return contender === 'id_token' || contender === 'openid-client' ? 1 : 2;
}
