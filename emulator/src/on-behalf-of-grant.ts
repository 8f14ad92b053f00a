/**
 * `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` with `requested_token_use=on_behalf_of`:
 * an API (a confidential client) exchanges the user's access token it received for a token to
 * another resource (Microsoft Graph, another registered API) as the same user.
 */
import { verify } from 'node:crypto';
import type { Core } from './context.js';
import { aadsts } from './aadsts.js';
import type { Caller } from './access-tokens.js';
import { grantedScopes } from './scopes.js';
import type { TenantPath } from './tenants.js';
import type { EmulatorUser } from './emulator-types.js';
import { issueTokens } from './user-grants.js';

/** The OAuth grant type of the on-behalf-of flow (and of JWT bearer grants in general). */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

function invalid(detail: string): Error {
  return aadsts(50013, { detail });
}

function decodePart(part: string | undefined): Record<string, unknown> {
  if (part === undefined) throw invalid('The assertion is not a JWT.');
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw invalid('The assertion is not a JWT.');
}

/** The claims of an access token this emulator signed (signature, issuer and lifetime checked). */
function verifiedClaims(core: Core, assertion: string): Record<string, unknown> {
  const parts = assertion.split('.');
  if (parts.length !== 3) throw invalid('The assertion is not a JWT.');
  const [head, body, signature] = parts as [string, string, string];
  const header = decodePart(head);
  const claims = decodePart(body);
  const key = typeof header['kid'] === 'string' ? core.keys.byKid(header['kid']) : undefined;
  if (header['alg'] !== 'RS256' || key === undefined)
    throw invalid('[Reason - The key was not found.]');
  const valid = verify(
    'sha256',
    Buffer.from(`${head}.${body}`),
    key.publicKey,
    Buffer.from(signature, 'base64url'),
  );
  if (!valid) throw invalid('[Reason - The signature does not verify.]');
  const iss = claims['iss'];
  if (typeof iss !== 'string' || !iss.startsWith(`${core.url}/`))
    throw invalid('[Reason - The issuer is not this identity platform.]');
  const exp = claims['exp'];
  if (typeof exp !== 'number' || exp * 1000 <= core.now())
    throw aadsts(500133, {
      detail: `Current time: ${new Date(core.now()).toISOString()}.`,
    });
  return claims;
}

/** The user an incoming token was issued for; it must be for the calling app and delegated. */
function assertedUser(core: Core, caller: Caller, claims: Record<string, unknown>): EmulatorUser {
  const aud = typeof claims['aud'] === 'string' ? claims['aud'].toLowerCase() : '';
  const api = caller.client.api;
  const audiences = [caller.client.clientID, api?.applicationIdUri].filter(
    (a): a is string => a !== undefined,
  );
  if (!audiences.some((a) => a.toLowerCase() === aud))
    throw invalid(
      `Assertion audience does not match the Client application identifier '${caller.client.clientID}'.`,
    );
  if (claims['idtyp'] === 'app' || typeof claims['scp'] !== 'string')
    throw invalid(
      'The assertion is an app-only token; on-behalf-of exchanges user tokens only (use client credentials for app-only access).',
    );
  const user = core.users.find(
    (u) => u.oid === claims['oid'] && (claims['tid'] === undefined || u.tid === claims['tid']),
  );
  if (user === undefined) throw aadsts(70000, { detail: 'The user no longer exists.' });
  return user;
}

/** `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` (on-behalf-of). */
export function onBehalfOfGrant(
  core: Core,
  form: URLSearchParams,
  caller: Caller,
  tenant: TenantPath,
): Record<string, unknown> {
  // Only a confidential client (the API) can act on behalf of its caller.
  if (caller.acr === '0') throw aadsts(7000218);
  const use = form.get('requested_token_use');
  if (!use) throw aadsts(900144, { values: { parameter: 'requested_token_use' } });
  if (use !== 'on_behalf_of')
    throw aadsts(9002313, {
      detail: `The requested_token_use '${use}' is not supported; send 'on_behalf_of'.`,
    });
  const assertion = form.get('assertion');
  if (!assertion) throw aadsts(900144, { values: { parameter: 'assertion' } });
  const user = assertedUser(core, caller, verifiedClaims(core, assertion));
  const requested = (form.get('scope') ?? '').split(' ').filter(Boolean);
  if (requested.length === 0) throw aadsts(900144, { values: { parameter: 'scope' } });
  return issueTokens(core, form, caller, user, grantedScopes(requested), tenant, undefined);
}
