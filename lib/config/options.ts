/**
 * The one place per option: the options' types ({@link StrategyOptionsBase}) and the option table,
 * which holds each option's layer, documented type, default (read by the resolvers) and check.
 * The table is typed against the options interface, so an option that is typed but not listed (or
 * listed but not typed, or with a default of the wrong type) does not compile, and docs/options.md
 * is tested against it. Adding an option touches this file, the code that reads it and the docs.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { EMIT_WARNING_LOGGER } from '../log.js';
import type { MicrosoftLogger } from '../log.js';
import type {
  AllowedTenants,
  ClientAssertionCallback,
  ClientCertificate,
  MicrosoftCloud,
  MicrosoftTenant,
} from '../types/option-values.js';
import type { StateStore } from '../types/state-store.js';
import {
  CLOUD_NAMES,
  DEFAULT_SCOPE,
  MAX_CLOCK_TOLERANCE,
  PHOTO_SIZES,
  boolean,
  nonEmptyString,
  optionError,
  required,
} from './option-checks.js';
import { checkCallbackURLScheme } from './callback-url.js';

/** Options shared by both verify conventions. */
export interface StrategyOptionsBase {
  /**
   * Application (client) ID from the app registration, written exactly as the portal shows it:
   * the ID token's `aud` is compared case-sensitively. Required.
   */
  clientID: string;
  /**
   * Client secret **Value** from Certificates & secrets. Give exactly one of `clientSecret`,
   * `clientCertificate` and `clientAssertion`.
   */
  clientSecret?: string;
  /**
   * A certificate uploaded to the app registration: the token requests carry a `client_assertion`
   * JWT signed with its private key (PS256 by default), reused for 8 of its 10 minutes. See
   * docs/credentials.md. Default none.
   */
  clientCertificate?: ClientCertificate;
  /**
   * Federated credential: returns the assertion (a JWT string, or `{ assertion, expiresAt }` to
   * have it reused until a minute before `expiresAt`) sent as `client_assertion` with each token
   * request, e.g. the Azure workload identity token file. See docs/credentials.md. Default none.
   */
  clientAssertion?: ClientAssertionCallback;
  /**
   * Redirect URI registered under the Web platform: an http or https URL. A path resolves against
   * the request's Host header (a warning says so); with `NODE_ENV=production` it must be an
   * absolute https URL unless `allowInsecureCallbackURL` is set. Required.
   */
  callbackURL: string;
  /**
   * Accept a relative or plain-http `callbackURL` while `NODE_ENV` is `production` (for example
   * an internal http deployment, or a proxy you trust to set Host). Default `false`.
   */
  allowInsecureCallbackURL?: boolean;
  /** Strategy name for `passport.authenticate`. Default `microsoft`. */
  name?: string;
  /** Who can sign in. Default `common`. */
  tenant?: MicrosoftTenant;
  /** National cloud. Default `global`. */
  cloud?: MicrosoftCloud;
  /**
   * Full login authority `<origin>[/path]/<tenant>`; overrides `cloud` + `tenant` for login
   * endpoints. Customer identity authorities (Entra External ID
   * `https://<subdomain>.ciamlogin.com/<tenant>`, Azure AD B2C
   * `https://<tenant>.b2clogin.com/<tenant>.onmicrosoft.com/<policy>`) and any host other than
   * Microsoft's workforce login hosts are read from their OpenID discovery document. See
   * docs/customer-identity.md.
   */
  authority?: string;
  /**
   * Azure AD B2C user flow or custom policy (e.g. `B2C_1_signin`), appended to an `authority`
   * on a custom domain; it also marks the authority as B2C. Default none.
   */
  policy?: string;
  /** Graph base URL. Default `https://graph.microsoft.com/v1.0` (per cloud). */
  graphBaseURL?: string;
  /** passport-microsoft alias: Graph origin, combined with `graphApiVersion`. */
  apiEntryPoint?: string;
  /** passport-microsoft alias: Graph version (`v1.0` or `beta`). */
  graphApiVersion?: string;
  /** Authorize endpoint override. */
  authorizationURL?: string;
  /** Token endpoint override. */
  tokenURL?: string;
  /** Scopes. Default `['openid', 'profile', 'email', 'offline_access', 'User.Read']`. */
  scope?: string | readonly string[];
  /** Keep `state` (CSRF protection, nonce and PKCE storage). Default `true`. */
  state?: boolean;
  /** PKCE with S256. Default `true` (needs `state`). */
  pkce?: boolean;
  /** Custom state store (passport-oauth2's PKCE store interface). */
  store?: StateStore;
  /** Session key for the pending login state. Default `microsoft:<authorize host>:<clientID>`. */
  sessionKey?: string;
  /** Trust `X-Forwarded-*` when resolving a relative `callbackURL`. */
  proxy?: boolean;
  /**
   * Skip the Graph call (the profile then comes from the ID token, if any): `true`, a function
   * `(accessToken, done) => done(null, skip)`, or, as in passport-oauth2, a function of at most one
   * parameter that returns `true` to skip.
   */
  skipUserProfile?:
    | boolean
    | ((accessToken: string, done: (err: unknown, skip?: boolean) => void) => void | boolean);
  /** Extra headers on token requests. */
  customHeaders?: OutgoingHttpHeaders;
  /** Milliseconds for each outbound HTTP call. Default `10000`. */
  timeout?: number;
  /** Fetch the Graph photo: `true` or a size such as `'48x48'`. Default `false`. */
  photo?: boolean | string;
  /** passport-microsoft compatibility: add a work account's UPN to `emails`. Default `false`. */
  addUPNAsEmail?: boolean;
  /** Seconds of clock skew tolerated on `exp`/`nbf`/`iat`/`auth_time`, at most 600. Default `300`. */
  clockTolerance?: number;
  /**
   * Seconds a signing-key set is used before it is fetched again on the next verification (a key
   * Microsoft adds in between is fetched at once, whatever the age). Default `86400` (a day).
   */
  jwksMaxAge?: number;
  /**
   * How the client secret reaches the token endpoint: `client_secret_post` (in the form body) or
   * `client_secret_basic` (HTTP Basic, RFC 6749 section 2.3.1). Default `client_secret_post`.
   */
  tokenAuthMethod?: 'client_secret_post' | 'client_secret_basic';
  /**
   * Where one-time configuration warnings go (an object with `warn`, such as `console` or a pino
   * logger). Default `process.emitWarning`.
   */
  logger?: MicrosoftLogger;
  /** Restrict sign-in to these tenants. Default: all tenants the authority admits. */
  allowedTenants?: AllowedTenants;
  /** Where the profile comes from: `graph` (default) or `id_token` (no Graph call). */
  profileSource?: 'graph' | 'id_token';
  /** passport-oauth2 compatibility: only `' '` (Microsoft separates scopes with spaces). */
  scopeSeparator?: ' ';
}

/** Options only the Passport strategy reads; {@link SignInOptions} is the rest. */
export type PassportOnlyOption =
  'name' | 'scopeSeparator' | 'state' | 'store' | 'sessionKey' | 'proxy' | 'skipUserProfile';

/** Options of {@link MicrosoftSignIn}: the strategy's options without the Passport-only ones. */
export type SignInOptions = Omit<StrategyOptionsBase, PassportOnlyOption>;

/** Options for a verify callback without the request. */
export interface StrategyOptions extends StrategyOptionsBase {
  /** The verify callback does not receive the request (the default). */
  passReqToCallback?: false;
}

/** Options for a verify callback that receives the request first. */
export interface StrategyOptionsWithRequest extends StrategyOptionsBase {
  /** The verify callback receives the request as its first argument. */
  passReqToCallback: true;
}

/** Every option name, including `passReqToCallback` (which selects the verify convention). */
export type OptionName = keyof StrategyOptionsBase | 'passReqToCallback';

/** Every option with its type, `passReqToCallback` included. */
type AllOptions = StrategyOptionsBase & { passReqToCallback?: boolean };

/** How one option is read. */
export interface OptionSpec<T> {
  /** `core` options configure {@link MicrosoftSignIn}; `passport` ones only the Passport adapter. */
  readonly layer: 'core' | 'passport';
  /** Its type, as docs/options.md states it. */
  readonly type: string;
  /** Whether the option must be given. */
  readonly required?: true;
  /** The default the resolvers read; absent when there is none or it depends on other options. */
  readonly default?: T;
  /** The default as docs/options.md states it, when that is not the default value itself. */
  readonly docDefault?: string;
  /** Throws an {@link OptionError} naming the option when the value has the wrong type or form. */
  readonly check: (value: unknown, name: string) => void;
}

/**
 * Every option, once: its layer, its type as the docs state it, its default (read by the resolvers
 * through {@link optionValue}) and the check of its value. `satisfies` makes the compiler catch an
 * option missing from the table, or a default of the wrong type.
 */
export const OPTION_TABLE = {
  clientID: { layer: 'core', type: 'string', required: true, check: required },
  clientSecret: {
    layer: 'core',
    type: 'string',
    docDefault: 'required unless `clientCertificate` or `clientAssertion`',
    check: required,
  },
  clientCertificate: {
    layer: 'core',
    type: '{ privateKey, thumbprintSha256 } | { privateKey, certificate }',
    check: (v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v))
        throw optionError(
          'option clientCertificate must be an object with privateKey and thumbprintSha256 or certificate',
        );
    },
  },
  clientAssertion: {
    layer: 'core',
    type: '({ tokenURL }) => string | { assertion, expiresAt } | Promise<…>',
    check: (v) => {
      if (typeof v !== 'function')
        throw optionError('option clientAssertion must be a function returning the assertion');
    },
  },
  callbackURL: {
    layer: 'core',
    type: 'string',
    required: true,
    check: (v, name) => {
      required(v, name);
      checkCallbackURLScheme(v as string);
    },
  },
  allowInsecureCallbackURL: { layer: 'core', type: 'boolean', default: false, check: boolean },
  name: { layer: 'passport', type: 'string', default: 'microsoft', check: nonEmptyString },
  tenant: {
    layer: 'core',
    type: "'common' | 'organizations' | 'consumers' | string",
    default: 'common',
    check: (v) => {
      if (typeof v !== 'string' || v === '')
        throw optionError('option tenant must be a non-empty string');
    },
  },
  cloud: {
    layer: 'core',
    type: "'global' | 'usgov' | 'usgov-dod' | 'china'",
    default: 'global',
    check: (v) => {
      if (typeof v !== 'string' || !CLOUD_NAMES.includes(v))
        throw optionError(
          `option cloud must be one of ${CLOUD_NAMES.join(', ')}, got "${String(v)}"`,
        );
    },
  },
  authority: {
    layer: 'core',
    type: 'string',
    docDefault: 'from `cloud` and `tenant`',
    check: nonEmptyString,
  },
  policy: {
    layer: 'core',
    type: 'string',
    check: (v) => {
      if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(v))
        throw optionError(
          `option policy must be a B2C user flow or custom policy name such as "B2C_1_signin", got ${JSON.stringify(v)}`,
        );
    },
  },
  graphBaseURL: {
    layer: 'core',
    type: 'string',
    docDefault: "`'https://graph.microsoft.com/v1.0'` (per cloud)",
    check: nonEmptyString,
  },
  apiEntryPoint: {
    layer: 'core',
    type: 'string',
    docDefault: "the cloud's Graph origin",
    check: nonEmptyString,
  },
  graphApiVersion: { layer: 'core', type: 'string', default: 'v1.0', check: nonEmptyString },
  authorizationURL: {
    layer: 'core',
    type: 'string',
    docDefault: '`${authority}/oauth2/v2.0/authorize`',
    check: nonEmptyString,
  },
  tokenURL: {
    layer: 'core',
    type: 'string',
    docDefault: '`${authority}/oauth2/v2.0/token`',
    check: nonEmptyString,
  },
  scope: {
    layer: 'core',
    type: 'string | readonly string[]',
    default: DEFAULT_SCOPE,
    check: (v) => {
      if (typeof v !== 'string' && !(Array.isArray(v) && v.every((s) => typeof s === 'string')))
        throw optionError('option scope must be a string or an array of strings');
    },
  },
  scopeSeparator: {
    layer: 'passport',
    type: "' '",
    default: ' ',
    check: (v) => {
      if (v !== ' ')
        throw optionError(
          'option scopeSeparator must be " " (Microsoft separates scopes with spaces)',
        );
    },
  },
  state: { layer: 'passport', type: 'boolean', default: true, check: boolean },
  pkce: {
    layer: 'core',
    type: 'boolean',
    default: true,
    docDefault: 'same as `state`',
    check: boolean,
  },
  store: {
    layer: 'passport',
    type: 'StateStore',
    docDefault: 'session store',
    check: (v) => {
      const store = v as { store?: unknown; verify?: unknown } | null;
      if (
        store === null ||
        typeof store !== 'object' ||
        typeof store.store !== 'function' ||
        typeof store.verify !== 'function'
      )
        throw optionError('option store must be an object with store() and verify() methods');
    },
  },
  sessionKey: {
    layer: 'passport',
    type: 'string',
    docDefault: "`'microsoft:<authorize host>:<clientID>'`",
    check: nonEmptyString,
  },
  proxy: { layer: 'passport', type: 'boolean', default: false, check: boolean },
  skipUserProfile: {
    layer: 'passport',
    type: 'boolean | (accessToken, done) => void',
    default: false,
    check: (v) => {
      if (typeof v !== 'boolean' && typeof v !== 'function')
        throw optionError('option skipUserProfile must be a boolean or a function');
    },
  },
  customHeaders: {
    layer: 'core',
    type: 'OutgoingHttpHeaders',
    check: (v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v))
        throw optionError('option customHeaders must be an object of header names and values');
    },
  },
  timeout: {
    layer: 'core',
    type: 'number',
    default: 10_000,
    check: (v) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
        throw optionError(
          `option timeout must be a positive number of milliseconds, got ${String(v)}`,
        );
    },
  },
  photo: {
    layer: 'core',
    type: 'boolean | string',
    default: false,
    check: (v) => {
      if (typeof v !== 'boolean' && !(typeof v === 'string' && PHOTO_SIZES.has(v)))
        throw optionError(
          `option photo must be true, false or one of ${[...PHOTO_SIZES].join(', ')}; got ${JSON.stringify(v)}`,
        );
    },
  },
  addUPNAsEmail: { layer: 'core', type: 'boolean', default: false, check: boolean },
  clockTolerance: {
    layer: 'core',
    type: 'number',
    default: 300,
    check: (v) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw optionError(
          `option clockTolerance must be a number of seconds >= 0, got ${String(v)}`,
        );
      if (v > MAX_CLOCK_TOLERANCE)
        throw optionError(
          `option clockTolerance must be at most ${MAX_CLOCK_TOLERANCE} seconds (more would accept expired tokens for too long), got ${String(v)}`,
        );
    },
  },
  jwksMaxAge: {
    layer: 'core',
    type: 'number',
    default: 86_400,
    check: (v) => {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 60 || v > 604_800)
        throw optionError(
          `option jwksMaxAge must be a whole number of seconds from 60 to 604800 (a week), got ${String(v)}`,
        );
    },
  },
  tokenAuthMethod: {
    layer: 'core',
    type: "'client_secret_post' | 'client_secret_basic'",
    default: 'client_secret_post',
    check: (v) => {
      if (v !== 'client_secret_post' && v !== 'client_secret_basic')
        throw optionError(
          `option tokenAuthMethod must be "client_secret_post" or "client_secret_basic", got ${JSON.stringify(v)}`,
        );
    },
  },
  logger: {
    layer: 'core',
    type: '{ warn(message: string): void }',
    default: EMIT_WARNING_LOGGER,
    docDefault: '`process.emitWarning`',
    check: (v) => {
      if (
        v === null ||
        typeof v !== 'object' ||
        typeof (v as { warn?: unknown }).warn !== 'function'
      )
        throw optionError('option logger must be an object with a warn(message) method');
    },
  },
  allowedTenants: {
    layer: 'core',
    type: 'readonly string[] | (tenantId, claims) => boolean | Promise<boolean>',
    docDefault: 'all tenants that `tenant` admits',
    check: (v) => {
      if (
        typeof v !== 'function' &&
        (!Array.isArray(v) || !v.every((t) => typeof t === 'string' && t !== ''))
      )
        throw optionError('option allowedTenants must be an array of tenant ids or a function');
      if (Array.isArray(v) && v.length === 0)
        throw optionError(
          'option allowedTenants is an empty list, which would refuse every tenant (everyone); leave it out to admit every tenant the authority admits, or list the tenant ids to admit',
        );
    },
  },
  profileSource: {
    layer: 'core',
    type: "'graph' | 'id_token'",
    default: 'graph',
    docDefault: "`'graph'` (`'id_token'` for B2C)",
    check: (v) => {
      if (v !== 'graph' && v !== 'id_token')
        throw optionError(
          `option profileSource must be "graph" or "id_token", got ${JSON.stringify(v)}`,
        );
    },
  },
  passReqToCallback: { layer: 'passport', type: 'boolean', default: false, check: boolean },
} as const satisfies { [K in OptionName]: OptionSpec<NonNullable<AllOptions[K]>> };

/** Core options the table gives a plain default. */
export type DefaultedCoreOption = {
  [K in OptionName]: (typeof OPTION_TABLE)[K] extends { layer: 'core'; default: unknown }
    ? K
    : never;
}[OptionName];

/** Each core option with a plain default, resolved to its value or default. */
export type DefaultedCoreSettings = { [K in DefaultedCoreOption]: NonNullable<AllOptions[K]> };

/**
 * Every core option with a plain default, resolved to its value or default, except `excluded`
 * (options another resolver reads). A core option added to the table with a default reaches the
 * core's configuration this way, under its own name, with no resolver to edit.
 */
export function defaultedCoreSettings<E extends DefaultedCoreOption>(
  options: Partial<AllOptions>,
  excluded: readonly E[],
): Omit<DefaultedCoreSettings, E> {
  const settings: Record<string, unknown> = {};
  for (const name of CORE_OPTIONS) {
    const spec: OptionSpec<unknown> = OPTION_TABLE[name];
    if (spec.default === undefined || (excluded as readonly string[]).includes(name)) continue;
    settings[name] = optionValue(options, name);
  }
  return settings as Omit<DefaultedCoreSettings, E>;
}

/** The option's value, else its default from the table. */
export function optionValue<K extends keyof typeof OPTION_TABLE & OptionName>(
  options: Partial<AllOptions>,
  name: K,
): NonNullable<AllOptions[K]> {
  const spec: OptionSpec<unknown> = OPTION_TABLE[name];
  return (options[name] ?? spec.default) as NonNullable<AllOptions[K]>;
}

/** Names of the options {@link MicrosoftSignIn} reads (the others belong to the Passport adapter). */
export const CORE_OPTIONS: readonly OptionName[] = (
  Object.keys(OPTION_TABLE) as OptionName[]
).filter((name) => OPTION_TABLE[name].layer === 'core');

/**
 * Checks that `input` is an options object naming only known options, that the required ones are
 * there, and that each value has the right type. Throws a `TypeError` naming the option.
 */
export function checkOptions(input: unknown, allowed: readonly OptionName[]): void {
  if (input === null || typeof input !== 'object') throw optionError('requires an options object');
  const options = input as Record<string, unknown>;
  const known = new Set<string>(allowed);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw optionError(`does not know the option "${key}"`);
  }
  for (const name of allowed) {
    const spec: OptionSpec<unknown> = OPTION_TABLE[name];
    const value = options[name];
    if (value !== undefined || spec.required === true) spec.check(value, name);
  }
}

/** Options whose table entry says `passport`. */
type PassportLayer = {
  [K in OptionName]: (typeof OPTION_TABLE)[K]['layer'] extends 'passport' ? K : never;
}[OptionName];
// Compile-time check: the table and the `SignInOptions` type agree on which options are the
// Passport adapter's alone (passReqToCallback is not in StrategyOptionsBase).
const layersAgree: [
  Exclude<PassportLayer, PassportOnlyOption | 'passReqToCallback'>,
  Exclude<PassportOnlyOption, PassportLayer>,
] extends [never, never]
  ? true
  : never = true;
void layersAgree;
