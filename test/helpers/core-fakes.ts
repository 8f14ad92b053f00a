/**
 * In-process fakes for the sign-in core: a token endpoint, Microsoft Graph and a key set that
 * answer from memory, ID tokens signed with a test key, and a guard that fails on any socket.
 */
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import net from 'node:net';
import sinon from 'sinon';
import type { GraphEndpointClient, GraphMe } from '../../lib/clients/graph.js';
import type { SigningKey } from '../../lib/tokens/jwks.js';
import { readGraphUser } from '../../lib/profile/graph-user.js';
import type { SigningKeySource } from '../../lib/core/sign-in-types.js';
import type { TokenEndpointClient } from '../../lib/clients/token.js';
import type { TokenResponseParams } from '../../lib/types.js';

export const CLIENT_ID = '6731de76-14a6-49ae-97bc-6eba6914391e';
export const WORK_TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const WORK_OID = '00000000-0000-0000-66f3-3332eca7ea81';
export const KID = 'core-test-key';
export const ISSUER_BASE = 'https://login.microsoftonline.com';
/** A fixed clock: 2026-01-15T10:00:00Z. */
export const NOW_MS = Date.UTC(2026, 0, 15, 10, 0, 0);

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** The key source the core is given: one templated key, as Microsoft publishes for `common`. */
export function keySource(): SigningKeySource & { calls: string[] } {
  const calls: string[] = [];
  const key: SigningKey = { kid: KID, issuer: `${ISSUER_BASE}/{tenantid}/v2.0`, key: publicKey };
  return {
    calls,
    get(kid: string): Promise<SigningKey | undefined> {
      calls.push(kid);
      return Promise.resolve(kid === KID ? key : undefined);
    },
  };
}

/** An RS256 ID token over `claims`, signed with the test key (or `signer`). */
export function idToken(claims: Record<string, unknown>, signer: KeyObject = privateKey): string {
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: KID, typ: 'JWT' })).toString(
    'base64url',
  );
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), signer);
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

/** A private key that is not the published one (forged tokens). */
export function otherKey(): KeyObject {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return createPrivateKey(pair.privateKey.export({ format: 'pem', type: 'pkcs8' }));
}

/** Claims of a work account's ID token at {@link NOW_MS}, for `nonce`. */
export function workClaims(nonce: string | undefined, extra: Record<string, unknown> = {}) {
  const now = Math.floor(NOW_MS / 1000);
  return {
    iss: `${ISSUER_BASE}/${WORK_TID}/v2.0`,
    sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
    aud: CLIENT_ID,
    exp: now + 3600,
    iat: now - 5,
    nbf: now - 5,
    ver: '2.0',
    tid: WORK_TID,
    oid: WORK_OID,
    name: 'Megan Bowen',
    preferred_username: 'MeganB@contoso.onmicrosoft.com',
    ...(nonce !== undefined ? { nonce } : {}),
    ...extra,
  };
}

/** A token endpoint that records each grant and answers with `respond(params)`. */
export function tokenEndpoint(
  respond: (params: Record<string, string>) => TokenResponseParams | Error,
): TokenEndpointClient & { requests: Array<Record<string, string>> } {
  const requests: Array<Record<string, string>> = [];
  return {
    requests,
    request(params) {
      requests.push({ ...params });
      const answer = respond(params);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
}

/** Graph answering `/me` with `body` (and no photo); records the access tokens it saw. */
export function graphEndpoint(
  body: Record<string, unknown>,
): GraphEndpointClient & { tokens: string[] } {
  const tokens: string[] = [];
  return {
    tokens,
    me(accessToken: string): Promise<GraphMe> {
      tokens.push(accessToken);
      const raw = JSON.stringify(body);
      return Promise.resolve({ user: readGraphUser(body), raw, json: body });
    },
    photo(): Promise<string | undefined> {
      return Promise.resolve(undefined);
    },
  };
}

/**
 * Makes every socket connection in the test throw, so a test proves it used no network. Returns
 * the stub; restore it in `afterEach` (sinon.restore()).
 */
export function forbidSockets(): sinon.SinonStub {
  return sinon.stub(net.Socket.prototype, 'connect').callsFake(() => {
    throw new Error('the sign-in core opened a socket although every client was injected');
  });
}
