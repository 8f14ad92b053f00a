/**
 * What a verified access token says, read once: who calls (a user through a client application,
 * or an application on its own), from which tenant, through which client, with which delegated
 * scopes and app roles. Also the recognition of Microsoft Graph tokens, which no API but Graph can
 * validate.
 */
import { isGuid } from '../../config/clouds.js';
import { MicrosoftAccessTokenError } from '../../errors.js';

/** Claims of a Microsoft access token, as far as this library reads them; all claims are kept. */
export interface MicrosoftAccessTokenClaims {
  /** Issuer: the tenant's v2 issuer, or its v1 issuer (`https://sts.windows.net/<tid>/`). */
  iss: string;
  /** Audience: this API's client id or Application ID URI. */
  aud: string;
  /** `"1.0"` or `"2.0"`. */
  ver: string;
  /** Tenant id (B2C tokens may carry none). */
  tid?: string;
  /** Object id of the user or of the calling application's service principal. */
  oid?: string;
  /** Subject (pairwise per application). */
  sub: string;
  /** Delegated scopes, space-separated (user tokens). */
  scp?: string;
  /** App roles: application permissions of an app-only token, or the user's roles. */
  roles?: string[];
  /** `app` for app-only tokens (optional claim; `user` when the API asks for it). */
  idtyp?: string;
  /** Client application id (v2). */
  azp?: string;
  /** Client application id (v1). */
  appid?: string;
  /** The user's name. */
  name?: string;
  /** Username (v2). */
  preferred_username?: string;
  /** Username (v1). */
  upn?: string;
  /** Username (v1, when there is no `upn`). */
  unique_name?: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
  /** Issue time, in seconds since the epoch. */
  iat: number;
  /** Not valid before, in seconds since the epoch. */
  nbf?: number;
  [claim: string]: unknown;
}

/** A verified access token, frozen: `req.user` of {@link MicrosoftBearerStrategy} by default. */
export interface MicrosoftAccessToken {
  /** `user` for a delegated token (a user through a client application), `app` for app-only. */
  readonly kind: 'user' | 'app';
  /** Object id (`oid`) of the user or of the calling application's service principal (`sub` when there is no `oid`). */
  readonly id: string;
  /** Tenant id: `tid`, else the tenant in `iss` (B2C). */
  readonly tenantId: string;
  /** Client application id: `azp` (v2), else `appid` (v1). */
  readonly clientAppId: string;
  /** Delegated scopes from `scp` (empty for app-only tokens). */
  readonly scopes: readonly string[];
  /** App roles from `roles`: the app permissions of an app-only token, or the user's roles. */
  readonly roles: readonly string[];
  /** Token version: 1 or 2 (`ver`). */
  readonly version: 1 | 2;
  /** The user's `name`, when the token has one. */
  readonly name?: string;
  /** `preferred_username` (v2) or `upn`/`unique_name` (v1): display only, never for authorization. */
  readonly username?: string;
  /** Every claim of the token. */
  readonly claims: Readonly<MicrosoftAccessTokenClaims>;
}

/** Microsoft Graph's application id and its resource URIs in every cloud (lower case, no slash). */
const GRAPH_AUDIENCES: ReadonlySet<string> = new Set([
  '00000003-0000-0000-c000-000000000000',
  'https://graph.microsoft.com',
  'https://graph.microsoft.us',
  'https://dod-graph.microsoft.us',
  'https://microsoftgraph.chinacloudapi.cn',
]);

function namesGraph(aud: unknown): boolean {
  if (typeof aud !== 'string') return false;
  const value = aud.toLowerCase();
  return GRAPH_AUDIENCES.has(value.endsWith('/') ? value.slice(0, -1) : value);
}

/**
 * Refuses a Microsoft Graph token (a `nonce` in its header, or an `aud` naming Graph) before any
 * other check: its signature cannot be checked by anyone but Graph, and it is not for this API.
 */
export function refuseGraphToken(
  header: Record<string, unknown>,
  payload: Record<string, unknown> | undefined,
  clientID: string,
): void {
  const aud = payload?.['aud'];
  const graph =
    Object.hasOwn(header, 'nonce') ||
    namesGraph(aud) ||
    (Array.isArray(aud) && aud.some((a) => namesGraph(a)));
  if (graph)
    throw new MicrosoftAccessTokenError(
      'graph_token',
      `this is a Microsoft Graph access token, which only Graph can validate; the client must request a token for this API's scope (api://${clientID}/.default or a named scope such as api://${clientID}/<scope>) instead`,
    );
}

/** The empty list of a token without scopes or roles. */
const NONE: readonly string[] = Object.freeze([]);

function claimError(message: string): MicrosoftAccessTokenError {
  return new MicrosoftAccessTokenError('claims', message);
}

function optionalString(claims: Record<string, unknown>, name: string): string | undefined {
  const value = claims[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw claimError(`"${name}" claim must be a string`);
  return value;
}

/** The token's version from `ver`: 1 or 2. */
export function tokenVersion(claims: Record<string, unknown>): 1 | 2 {
  const ver = claims['ver'];
  if (ver === '2.0') return 2;
  if (ver === '1.0') return 1;
  throw claimError(`"ver" is ${JSON.stringify(ver)}; Microsoft access tokens say "1.0" or "2.0"`);
}

/** The tenant id in a B2C-style issuer `https://<host>/<tenant id>/v2.0/`. */
function tenantOfIssuer(iss: string): string | undefined {
  const segment = /^https?:\/\/[^/]+\/([^/]+)\//.exec(iss)?.[1];
  return segment !== undefined && isGuid(segment) ? segment : undefined;
}

/** Deep-freezes parsed JSON (objects and arrays). */
function deepFreeze(value: object): void {
  Object.freeze(value);
  for (const name in value) {
    const member = (value as Record<string, unknown>)[name];
    if (member !== null && typeof member === 'object') deepFreeze(member);
  }
}

/**
 * Reads the verified claims into a frozen {@link MicrosoftAccessToken} (claims frozen too, so
 * what one request changes no later request sees). `version` comes from `ver`.
 */
export function readAccessToken(
  claims: Record<string, unknown>,
  version: 1 | 2,
): MicrosoftAccessToken {
  const scp = optionalString(claims, 'scp');
  const rolesClaim = claims['roles'];
  if (
    rolesClaim !== undefined &&
    !(Array.isArray(rolesClaim) && rolesClaim.every((r) => typeof r === 'string'))
  )
    throw claimError('"roles" claim must be an array of strings');
  const roles = rolesClaim ?? NONE;
  const idtyp = optionalString(claims, 'idtyp');
  if (idtyp !== undefined && idtyp !== 'app' && idtyp !== 'user')
    throw claimError(`"idtyp" is ${JSON.stringify(idtyp)}; Microsoft writes "app" or "user"`);
  // idtyp decides when present; without it, a token without scp is app-only.
  const kind = idtyp === undefined ? (scp === undefined ? 'app' : 'user') : idtyp;
  const clientAppId = optionalString(claims, 'azp') ?? optionalString(claims, 'appid');
  if (clientAppId === undefined)
    throw claimError('the token names no client application (neither "azp" nor "appid")');
  const id = optionalString(claims, 'oid') ?? (claims['sub'] as string);
  if (typeof id !== 'string') throw claimError('"sub" claim must be a string');
  const iss = claims['iss'] as string;
  const tenantId = optionalString(claims, 'tid') ?? tenantOfIssuer(iss);
  if (tenantId === undefined) throw claimError('the token names no tenant ("tid" or in "iss")');
  const name = optionalString(claims, 'name');
  const username =
    version === 2
      ? optionalString(claims, 'preferred_username')
      : (optionalString(claims, 'upn') ?? optionalString(claims, 'unique_name'));
  deepFreeze(claims);
  const token: { -readonly [K in keyof MicrosoftAccessToken]: MicrosoftAccessToken[K] } = {
    kind,
    id,
    tenantId,
    clientAppId,
    scopes:
      kind === 'app' || scp === undefined ? NONE : Object.freeze(scp.split(' ').filter(Boolean)),
    roles,
    version,
    claims: claims as unknown as MicrosoftAccessTokenClaims,
  };
  if (name !== undefined) token.name = name;
  if (username !== undefined) token.username = username;
  return Object.freeze(token);
}
