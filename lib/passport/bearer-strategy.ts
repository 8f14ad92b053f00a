/**
 * The Passport strategy that protects an API: reads the bearer token (RFC 6750), verifies it with
 * {@link MicrosoftAccessTokenVerifier}, and answers as RFC 6750 says through Passport's
 * `fail(challenge, status)`, so `failWithError`, custom callbacks and strategy chains work.
 */
import type { MicrosoftAccessToken } from '../core/access-token/claims.js';
import { resolveVerifierOptions } from '../core/access-token/options.js';
import type { MicrosoftAccessTokenVerifierOptions } from '../core/access-token/options.js';
import type { AccessTokenRequirements } from '../core/access-token/policy.js';
import { MicrosoftAccessTokenVerifier } from '../core/access-token/verifier.js';
import { MicrosoftAccessTokenError } from '../errors.js';
import { OPTION_TABLE } from '../config/options.js';
import { namedOptionErrors } from '../config/option-checks.js';
import type { OptionSpec } from '../config/options.js';
import type { MicrosoftRequest } from '../types.js';
import { announceChallenge, bearerChallenge, findToken } from './bearer-request.js';
import type { ChallengeFields, TokenPlaces } from './bearer-request.js';

const WHO = 'MicrosoftBearerStrategy';

/** Options of {@link MicrosoftBearerStrategy}: the verifier's, and the adapter's own. */
export interface MicrosoftBearerStrategyOptions extends MicrosoftAccessTokenVerifierOptions {
  /** Strategy name for `passport.authenticate`. Default `'microsoft-bearer'`. */
  name?: string;
  /** `realm` of the `WWW-Authenticate: Bearer` challenge. Default: none. */
  realm?: string;
  /** Also read `access_token` from a form body (RFC 6750 2.2). Default `false`. */
  allowTokenInBody?: boolean;
  /** Also read `access_token` from the query (RFC 6750 2.3). Default `false`. */
  allowTokenInQuery?: boolean;
  /** Pass the request to the verify callback as its first argument. Default `false`. */
  passReqToCallback?: false;
}

/** {@link MicrosoftBearerStrategyOptions} with the request passed to the verify callback. */
export interface MicrosoftBearerStrategyOptionsWithRequest extends Omit<
  MicrosoftBearerStrategyOptions,
  'passReqToCallback'
> {
  /** Pass the request to the verify callback as its first argument. */
  passReqToCallback: true;
}

/** What a bearer verify callback answers: the user (or `false`) and info for `req.authInfo`. */
export type BearerVerifyCallback = (
  err: unknown,
  user?: Express.User | false | null,
  info?: object | string,
) => void;

/** Verify callback: turns the verified token into the app's user. */
export type BearerVerifyFunction = (
  token: MicrosoftAccessToken,
  done: BearerVerifyCallback,
) => void;

/** Verify callback with the request first (`passReqToCallback: true`). */
export type BearerVerifyFunctionWithRequest = (
  req: MicrosoftRequest,
  token: MicrosoftAccessToken,
  done: BearerVerifyCallback,
) => void;

/** Options of `passport.authenticate('microsoft-bearer', options)`. */
export interface MicrosoftBearerAuthenticateOptions extends AccessTokenRequirements {
  /** Keep `false`: an API keeps no login session. */
  session?: boolean;
  /** Answer failures through `next(err)` (Passport's `failWithError`). */
  failWithError?: boolean;
}

const ADAPTER_OPTIONS = [
  'name',
  'realm',
  'allowTokenInBody',
  'allowTokenInQuery',
  'passReqToCallback',
];

function checkAdapterOptions(o: Record<string, unknown>): void {
  const shared: Record<string, OptionSpec<unknown>> = {
    name: OPTION_TABLE.name,
    passReqToCallback: OPTION_TABLE.passReqToCallback,
    allowTokenInBody: OPTION_TABLE.proxy,
    allowTokenInQuery: OPTION_TABLE.proxy,
  };
  namedOptionErrors(WHO, () => {
    for (const [name, spec] of Object.entries(shared))
      if (o[name] !== undefined) spec.check(o[name], name);
  });
  const realm = o['realm'];
  if (realm !== undefined && (typeof realm !== 'string' || /["\\]/.test(realm)))
    throw new TypeError(`${WHO} option realm must be a string without quotes or backslashes`);
}

/**
 * Passport strategy that protects an API with the access tokens Microsoft issues for it (see
 * {@link MicrosoftAccessTokenVerifier} for the rules). Default name `'microsoft-bearer'`. Without a
 * verify callback `req.user` is the verified {@link MicrosoftAccessToken}; `req.authInfo` is the
 * token unless the callback passes its own info. No token: 401 `Bearer`; a bad token: 401
 * `invalid_token`; a valid token lacking the scope or app permission: 403 `insufficient_scope` with
 * `scope`; a malformed request: 400 `invalid_request`. Microsoft's keys or metadata out of reach:
 * `error` (500). The token never appears in a response or a log.
 *
 * @example
 * ```ts
 * import passport from 'passport';
 * import { MicrosoftBearerStrategy } from 'passport-microsoft-account';
 *
 * passport.use(new MicrosoftBearerStrategy({
 *   clientID: '6cb04018-a3f5-46a7-b995-940c78f5aef3',
 *   tenant: 'b9419818-09af-49c2-b0c3-653adc1f376e',
 *   scopes: ['Notes.Read'],
 *   appPermissions: ['Notes.Read.All'],
 * }));
 * const protect = passport.authenticate('microsoft-bearer', { session: false });
 * ```
 */
export class MicrosoftBearerStrategy {
  /** The name `passport.authenticate` uses. */
  name: string;
  /** The verifier the strategy calls. */
  readonly verifier: MicrosoftAccessTokenVerifier;
  // Passport runs each request on `Object.create(strategy)`: state lives in `_` fields.
  private readonly _verify: ((...args: unknown[]) => void) | undefined;
  private readonly _withRequest: boolean;
  private readonly _realm: string | undefined;
  private readonly _places: TokenPlaces;
  private readonly _requirements = new WeakMap<object, AccessTokenRequirements | undefined>();

  /** Set by Passport for each request. */
  declare success: (user: Express.User, info?: object) => void;
  /** Set by Passport for each request. */
  declare fail: (challenge?: string | number, status?: number) => void;
  /** Set by Passport for each request. */
  declare error: (err: unknown) => void;

  /**
   * @param options - see {@link MicrosoftBearerStrategyOptions}; `clientID` and `tenant` or `authority` are required.
   * @param verify - optional: turns the verified token into the app's user.
   * @throws TypeError naming the option when an option is missing or invalid.
   */
  constructor(options: MicrosoftBearerStrategyOptions, verify?: BearerVerifyFunction);
  constructor(
    options: MicrosoftBearerStrategyOptionsWithRequest,
    verify: BearerVerifyFunctionWithRequest,
  );
  constructor(
    options: MicrosoftBearerStrategyOptions | MicrosoftBearerStrategyOptionsWithRequest,
    verify?: BearerVerifyFunction | BearerVerifyFunctionWithRequest,
  ) {
    const resolved = resolveVerifierOptions(options, WHO, ADAPTER_OPTIONS);
    const o = options as unknown as Record<string, unknown>;
    checkAdapterOptions(o);
    if (verify !== undefined && typeof verify !== 'function')
      throw new TypeError(`${WHO} verify callback must be a function`);
    if (options.passReqToCallback === true && verify === undefined)
      throw new TypeError(`${WHO} option passReqToCallback needs a verify callback`);
    this.name = options.name ?? 'microsoft-bearer';
    this.verifier = new MicrosoftAccessTokenVerifier(options, { resolvedConfig: resolved });
    this._verify = verify as ((...args: unknown[]) => void) | undefined;
    this._withRequest = options.passReqToCallback === true;
    this._realm = options.realm;
    this._places = {
      body: options.allowTokenInBody === true,
      query: options.allowTokenInQuery === true,
    };
  }

  /** Passport entry point. Never throws: every outcome is `success`, `fail` or `error`. */
  authenticate(req: MicrosoftRequest, options?: MicrosoftBearerAuthenticateOptions): void {
    const found = findToken(req, this._places);
    if ('missing' in found) return this.fail(bearerChallenge({ realm: this._realm }), 401);
    if ('invalid' in found)
      return this._challenge(req, 400, { error: 'invalid_request', description: found.invalid });
    this.verifier.verify(found.token, this._requirementsOf(options)).then(
      (token) => this._verified(req, token),
      (err: unknown) => this._refused(req, err),
    );
  }

  private _requirementsOf(
    options: MicrosoftBearerAuthenticateOptions | undefined,
  ): AccessTokenRequirements | undefined {
    if (options === undefined) return undefined;
    if (this._requirements.has(options)) return this._requirements.get(options);
    const { scopes, appPermissions } = options;
    const requirements =
      scopes === undefined && appPermissions === undefined
        ? undefined
        : {
            ...(scopes === undefined ? {} : { scopes }),
            ...(appPermissions === undefined ? {} : { appPermissions }),
          };
    this._requirements.set(options, requirements);
    return requirements;
  }

  private _verified(req: MicrosoftRequest, token: MicrosoftAccessToken): void {
    if (this._verify === undefined) return this.success(token, token);
    const done: BearerVerifyCallback = (err, user, info) => {
      if (err) return this.error(err);
      if (!user) {
        const message =
          typeof info === 'string' ? info : (info as { message?: unknown } | undefined)?.message;
        return this._challenge(req, 401, {
          error: 'invalid_token',
          description: typeof message === 'string' ? message : 'the token was not accepted',
        });
      }
      this.success(user, typeof info === 'object' ? info : token);
    };
    try {
      if (this._withRequest) this._verify(req, token, done);
      else this._verify(token, done);
    } catch (err) {
      this.error(err);
    }
  }

  private _refused(req: MicrosoftRequest, err: unknown): void {
    if (!(err instanceof MicrosoftAccessTokenError)) return this.error(err);
    if (err.code === 'jwks_unavailable' || err.code === 'metadata_unavailable')
      return this.error(err);
    const description = `${err.code}: ${err.message.replace(/^Access token rejected \([a-z_]+\): /, '')}`;
    if (err.code === 'insufficient_scope')
      return this._challenge(req, 403, {
        error: 'insufficient_scope',
        description,
        scope: err.required,
      });
    this._challenge(req, 401, { error: 'invalid_token', description });
  }

  private _challenge(
    req: MicrosoftRequest,
    status: 400 | 401 | 403,
    fields: ChallengeFields,
  ): void {
    const challenge = bearerChallenge({ realm: this._realm, ...fields });
    if (status !== 401) announceChallenge(req, status, challenge);
    this.fail(challenge, status);
  }
}
