/**
 * The one list of options: every option of {@link StrategyOptions} with the layer that reads it,
 * its default as documented, and the check of its value. The table is typed against the options
 * interface, so an option that is typed but not listed (or listed but not typed) does not compile,
 * and docs/options.md is tested against it.
 */
import type { PassportOnlyOption, StrategyOptionsBase } from '../types.js';

/** Every option name, including `passReqToCallback` (which selects the verify convention). */
export type OptionName = keyof StrategyOptionsBase | 'passReqToCallback';

/** How one option is read. */
export interface OptionSpec {
  /** `core` options configure {@link MicrosoftSignIn}; `passport` ones only the Passport adapter. */
  readonly layer: 'core' | 'passport';
  /** The default, as the docs state it; `'required'` for required options. */
  readonly default: string;
  /** Throws a `TypeError` naming the option when the value has the wrong type or form. */
  readonly check: (value: unknown, name: string) => void;
}

/**
 * An option problem, raised while options are checked and resolved. The class the options were
 * given to turns it into a `TypeError` that names it (see {@link namedOptionErrors}).
 */
export class OptionError extends TypeError {}

/** An {@link OptionError}: `message` says which option is wrong and how. */
export function optionError(message: string): OptionError {
  return new OptionError(message);
}

/**
 * Runs `resolve` (which checks and resolves options) and turns an {@link OptionError} into a
 * `TypeError` whose message starts with `who`, the class the options were given to.
 */
export function namedOptionErrors<T>(who: string, resolve: () => T): T {
  try {
    return resolve();
  } catch (err) {
    if (err instanceof OptionError) throw new TypeError(`${who} ${err.message}`, { cause: err });
    throw err;
  }
}

/** Largest `clockTolerance` accepted, in seconds. */
export const MAX_CLOCK_TOLERANCE = 600;

/** Default scopes: an ID token with profile and email, a refresh token, and Graph `/me`. */
export const DEFAULT_SCOPE: readonly string[] = Object.freeze([
  'openid',
  'profile',
  'email',
  'offline_access',
  'User.Read',
]);

/** Names of the national clouds (`CLOUDS` in config/endpoints.ts has their hosts). */
export const CLOUD_NAMES: readonly string[] = ['global', 'usgov', 'usgov-dod', 'china'];

/** Sizes of Graph's profile photo that the `photo` option accepts. */
export const PHOTO_SIZES: ReadonlySet<string> = new Set([
  '48x48',
  '64x64',
  '96x96',
  '120x120',
  '240x240',
  '360x360',
  '432x432',
  '504x504',
  '648x648',
]);

/**
 * Scopes as a list: a string is split on spaces or commas, each array entry on spaces; empty
 * entries are dropped. Used for the configured scopes and for per-request and refresh scopes.
 */
export function parseScope(scope: string | readonly string[]): string[] {
  return (
    typeof scope === 'string' ? scope.split(/[\s,]+/) : scope.flatMap((s) => s.split(/\s+/))
  ).filter(Boolean);
}

const required = (value: unknown, name: string): void => {
  if (value === undefined || value === null || value === '')
    throw optionError(`requires a ${name} option`);
  if (typeof value !== 'string') throw optionError(`option ${name} must be a string`);
};
const nonEmptyString = (value: unknown, name: string): void => {
  if (typeof value !== 'string' || value === '')
    throw optionError(`option ${name} must be a non-empty string`);
};
const boolean = (value: unknown, name: string): void => {
  if (typeof value !== 'boolean') throw optionError(`option ${name} must be true or false`);
};

/** Every option, once. `satisfies` makes the compiler catch an option missing from the table. */
export const OPTION_TABLE = {
  clientID: { layer: 'core', default: 'required', check: required },
  clientSecret: {
    layer: 'core',
    default: 'required unless clientCertificate or clientAssertion',
    check: required,
  },
  clientCertificate: {
    layer: 'core',
    default: 'none',
    check: (v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v))
        throw optionError(
          'option clientCertificate must be an object with privateKey and thumbprintSha256 or certificate',
        );
    },
  },
  clientAssertion: {
    layer: 'core',
    default: 'none',
    check: (v) => {
      if (typeof v !== 'function')
        throw optionError('option clientAssertion must be a function returning the assertion');
    },
  },
  callbackURL: { layer: 'core', default: 'required', check: required },
  name: { layer: 'passport', default: "'microsoft'", check: nonEmptyString },
  tenant: {
    layer: 'core',
    default: "'common'",
    check: (v) => {
      if (typeof v !== 'string' || v === '')
        throw optionError('option tenant must be a non-empty string');
    },
  },
  cloud: {
    layer: 'core',
    default: "'global'",
    check: (v) => {
      if (typeof v !== 'string' || !CLOUD_NAMES.includes(v))
        throw optionError(
          `option cloud must be one of ${CLOUD_NAMES.join(', ')}, got "${String(v)}"`,
        );
    },
  },
  authority: { layer: 'core', default: 'from cloud and tenant', check: nonEmptyString },
  policy: {
    layer: 'core',
    default: 'none (B2C: the last segment of authority)',
    check: (v) => {
      if (typeof v !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(v))
        throw optionError(
          `option policy must be a B2C user flow or custom policy name such as "B2C_1_signin", got ${JSON.stringify(v)}`,
        );
    },
  },
  graphBaseURL: {
    layer: 'core',
    default: "'https://graph.microsoft.com/v1.0' (per cloud)",
    check: nonEmptyString,
  },
  apiEntryPoint: { layer: 'core', default: "the cloud's Graph origin", check: nonEmptyString },
  graphApiVersion: { layer: 'core', default: "'v1.0'", check: nonEmptyString },
  authorizationURL: {
    layer: 'core',
    default: '<authority>/oauth2/v2.0/authorize',
    check: nonEmptyString,
  },
  tokenURL: { layer: 'core', default: '<authority>/oauth2/v2.0/token', check: nonEmptyString },
  scope: {
    layer: 'core',
    default: "['openid', 'profile', 'email', 'offline_access', 'User.Read']",
    check: (v) => {
      if (typeof v !== 'string' && !(Array.isArray(v) && v.every((s) => typeof s === 'string')))
        throw optionError('option scope must be a string or an array of strings');
    },
  },
  scopeSeparator: {
    layer: 'passport',
    default: "' '",
    check: (v) => {
      if (v !== ' ')
        throw optionError(
          'option scopeSeparator must be " " (Microsoft separates scopes with spaces)',
        );
    },
  },
  state: { layer: 'passport', default: 'true', check: boolean },
  pkce: { layer: 'core', default: 'true', check: boolean },
  store: {
    layer: 'passport',
    default: 'a session store under sessionKey',
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
    default: "'microsoft:<authorize host>:<clientID>'",
    check: nonEmptyString,
  },
  proxy: { layer: 'passport', default: 'false', check: boolean },
  skipUserProfile: {
    layer: 'passport',
    default: 'false',
    check: (v) => {
      if (typeof v !== 'boolean' && typeof v !== 'function')
        throw optionError('option skipUserProfile must be a boolean or a function');
    },
  },
  customHeaders: {
    layer: 'core',
    default: 'none',
    check: (v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v))
        throw optionError('option customHeaders must be an object of header names and values');
    },
  },
  timeout: {
    layer: 'core',
    default: '10000',
    check: (v) => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
        throw optionError(
          `option timeout must be a positive number of milliseconds, got ${String(v)}`,
        );
    },
  },
  photo: {
    layer: 'core',
    default: 'false',
    check: (v) => {
      if (typeof v !== 'boolean' && !(typeof v === 'string' && PHOTO_SIZES.has(v)))
        throw optionError(
          `option photo must be true, false or one of ${[...PHOTO_SIZES].join(', ')}; got ${JSON.stringify(v)}`,
        );
    },
  },
  addUPNAsEmail: { layer: 'core', default: 'false', check: boolean },
  clockTolerance: {
    layer: 'core',
    default: '300',
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
  tokenAuthMethod: {
    layer: 'core',
    default: "'client_secret_post'",
    check: (v) => {
      if (v !== 'client_secret_post' && v !== 'client_secret_basic')
        throw optionError(
          `option tokenAuthMethod must be "client_secret_post" or "client_secret_basic", got ${JSON.stringify(v)}`,
        );
    },
  },
  logger: {
    layer: 'core',
    default: 'process.emitWarning',
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
    default: 'every tenant the authority admits',
    check: (v) => {
      if (
        typeof v !== 'function' &&
        (!Array.isArray(v) || !v.every((t) => typeof t === 'string' && t !== ''))
      )
        throw optionError('option allowedTenants must be an array of tenant ids or a function');
    },
  },
  profileSource: {
    layer: 'core',
    default: "'graph'",
    check: (v) => {
      if (v !== 'graph' && v !== 'id_token')
        throw optionError(
          `option profileSource must be "graph" or "id_token", got ${JSON.stringify(v)}`,
        );
    },
  },
  passReqToCallback: { layer: 'passport', default: 'false', check: boolean },
} as const satisfies Record<OptionName, OptionSpec>;

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
    const spec: OptionSpec = OPTION_TABLE[name];
    const value = options[name];
    if (value !== undefined || spec.default === 'required') spec.check(value, name);
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
