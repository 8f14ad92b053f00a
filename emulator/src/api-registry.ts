/**
 * APIs exposed by app registrations (Application ID URI, delegated scopes, app roles, accepted
 * token version) and the resource a requested scope names: Microsoft Graph, a registered API, or
 * another resource the emulator does not know.
 */
import { aadsts } from './aadsts.js';
import type { EmulatorApi, EmulatorClient } from './emulator-types.js';

/** Microsoft Graph's application id. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** An exposed API with every member filled in. */
export interface ResolvedApi {
  readonly applicationIdUri: string;
  /** Frozen. */
  readonly scopes: string[];
  /** Frozen. */
  readonly appRoles: string[];
  readonly accessTokenVersion: 1 | 2;
}

/** A registered API and the identifier a request named it by. */
export interface ApiResource {
  /** The registration exposing the API. */
  readonly owner: EmulatorClient;
  readonly api: ResolvedApi;
  /** The identifier as requested: the Application ID URI or the application id. */
  readonly identifier: string;
}

/** What a scope string names. */
export type ScopeResource =
  | { kind: 'oidc' }
  | { kind: 'graph'; identifier: string; name: string }
  | { kind: 'api'; resource: ApiResource; name: string }
  | { kind: 'other'; identifier: string; name: string };

const OIDC = new Set(['openid', 'profile', 'email', 'offline_access']);
/** Graph's identifiers in scopes (lower case). */
export const GRAPH_IDS: readonly string[] = ['https://graph.microsoft.com', GRAPH_APP_ID];

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '');
}

/** Checks and fills in `client.api` (TypeError naming the member on bad input). */
export function resolveApi(clientID: string, api: EmulatorApi): ResolvedApi {
  const where = `emulator client ${clientID}: api`;
  const uri = api.applicationIdUri ?? `api://${clientID}`;
  if (typeof uri !== 'string' || uri === '' || uri.endsWith('/') || /\s/.test(uri))
    throw new TypeError(`${where}.applicationIdUri must be a URI without a trailing slash`);
  if (api.scopes !== undefined && !isStringArray(api.scopes))
    throw new TypeError(`${where}.scopes must be an array of scope names`);
  if (api.appRoles !== undefined && !isStringArray(api.appRoles))
    throw new TypeError(`${where}.appRoles must be an array of role values`);
  // Checked at run time for JavaScript callers.
  const version: unknown = api.accessTokenVersion ?? 2;
  if (version !== 1 && version !== 2)
    throw new TypeError(`${where}.accessTokenVersion must be 1 or 2`);
  return Object.freeze({
    applicationIdUri: uri,
    scopes: Object.freeze([...(api.scopes ?? [])]) as string[],
    appRoles: Object.freeze([...(api.appRoles ?? [])]) as string[],
    accessTokenVersion: version,
  });
}

/** Checks a daemon's granted roles: `{ '<Application ID URI>': ['<role>'] }`. */
export function checkGrantedRoles(clientID: string, roles: Record<string, string[]>): void {
  const given: unknown = roles;
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw new TypeError(`emulator client ${clientID}: appRoles must map resources to role lists`);
  for (const [resource, list] of Object.entries(roles))
    if (!isStringArray(list))
      throw new TypeError(`emulator client ${clientID}: appRoles['${resource}'] must list roles`);
}

/** Copies the API members of a registration (`api`, `appRoles`, `publicClient`) onto `registered`, checked. */
export function exposeApi(
  registered: EmulatorClient,
  given: Pick<EmulatorClient, 'api' | 'appRoles' | 'publicClient'>,
): void {
  if (given.api !== undefined) registered.api = resolveApi(registered.clientID, given.api);
  if (given.appRoles !== undefined) {
    checkGrantedRoles(registered.clientID, given.appRoles);
    registered.appRoles = Object.fromEntries(
      Object.entries(given.appRoles).map(([resource, roles]) => [resource, [...roles]]),
    );
  }
  if (given.publicClient === true) registered.publicClient = true;
}

/** The API registered under `identifier` (its Application ID URI or application id, any case). */
export function findApi(
  clients: readonly EmulatorClient[],
  identifier: string,
): ApiResource | undefined {
  const wanted = identifier.toLowerCase();
  for (const owner of clients) {
    const api = owner.api as ResolvedApi | undefined;
    if (api === undefined) continue;
    if (api.applicationIdUri.toLowerCase() === wanted || owner.clientID.toLowerCase() === wanted)
      return { owner, api, identifier };
  }
  return undefined;
}

/** What `scope` names: an OIDC scope, or a resource (the part before the last `/`) and a name. */
export function scopeResource(clients: readonly EmulatorClient[], scope: string): ScopeResource {
  if (OIDC.has(scope.toLowerCase())) return { kind: 'oidc' };
  const slash = scope.lastIndexOf('/');
  // A bare name (`User.Read`) is a Graph scope, as at Microsoft.
  if (slash <= 0) return { kind: 'graph', identifier: 'https://graph.microsoft.com', name: scope };
  const identifier = scope.slice(0, slash);
  const name = scope.slice(slash + 1);
  if (GRAPH_IDS.includes(identifier.toLowerCase())) return { kind: 'graph', identifier, name };
  const resource = findApi(clients, identifier);
  if (resource !== undefined) return { kind: 'api', resource, name };
  return { kind: 'other', identifier, name };
}

/**
 * The registered API a user grant's scopes name, with the delegated scopes granted (`.default`:
 * every scope the API exposes), or `undefined` when they name Graph or an unknown resource.
 * Throws AADSTS28000 when they name two resources, AADSTS650053 for a scope the API does not expose.
 */
export function apiOfUserScopes(
  clients: readonly EmulatorClient[],
  client: EmulatorClient,
  scopes: readonly string[],
): { resource: ApiResource; names: string[] } | undefined {
  const named = scopes.map((s) => ({ scope: s, target: scopeResource(clients, s) }));
  const resources = named.filter((n) => n.target.kind !== 'oidc');
  const apis = resources.filter((n) => n.target.kind === 'api');
  const first = apis[0]?.target;
  if (first === undefined || first.kind !== 'api') return undefined;
  const owner = first.resource.owner.clientID;
  if (resources.some((n) => n.target.kind !== 'api' || n.target.resource.owner.clientID !== owner))
    throw aadsts(28000, { values: { scope: scopes.join(' ') } });
  const names: string[] = [];
  for (const { scope, target } of apis) {
    if (target.kind !== 'api') continue;
    const exposed = target.resource.api.scopes;
    const found = exposed.find((s) => s.toLowerCase() === target.name.toLowerCase());
    if (target.name === '.default') names.push(...exposed);
    else if (found !== undefined) names.push(found);
    else
      throw aadsts(650053, {
        values: { app: client.name ?? client.clientID, scope, resource: owner },
      });
  }
  return { resource: first.resource, names: [...new Set(names)] };
}
