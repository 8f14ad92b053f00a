/**
 * The sample's own web API, protected by `MicrosoftBearerStrategy`, and the signed-in page that
 * calls it. The API takes Microsoft access tokens issued for it: a user's token (delegated scope
 * `Tasks.Read`) or a daemon's app-only token (app role `Tasks.Read.All`). The page gets the user's
 * token by redeeming the login's refresh token for the API (`strategy.refresh(refreshToken,
 * { scope })`), on the server: neither token reaches the browser, and the session store holds
 * them only encrypted (AES-256-GCM, key derived from SESSION_SECRET, bound to the user).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import express from 'express';
import type { Request, RequestHandler } from 'express';
import type passportModule from 'passport';
import { MicrosoftTokenError } from '../lib/errors.js';
import { MicrosoftBearerStrategy } from '../lib/passport/bearer-strategy.js';
import type { MicrosoftAccessToken } from '../lib/core/access-token/claims.js';
import type { Strategy } from '../lib/passport/strategy.js';
import type { AppConfig, ApiSettings } from './config.js';
import type { ApiCallView } from './html.js';

/** Name of the bearer strategy in the app's Passport instance. */
export const BEARER = 'microsoft-bearer';

/** The delegated scope and app role `GET /api/tasks` takes. */
export const READ = { scope: 'Tasks.Read', appPermission: 'Tasks.Read.All' } as const;
/** What `POST /api/tasks` needs, which the demo API does not expose: every call gets the 403. */
export const WRITE = { scope: 'Tasks.Write', appPermission: 'Tasks.Write.All' } as const;

/** Session field of the API page: the sealed {@link ApiTokens}, never sent to the browser. */
interface ApiSession {
  apiTokens?: string;
}

/** What the session keeps for the API page, sealed. */
export interface ApiTokens {
  /** The login's refresh token, redeemed for the API's access token. */
  refreshToken: string;
  /** The API's access token and when it expires (ms since the epoch), reused until then. */
  accessToken?: string;
  expiresAt?: number;
}

/** The API the app protects and asks tokens for: `config.api`, else its own registration. */
export function apiSettings(config: AppConfig): ApiSettings {
  const id = config.microsoft.clientID;
  return config.api ?? { clientID: id, scope: `api://${id}/${READ.scope}` };
}

/** The tenant segment of the sign-in authority (or the tenant setting), lower-cased. */
function tenantOf(config: AppConfig): string {
  const { authority, tenant } = config.microsoft;
  if (authority === undefined) return tenant.toLowerCase();
  return (new URL(authority).pathname.split('/').filter(Boolean).pop() ?? '').toLowerCase();
}

/**
 * The bearer strategy for the app's API: the same authority (or tenant and cloud) as sign-in. Under
 * `common` or `organizations` it takes every tenant's tokens, as the app's sign-in does; an API of
 * one organization names its tenant instead.
 */
export function bearerStrategy(config: AppConfig): MicrosoftBearerStrategy {
  const ms = config.microsoft;
  const tenant = tenantOf(config);
  const scopeName = apiSettings(config).scope.split('/').pop() ?? READ.scope;
  return new MicrosoftBearerStrategy({
    clientID: apiSettings(config).clientID,
    ...(ms.authority !== undefined
      ? { authority: ms.authority }
      : { tenant: ms.tenant, cloud: ms.cloud }),
    ...(tenant === 'common' || tenant === 'organizations' ? { allowedTenants: '*' as const } : {}),
    scopes: [scopeName],
    appPermissions: [READ.appPermission],
  });
}

/** What the API tells its caller about the token it was called with (never the token). */
function callerOf(token: MicrosoftAccessToken): Record<string, unknown> {
  return {
    kind: token.kind,
    id: token.id,
    tenantId: token.tenantId,
    clientAppId: token.clientAppId,
    ...(token.username !== undefined ? { username: token.username } : {}),
    scopes: token.scopes,
    roles: token.roles,
    version: token.version,
  };
}

const TASKS = [
  { id: 1, title: 'Register the API (Expose an API, app roles)', done: true },
  { id: 2, title: 'Protect GET /api/tasks with MicrosoftBearerStrategy', done: true },
  { id: 3, title: 'Call it with a token for api://<id>/Tasks.Read', done: false },
];

/**
 * The API's routes, `GET /api/tasks` and `POST /api/tasks`. Mounted before the session middleware:
 * the API authenticates each request by its bearer token alone, and sets no cookie.
 */
export function apiRouter(passport: passportModule.Authenticator): express.Router {
  const router = express.Router();
  const bearer = (needs: { scope: string; appPermission: string } | undefined): RequestHandler =>
    passport.authenticate(BEARER, {
      session: false,
      ...(needs ? { scopes: [needs.scope], appPermissions: [needs.appPermission] } : {}),
    } as passportModule.AuthenticateOptions) as RequestHandler;
  router.get('/api/tasks', bearer(undefined), (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json({ caller: callerOf(req.user as MicrosoftAccessToken), tasks: TASKS });
  });
  router.post('/api/tasks', bearer(WRITE), (req, res) => {
    res.status(201).json({ caller: callerOf(req.user as MicrosoftAccessToken), created: true });
  });
  return router;
}

function apiSession(req: Request): ApiSession {
  return req.session as typeof req.session & ApiSession;
}

/** The sealing key: HKDF-SHA256 of the session secret, so every instance derives the same one. */
function sealingKey(config: AppConfig): Buffer {
  const info = 'passport-microsoft-account sample: API tokens';
  return Buffer.from(hkdfSync('sha256', config.sessionSecret, '', info, 32));
}

/** AES-256-GCM with a random nonce; the user id is the additional data, so blobs cannot move. */
export function seal(config: AppConfig, userId: string, tokens: ApiTokens): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(config), iv).setAAD(Buffer.from(userId));
  const body = Buffer.concat([cipher.update(JSON.stringify(tokens), 'utf8'), cipher.final()]);
  return ['v1', iv, body, cipher.getAuthTag()]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** The sealed tokens, or undefined when absent, tampered with, or sealed for someone else. */
export function unseal(config: AppConfig, userId: string, sealed: string): ApiTokens | undefined {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== 'v1' || iv === undefined || body === undefined || tag === undefined)
    return undefined;
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      sealingKey(config),
      Buffer.from(iv, 'base64url'),
    )
      .setAAD(Buffer.from(userId))
      .setAuthTag(Buffer.from(tag, 'base64url'));
    const text = Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
    const tokens = JSON.parse(text) as ApiTokens;
    return typeof tokens.refreshToken === 'string' ? tokens : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps the login's refresh token in the session, sealed (call it after `req.logIn`, which
 * regenerates the session). Without one (no `offline_access`) the API page says so.
 */
export function keepRefreshToken(
  req: Request,
  config: AppConfig,
  userId: string,
  refreshToken: unknown,
): void {
  const s = apiSession(req);
  if (typeof refreshToken === 'string' && refreshToken !== '')
    s.apiTokens = seal(config, userId, { refreshToken });
  else delete s.apiTokens;
}

/** A token problem, as the page shows it. */
export interface TokenProblem {
  message: string;
  error?: string;
  aadsts?: number;
}

/**
 * The user's access token for the API: the one kept in the session while it has more than a minute
 * left, else the refresh token redeemed for the API's scope (Microsoft may rotate the refresh
 * token; the new one is kept).
 */
async function apiAccessToken(
  req: Request,
  strategy: Strategy,
  config: AppConfig,
  userId: string,
): Promise<string | TokenProblem> {
  const s = apiSession(req);
  const kept = s.apiTokens === undefined ? undefined : unseal(config, userId, s.apiTokens);
  if (kept === undefined)
    return { message: 'This session holds no refresh token: sign out and sign in again.' };
  if (kept.accessToken !== undefined && (kept.expiresAt ?? 0) - Date.now() > 60_000)
    return kept.accessToken;
  try {
    const scope = [apiSettings(config).scope, 'offline_access'];
    const tokens = await strategy.refresh(kept.refreshToken, { scope });
    s.apiTokens = seal(config, userId, {
      refreshToken: tokens.refreshToken ?? kept.refreshToken,
      accessToken: tokens.accessToken,
      expiresAt: Date.now() + (tokens.expiresIn ?? 0) * 1000,
    });
    return tokens.accessToken;
  } catch (err) {
    if (!(err instanceof MicrosoftTokenError)) throw err;
    const problem: TokenProblem = {
      message: (err.errorDescription ?? err.message).split(/\r?\n/)[0] ?? '',
      error: err.error,
    };
    if (err.errorCodes[0] !== undefined) problem.aadsts = err.errorCodes[0];
    return problem;
  }
}

/** `error`, `error_description` and `scope` of a `WWW-Authenticate: Bearer` challenge. */
export function challengeFields(header: string | null): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of (header ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)) {
    if (match[1] !== undefined && match[2] !== undefined) fields[match[1]] = match[2];
  }
  return fields;
}

/**
 * Calls the app's own API as a client would, over HTTP with the user's token, on the address and
 * port this request came in on (the app's own listener: no proxy, no public DNS in between).
 */
export async function callApi(
  req: Request,
  strategy: Strategy,
  config: AppConfig,
  userId: string,
  which: 'read' | 'write',
): Promise<ApiCallView> {
  const method = which === 'read' ? 'GET' : 'POST';
  const token = await apiAccessToken(req, strategy, config, userId);
  const request = `${method} /api/tasks`;
  if (typeof token !== 'string') return { request, tokenProblem: token };
  const address = req.socket.localAddress ?? '127.0.0.1';
  const host = address.includes(':') ? `[${address}]` : address;
  const res = await fetch(`http://${host}:${req.socket.localPort}/api/tasks`, {
    method,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    signal: AbortSignal.timeout(10_000),
  });
  const challenge = res.headers.get('www-authenticate');
  const body = await res.text();
  let shown = body;
  try {
    shown = JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    // Not JSON (Passport answers a refusal with a plain status text): shown as it is.
  }
  return {
    request,
    status: res.status,
    ...(challenge !== null ? { challenge, fields: challengeFields(challenge) } : {}),
    body: shown,
  };
}
