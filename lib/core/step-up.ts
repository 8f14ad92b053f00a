/**
 * Step-up and freshness: what a login asked for (`maxAge`, `prompt: 'login'`, an essential `acrs`
 * claim) and the check that the verified ID token delivers it.
 */
import { MicrosoftIdTokenError } from '../errors.js';
import type { MicrosoftAuthenticateOptions, MicrosoftIdTokenClaims } from '../types.js';
import type { PendingLogin } from './pending-login.js';

/** What a login asked of the authentication, as kept in its pending login. */
export interface StepUpRequest {
  /** `max_age` sent, in seconds: `auth_time` may be at most this old. */
  maxAge?: number;
  /** `prompt=login` sent: `auth_time` must not predate the login. */
  freshLogin?: true;
  /** Authentication context class references asked for as essential in `claims` (`acrs`). */
  acrs?: string[];
}

/** What a completed step-up login delivered (`info.stepUp`, `SignInResult.stepUp`). */
export interface StepUpResult {
  /** `auth_time` of the ID token, seconds since the epoch (with `maxAge` or `prompt: 'login'`). */
  authTime?: number;
  /** The `maxAge` that was asked for and met. */
  maxAge?: number;
  /** True when `prompt: 'login'` was asked for and the user authenticated during this login. */
  freshLogin?: true;
  /** The `acrs` that were asked for; the token carries at least one of them. */
  acrs?: string[];
}

function stringList(value: unknown): string[] | undefined {
  if (typeof value === 'string' && value !== '') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'))
    return value;
  return undefined;
}

/**
 * The `acrs` values a `claims` request asks for as essential in the ID token
 * (`{"id_token":{"acrs":{"essential":true,"value":"c1"}}}`, or `"values": [...]`).
 */
export function essentialAcrs(claims: string | undefined): string[] | undefined {
  if (claims === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(claims);
  } catch {
    return undefined;
  }
  const idToken = (parsed as { id_token?: unknown } | null)?.id_token;
  const acrs = (idToken as { acrs?: unknown } | null | undefined)?.acrs;
  if (acrs === null || typeof acrs !== 'object') return undefined;
  const spec = acrs as { essential?: unknown; value?: unknown; values?: unknown };
  if (spec.essential !== true) return undefined;
  return stringList(spec.value) ?? stringList(spec.values);
}

/** The step-up a login's per-request options ask for (nothing for an ordinary login). */
export function stepUpRequestOf(options: MicrosoftAuthenticateOptions): StepUpRequest {
  const request: StepUpRequest = {};
  if (options.maxAge !== undefined) request.maxAge = options.maxAge;
  if (options.prompt === 'login') request.freshLogin = true;
  const acrs = essentialAcrs(options.claims);
  if (acrs !== undefined) request.acrs = acrs;
  return request;
}

/** True when the pending login asked for freshness or an authentication context. */
export function asksForStepUp(pending: StepUpRequest): boolean {
  return pending.maxAge !== undefined || pending.freshLogin === true || pending.acrs !== undefined;
}

/**
 * Checks that the verified claims deliver what the pending login asked for: with `maxAge`, an
 * `auth_time` no older than `maxAge` + `clockTolerance`; with `prompt: 'login'`, an `auth_time` no
 * earlier than the login's start − `clockTolerance`; with essential `acrs`, an `acrs` claim naming
 * one of them. Microsoft sends `auth_time` only when the app registration lists it as an optional
 * claim of the ID token. Throws an {@link MicrosoftIdTokenError} (`auth_time`, `acrs`); returns what was
 * delivered, or `undefined` when nothing was asked.
 */
export function checkStepUp(
  claims: MicrosoftIdTokenClaims | undefined,
  pending: PendingLogin,
  nowSeconds: number,
  clockTolerance: number,
): StepUpResult | undefined {
  if (!asksForStepUp(pending)) return undefined;
  if (claims === undefined)
    throw new MicrosoftIdTokenError(
      'auth_time',
      'the login asked for maxAge, prompt=login or acrs, which need an ID token (the openid scope)',
    );
  const result: StepUpResult = {};
  if (pending.maxAge !== undefined || pending.freshLogin === true) {
    const authTime = claims['auth_time'];
    if (typeof authTime !== 'number' || !Number.isFinite(authTime))
      throw new MicrosoftIdTokenError(
        'auth_time',
        'the login asked for maxAge or prompt=login but the token has no auth_time (add auth_time as an optional claim of the ID token in the app registration)',
      );
    if (authTime > nowSeconds + clockTolerance)
      throw new MicrosoftIdTokenError(
        'auth_time',
        'auth_time is in the future beyond the clock tolerance',
      );
    if (pending.maxAge !== undefined) {
      if (nowSeconds - authTime > pending.maxAge + clockTolerance)
        throw new MicrosoftIdTokenError(
          'auth_time',
          `the user authenticated ${nowSeconds - authTime} s ago, more than maxAge ${pending.maxAge} s`,
        );
      result.maxAge = pending.maxAge;
    }
    if (pending.freshLogin === true) {
      const started = pending.createdAt;
      if (started === undefined || authTime < started - clockTolerance)
        throw new MicrosoftIdTokenError(
          'auth_time',
          'prompt=login was asked for but auth_time predates this login (no fresh authentication)',
        );
      result.freshLogin = true;
    }
    result.authTime = authTime;
  }
  if (pending.acrs !== undefined) {
    const acrs = claims['acrs'];
    const got = Array.isArray(acrs) ? acrs.filter((a): a is string => typeof a === 'string') : [];
    if (!pending.acrs.some((a) => got.includes(a)))
      throw new MicrosoftIdTokenError(
        'acrs',
        `the login asked for authentication context ${pending.acrs.join(' or ')} but the token's acrs claim does not carry it`,
      );
    result.acrs = [...pending.acrs];
  }
  return result;
}
