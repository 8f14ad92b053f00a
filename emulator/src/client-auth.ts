/**
 * Client authentication at the token endpoint: `client_secret_post`, `client_secret_basic`
 * (RFC 6749 §2.3.1, form-URL-decoded), `private_key_jwt` with a certificate or a federated
 * credential, and public clients (no credential).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Core, Exchange } from './context.js';
import { aadsts } from './aadsts.js';
import type { AadstsError } from './aadsts.js';
import { JWT_BEARER, checkClientAssertion } from './client-assertions.js';
import { header } from './http-helpers.js';
import type { EmulatorClient } from './emulator-types.js';

/** An authenticated client and how it authenticated (`azpacr`/`appidacr`: 0 none, 1 secret, 2 certificate or federated). */
export interface AuthenticatedClient {
  client: EmulatorClient;
  acr: '0' | '1' | '2';
}

/** Whether two secrets are equal (constant time for equal lengths). */
export function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

const MALFORMED_BASIC = 'The Authorization header is malformed.';

/** The client id and secret of an HTTP Basic header, or `undefined` without one. */
function basicCredentials(ex: Exchange): { id: string; secret: string } | undefined {
  const authorization = header(ex.req, 'authorization');
  if (!authorization || !/^basic\s+/i.test(authorization)) return undefined;
  const decoded = Buffer.from(authorization.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const malformed = (): AadstsError =>
    aadsts(7000215, { values: { app: '(unknown)' }, detail: MALFORMED_BASIC });
  if (colon < 0) throw malformed();
  try {
    return {
      id: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    throw malformed();
  }
}

/** Authenticates the client of a token request; throws an {@link AadstsError} when it cannot. */
export function authenticate(core: Core, ex: Exchange, form: URLSearchParams): AuthenticatedClient {
  let clientId = form.get('client_id') ?? undefined;
  let secret = form.get('client_secret') ?? undefined;
  const basic = basicCredentials(ex);
  if (basic !== undefined) {
    if (clientId !== undefined && clientId !== basic.id)
      throw aadsts(9002313, {
        detail: 'The client_id in the body does not match the Authorization header.',
      });
    clientId = basic.id;
    secret = basic.secret;
  }
  if (!clientId) throw aadsts(900144, { values: { parameter: 'client_id' } });
  const client = core.clients.find((c) => c.clientID === clientId);
  if (!client) throw aadsts(700016, { values: { app: clientId } });
  const assertion = form.get('client_assertion');
  if (client.publicClient === true) {
    if (assertion !== null || secret !== undefined)
      throw aadsts(700025, { values: { app: client.clientID } });
    return { client, acr: '0' };
  }
  if (assertion !== null && secret === undefined) {
    if (form.get('client_assertion_type') !== JWT_BEARER)
      throw aadsts(70002, { detail: `The client_assertion_type must be '${JWT_BEARER}'.` });
    checkClientAssertion(client, assertion, `${core.url}${ex.url.pathname}`, core.now());
    return { client, acr: '2' };
  }
  if (secret === undefined || secret === '') throw aadsts(7000218);
  if (client.clientSecret === undefined || !secretsEqual(secret, client.clientSecret))
    throw aadsts(7000215, { values: { app: client.clientID } });
  return { client, acr: '1' };
}
