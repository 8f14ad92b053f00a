/**
 * Option errors and the checks and constants the option table and the resolvers share.
 */

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
    // Named in place (message and stack), so no other error, and no other class, shows up.
    if (err instanceof OptionError) {
      const message = err.message;
      err.message = `${who} ${message}`;
      if (err.stack)
        err.stack = err.stack.replace(`TypeError: ${message}`, `TypeError: ${err.message}`);
    }
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

export const required = (value: unknown, name: string): void => {
  if (value === undefined || value === null || value === '')
    throw optionError(`requires a ${name} option`);
  if (typeof value !== 'string') throw optionError(`option ${name} must be a string`);
};
export const nonEmptyString = (value: unknown, name: string): void => {
  if (typeof value !== 'string' || value === '')
    throw optionError(`option ${name} must be a non-empty string`);
};
export const boolean = (value: unknown, name: string): void => {
  if (typeof value !== 'boolean') throw optionError(`option ${name} must be true or false`);
};
