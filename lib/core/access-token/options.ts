/**
 * Options of {@link MicrosoftAccessTokenVerifier}: checked once, with the sign-in strategy's checks
 * for the names both share (from its option table), and resolved into the authority's endpoints
 * and the API's policy.
 */
import { resolveEndpoints } from '../../config/endpoints.js';
import type { ResolvedEndpoints } from '../../config/endpoints.js';
import { EMIT_WARNING_LOGGER } from '../../log.js';
import type { MicrosoftLogger } from '../../log.js';
import { OPTION_TABLE } from '../../config/options.js';
import type { OptionSpec } from '../../config/options.js';
import type { MicrosoftCloud } from '../../types.js';
import type { StrategyOptionsBase } from '../../config/options.js';
import { namedOptionErrors } from '../../config/option-checks.js';
import type { AccessTokenAllowedTenants, AccessTokenPolicy } from './policy.js';

/** Options of {@link MicrosoftAccessTokenVerifier} (and of {@link MicrosoftBearerStrategy}). */
export interface MicrosoftAccessTokenVerifierOptions {
  /** The API's application (client) id. Required. */
  clientID: string;
  /**
   * Accepted `aud` values, compared exactly. Default `[clientID, 'api://' + clientID]` (v2 tokens
   * carry the client id; v1 tokens the Application ID URI or the client id).
   */
  audience?: string | readonly string[];
  /**
   * Whose tokens the API takes: a tenant id, a domain, `organizations`, `common` or `consumers`.
   * This or `authority` is required (there is no default).
   */
  tenant?: string;
  /** The authority instead of `tenant` (External ID, B2C, a national cloud host, the emulator). */
  authority?: string;
  /** National cloud of `tenant`. Default `'global'`. */
  cloud?: MicrosoftCloud;
  /** Azure AD B2C user flow or custom policy, as for the sign-in strategy. */
  policy?: string;
  /**
   * Tenants whose tokens are taken: tenant ids, `'*'` for any tenant, or a function asked on every
   * request. Required with `common` and `organizations`.
   */
  allowedTenants?: AccessTokenAllowedTenants;
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. Default 300, at most 600. */
  clockTolerance?: number;
  /** Milliseconds for each request for keys or metadata. Default 10000. */
  timeout?: number;
  /** Where configuration warnings go. Default `process.emitWarning`. */
  logger?: MicrosoftLogger;
  /** Delegated scopes this API accepts: a user token needs at least one in `scp`. Default: any. */
  scopes?: readonly string[];
  /**
   * Application permissions (app roles) this API accepts: an app-only token needs at least one in
   * `roles`. Without it, app-only tokens are refused.
   */
  appPermissions?: readonly string[];
  /** Client application ids (`azp` in v2, `appid` in v1) allowed to call. Default: any. */
  allowedClientApps?: readonly string[];
  /** Most verified tokens kept (keyed by a SHA-256 of the token). Default 10000; 0 turns the cache off. */
  cacheSize?: number;
}

/** The verifier's resolved configuration. */
export interface ResolvedVerifierConfig {
  clientID: string;
  audience: readonly string[];
  endpoints: ResolvedEndpoints;
  clockTolerance: number;
  timeout: number;
  logger: MicrosoftLogger;
  policy: AccessTokenPolicy;
  cacheSize: number;
}

/** Names of the verifier's options. */
export const VERIFIER_OPTIONS = [
  'clientID',
  'audience',
  'tenant',
  'authority',
  'cloud',
  'policy',
  'allowedTenants',
  'clockTolerance',
  'timeout',
  'logger',
  'scopes',
  'appPermissions',
  'allowedClientApps',
  'cacheSize',
] as const satisfies readonly (keyof MicrosoftAccessTokenVerifierOptions)[];

const SHARED = [
  'clientID',
  'tenant',
  'authority',
  'cloud',
  'policy',
  'clockTolerance',
  'timeout',
  'logger',
] as const;

function stringList(value: unknown, name: string, who: string): readonly string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((v) => typeof v === 'string' && v !== '')
  )
    throw new TypeError(`${who} option ${name} must be a non-empty array of non-empty strings`);
  return Object.freeze([...(value as string[])]);
}

/** Runs `check` with the sign-in strategy's messages renamed to the class the user called. */

/**
 * Checks the options and resolves them. Throws a `TypeError` naming the option (and `who`, the
 * class the options were given to) when one is unknown, missing or invalid.
 */
export function resolveVerifierOptions(
  input: unknown,
  who: string,
  extra: readonly string[] = [],
): ResolvedVerifierConfig {
  if (input === null || typeof input !== 'object')
    throw new TypeError(`${who} requires an options object`);
  const o = input as MicrosoftAccessTokenVerifierOptions & Record<string, unknown>;
  const known = new Set<string>([...VERIFIER_OPTIONS, ...extra]);
  for (const key of Object.keys(o))
    if (!known.has(key)) throw new TypeError(`${who} does not know the option "${key}"`);
  namedOptionErrors(who, () => {
    for (const name of SHARED) {
      const spec: OptionSpec<unknown> = OPTION_TABLE[name];
      if (o[name] !== undefined || spec.required === true) spec.check(o[name], name);
    }
    const tenants: OptionSpec<unknown> = OPTION_TABLE.allowedTenants;
    if (o.allowedTenants !== undefined && o.allowedTenants !== '*')
      tenants.check(o.allowedTenants, 'allowedTenants');
  });
  if (o.tenant === undefined && o.authority === undefined)
    throw new TypeError(
      `${who} requires a tenant or authority option: an API must say whose tokens it takes (a tenant id, a domain, organizations, common or consumers)`,
    );
  const audience =
    o.audience === undefined
      ? Object.freeze([o.clientID, `api://${o.clientID}`])
      : typeof o.audience === 'string' && o.audience !== ''
        ? Object.freeze([o.audience])
        : stringList(o.audience, 'audience', who);
  const endpoints = namedOptionErrors(who, () =>
    resolveEndpoints({
      clientID: o.clientID,
      tenant: o.tenant,
      authority: o.authority,
      cloud: o.cloud,
      policy: o.policy,
    } as unknown as StrategyOptionsBase),
  );
  const kind = endpoints.tenantKind;
  if ((kind === 'common' || kind === 'organizations') && o.allowedTenants === undefined)
    throw new TypeError(
      `${who} option allowedTenants is required with tenant "${endpoints.tenant}": an array of tenant ids, a function, or '*' to take tokens of any tenant`,
    );
  const cacheSize = o.cacheSize ?? 10_000;
  if (!Number.isSafeInteger(cacheSize) || cacheSize < 0)
    throw new TypeError(
      `${who} option cacheSize must be a whole number >= 0, got ${String(cacheSize)}`,
    );
  const tenants = o.allowedTenants;
  return {
    clientID: o.clientID,
    audience,
    endpoints,
    clockTolerance: o.clockTolerance ?? 300,
    timeout: o.timeout ?? 10_000,
    logger: o.logger ?? EMIT_WARNING_LOGGER,
    cacheSize,
    policy: {
      allowedTenants:
        tenants === undefined || tenants === '*' || typeof tenants === 'function'
          ? tenants
          : new Set(tenants.map((t) => t.toLowerCase())),
      allowedClientApps:
        o.allowedClientApps === undefined
          ? undefined
          : new Set(
              stringList(o.allowedClientApps, 'allowedClientApps', who).map((c) => c.toLowerCase()),
            ),
      scopes: o.scopes === undefined ? undefined : stringList(o.scopes, 'scopes', who),
      appPermissions:
        o.appPermissions === undefined
          ? undefined
          : stringList(o.appPermissions, 'appPermissions', who),
    },
  };
}

/** Checks per-call requirements (`scopes`, `appPermissions`) as the options are checked. */
export function checkRequirements(call: unknown, who: string): void {
  if (call === undefined) return;
  if (call === null || typeof call !== 'object')
    throw new TypeError(`${who} requirements must be an object`);
  const c = call as Record<string, unknown>;
  if (c['scopes'] !== undefined) stringList(c['scopes'], 'scopes', who);
  if (c['appPermissions'] !== undefined) stringList(c['appPermissions'], 'appPermissions', who);
}
