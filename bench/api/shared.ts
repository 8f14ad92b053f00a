/**
 * What the API bench's processes share: the contenders, the API's registration, the settings a
 * worker gets, and the ~1.25 KB v2 access tokens it validates.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Emulator } from 'microsoft-identity-emulator';

/** Contenders validated in process, one validation in flight, in the order of the first round. */
export const API_CONTENDERS = [
  'floor',
  'ours-verifier',
  'ours-strategy',
  'jose',
  'passport-azure-ad',
  'passport-jwt',
  'express-oauth2-jwt-bearer',
] as const;
export type ApiContender = (typeof API_CONTENDERS)[number];

export const API_LABELS: Record<ApiContender, string> = {
  floor: 'floor: crypto.verify RS256, KeyObject',
  'ours-verifier': 'this package, MicrosoftAccessTokenVerifier',
  'ours-strategy': 'this package, MicrosoftBearerStrategy (fake req)',
  jose: 'jose jwtVerify + createRemoteJWKSet',
  'passport-azure-ad': 'passport-azure-ad 4.3.5 BearerStrategy (fake req)',
  'passport-jwt': 'passport-jwt + jwks-rsa (fake req)',
  'express-oauth2-jwt-bearer': 'express-oauth2-jwt-bearer (fake req)',
};

/** Apps measured over HTTP: Express 5 + passport.authenticate + the strategy. */
export const HTTP_CONTENDERS = ['ours-strategy', 'passport-azure-ad'] as const;
export type HttpContender = (typeof HTTP_CONTENDERS)[number];

export const HTTP_LABELS: Record<HttpContender, string> = {
  'ours-strategy': 'Express + passport.authenticate + MicrosoftBearerStrategy',
  'passport-azure-ad': 'Express + passport.authenticate + passport-azure-ad BearerStrategy',
};

export type TokenMode = 'distinct' | 'repeated';

/** The API's application (client) ID: the `aud` of its v2 access tokens. */
export const API_CLIENT_ID = '6e74172b-be56-4843-9ff4-e66a39bb12e3';
/** The calling app (`azp`). */
export const CALLER_CLIENT_ID = '1950a258-227b-4e31-a9cf-717495945fc2';
/** The delegated scope every token carries and every contender that can is told to require. */
export const API_SCOPE = 'access_as_user';

/** Where the keys, the issuer and the metadata are, for a worker or an app. */
export interface ApiSetup {
  /** The emulator's tenant authority, `http://127.0.0.1:<port>/<tid>`. */
  authority: string;
  /** The v2 issuer of the tenant's tokens. */
  issuer: string;
  /** The v2 key set, served by the emulator. */
  jwksUri: string;
  /** The v2 metadata through the local HTTPS front (passport-azure-ad takes only https). */
  httpsMetadata: string;
  tenantId: string;
  /** A file with the tokens as a JSON array of strings. */
  tokensFile: string;
  /** The bound of this package's verified-token cache (its `cacheSize`), when not its default. */
  cacheSize?: number;
}

/** The self-signed certificate of the HTTPS front, trusted by the workers through NODE_EXTRA_CA_CERTS. */
export const TLS_CERT = path.join(__dirname, 'tls', 'cert.pem');
export const TLS_KEY = path.join(__dirname, 'tls', 'key.pem');

/** Size of the compact token aimed at, in characters (a typical v2 access token with a few optional claims). */
export const TOKEN_CHARS = 1250;

/**
 * `count` distinct v2 access tokens of about TOKEN_CHARS characters for `user`, signed by the
 * emulator's active key: the claims of a real v2 token for an API, each with its own `uti`, `aio`
 * and `sid`.
 */
export async function makeTokens(
  emulator: Emulator,
  tenantId: string,
  user: { oid: string; name: string; username: string },
  count: number,
): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  const claims = (pad: number): Record<string, unknown> => ({
    aud: API_CLIENT_ID,
    iss: emulator.issuer(tenantId),
    iat: now - 60,
    nbf: now - 60,
    exp: now + 4 * 3600,
    aio: randomBytes(8 + pad).toString('base64url'),
    azp: CALLER_CLIENT_ID,
    azpacr: '1',
    name: user.name,
    oid: user.oid,
    preferred_username: user.username,
    rh: `1.${randomBytes(24).toString('base64url')}`,
    scp: API_SCOPE,
    sid: randomUUID(),
    sub: randomBytes(32).toString('base64url'),
    tid: tenantId,
    uti: randomBytes(16).toString('base64url'),
    ver: '2.0',
  });
  const first = await emulator.signIdToken(claims(0));
  const pad = Math.max(0, Math.round(((TOKEN_CHARS - first.length) * 3) / 4 / (4 / 3)));
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push(await emulator.signIdToken(claims(pad)));
  return tokens;
}
