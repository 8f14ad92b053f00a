/**
 * The Passport strategy: a thin adapter that subclasses passport-oauth2's `OAuth2Strategy` over
 * the framework-free {@link MicrosoftSignIn} core, honouring the base class's hooks
 * (`authorizationParams`, `tokenParams`, `parseErrorResponse`, `userProfile`, `skipUserProfile`).
 */
import OAuth2Strategy = require('passport-oauth2');
import { authorizeParams } from '../core/authorize.js';
import { checkedErrorParams, readCallbackParams } from '../core/callback.js';
import { errorCallbackOutcome } from './error-callback.js';
import type { CallbackParams } from '../core/callback.js';
import type { PendingLogin } from '../core/pending-login.js';
import { stepUpRequestOf } from '../core/step-up.js';
import type { RefreshOptions } from '../core/sign-in-types.js';
import { coreWarnings } from '../core/settings.js';
import { createSignInSteps } from '../core/steps.js';
import type { SignInSteps } from '../core/steps.js';
import { MicrosoftTenantNotAllowedError } from '../errors.js';
import {
  callVerify,
  linkErrorPrototypes,
  routeGrantsThrough,
  savePendingLogin,
  shouldSkipProfile,
  takePendingLogin,
} from './bridge.js';
import type { OAuth2Client, StateFailure } from './bridge.js';
import { hostMismatchWarning, incomingStep, resolveCallbackURL } from './request.js';
import { checkCallbackURLScheme, checkProductionCallbackURL } from '../config/callback-url.js';
import { namedOptionErrors } from '../config/option-checks.js';
import { passportWarnings, resolveStrategyConfig } from './settings.js';
import type { ResolvedStrategyConfig } from './settings.js';
import { tokenErrorFromBody } from '../clients/token.js';
import type * as types from '../types.js';
import type { StrategyOptions, StrategyOptionsWithRequest } from '../config/options.js';

type Request = types.MicrosoftRequest;
type Opts = StrategyOptions;
type ReqOpts = StrategyOptionsWithRequest;
type Options = types.MicrosoftAuthenticateOptions;
type Profile = types.MicrosoftProfile;
type Claims = types.MicrosoftIdTokenClaims;
const WHO = 'passport.authenticate("microsoft")';

const OAuth2Base = OAuth2Strategy as unknown as types.OAuth2StrategyBaseConstructor;
linkErrorPrototypes(OAuth2Strategy);

/**
 * Passport strategy for "Sign in with Microsoft": personal Microsoft accounts and Microsoft Entra ID
 * work/school accounts through the v2.0 endpoints, with a verified ID token and one normalized
 * {@link MicrosoftProfile}. State, PKCE (S256) and a nonce are on by default.
 *
 * @example
 * ```ts
 * import passport from 'passport';
 * import { Strategy } from 'passport-microsoft-account';
 *
 * passport.use(new Strategy({
 *   clientID: process.env.MICROSOFT_CLIENT_ID ?? '',
 *   clientSecret: process.env.MICROSOFT_CLIENT_SECRET ?? '',
 *   callbackURL: 'https://app.example.com/login/callback',
 * }, (accessToken, refreshToken, profile, done) => {
 *   done(null, { id: profile.id, tenantId: profile.tenantId, name: profile.displayName });
 * }));
 * ```
 */
export class Strategy extends OAuth2Base {
  // Passport runs each request on `Object.create(strategy)`; `#private` fields live on the
  // instance itself and would throw there, so the adapter keeps its state in `_` fields.
  private readonly _config: ResolvedStrategyConfig;
  private readonly _signIn: SignInSteps;
  private readonly _verify: (...args: unknown[]) => void;
  /** Whether the verify callback takes the token response `params` (decided by its arity). */
  private readonly _verifyWithParams: boolean;
  /** What was warned about once: shared with the per-request copies Passport makes. */
  private readonly _warned = { host: false };

  /**
   * @param options - see {@link StrategyOptions}; `clientID`, `callbackURL` and one credential (`clientSecret`, `clientCertificate` or `clientAssertion`) are required.
   * @param verify - called with the tokens and the profile; calls `done(err, user, info)`.
   * @throws TypeError naming the option when an option is missing or invalid.
   */
  constructor(options: Opts, verify: types.VerifyFunctionNoParams);
  constructor(options: Opts, verify: types.VerifyFunctionWithParams);
  constructor(options: ReqOpts, verify: types.VerifyFunctionWithRequestNoParams);
  constructor(options: ReqOpts, verify: types.VerifyFunctionWithRequestAndParams);
  constructor(options: Opts, verify: types.VerifyFunction);
  constructor(options: ReqOpts, verify: types.VerifyFunctionWithRequest);
  constructor(
    options: Opts | ReqOpts,
    verify: types.VerifyFunction | types.VerifyFunctionWithRequest,
  ) {
    const config = resolveStrategyConfig(options);
    if (typeof verify !== 'function')
      throw new TypeError('MicrosoftStrategy requires a verify callback');
    // The base class builds `_oauth2` (read by add-ons such as passport-oauth2-refresh and by
    // `userProfile` overrides through `_oauth2.get`) from these; it reads nothing else here.
    const { authorizationURL, tokenURL, clientID, clientSecret = '' } = config;
    super(
      { authorizationURL, tokenURL, clientID, clientSecret, customHeaders: options.customHeaders },
      verify,
    );
    this.name = config.name;
    this._config = config;
    this._verify = verify as (...args: unknown[]) => void;
    this._verifyWithParams = verify.length === (config.passReqToCallback ? 6 : 5);
    const explicit = { authorizationURL: options.authorizationURL, tokenURL: options.tokenURL };
    this._signIn = createSignInSteps(config, explicit, {
      parseTokenError: (body, status) => this.parseErrorResponse(body, status),
    });
    for (const warning of [...coreWarnings(config), ...passportWarnings(config)])
      config.logger.warn(warning);

    const client = (this as unknown as { _oauth2: OAuth2Client })._oauth2;
    routeGrantsThrough(client, this._signIn.tokenClient);
  }

  /** The resolved endpoints (authorize, token, JWKS, logout, Graph), for diagnostics. */
  get endpoints(): types.StrategyEndpoints {
    return this._signIn.endpoints;
  }

  /** @internal JWKS fetches so far (each key set is fetched once and reused across logins). */
  get jwksFetchCount(): number {
    return this._signIn.jwksFetchCount;
  }

  /**
   * Passport entry point: starts a login (redirect to Microsoft) or finishes one (the callback).
   * Never throws: every problem ends in `this.error`, `this.fail` or a redirect.
   */
  override authenticate(req: Request, options?: Options): void {
    this._authenticate(req, options ?? {}).catch((err: unknown) => {
      if (err instanceof MicrosoftTenantNotAllowedError)
        this.fail({ message: err.message, tenantId: err.tenantId }, 403);
      else this.error(err);
    });
  }

  private async _authenticate(req: Request, options: Options): Promise<void> {
    const { callbackURL: configured, proxy, allowInsecureCallbackURL } = this._config;
    const perRequest = options.callbackURL;
    if (perRequest !== undefined)
      namedOptionErrors('MicrosoftStrategy', () => {
        checkCallbackURLScheme(perRequest);
        checkProductionCallbackURL(perRequest, allowInsecureCallbackURL);
      });
    const callbackURL = resolveCallbackURL(req, options.callbackURL ?? configured, proxy);
    const incoming = incomingStep(req, callbackURL);
    if (incoming.step === 'start') return this._start(req, options, callbackURL);
    const params = readCallbackParams(incoming.params);
    if (params.error === undefined) return this._finish(req, options, params, callbackURL);
    // An error callback must answer a pending login of this browser, as a success must.
    const pending = await this._take(req, params.state ?? '', callbackURL);
    if ('failure' in pending) return this.fail(pending.failure, 403);
    const outcome = errorCallbackOutcome(checkedErrorParams({ ...params, error: params.error }));
    if ('fail' in outcome) this.fail(outcome.fail, outcome.status);
    else this.error(outcome.error);
  }

  /** The pending login of `state`, or the store's failure. */
  private _take(
    req: Request,
    state: string,
    redirectURI: string,
  ): Promise<PendingLogin | StateFailure> {
    const { scope, store } = this._config;
    const unkept = this._signIn.createPendingLogin({ redirectURI, scope, keep: false, who: WHO });
    return takePendingLogin(store, req, state, this._meta(redirectURI), unkept);
  }

  private _meta(callbackURL: string): types.StateStoreMeta {
    const { authorizationURL, tokenURL, clientID } = this._config;
    return { authorizationURL, tokenURL, clientID, callbackURL };
  }

  private async _start(req: Request, options: Options, redirectURI: string): Promise<void> {
    const scope = this._signIn.scopeFor(options.scope, `${WHO} option scope`);
    const params = this.authorizationParams(options);
    const { store, proxy, logger } = this._config;
    const mismatch = store && !this._warned.host && hostMismatchWarning(req, redirectURI, proxy);
    if (mismatch) {
      this._warned.host = true;
      logger.warn(mismatch);
    }
    const stepUp = stepUpRequestOf(options);
    const login = { redirectURI, scope, keep: !!store, stepUp, tenant: options.tenant, who: WHO };
    const pending = this._signIn.createPendingLogin({ ...login, appState: options.state });
    const handle = store && (await savePendingLogin(store, req, pending, this._meta(redirectURI)));
    this.redirect(await this._signIn.authorizationURL(pending, scope, handle, params));
  }

  private async _finish(
    req: Request,
    options: Options,
    params: CallbackParams,
    redirectURI: string,
  ): Promise<void> {
    const { code, state = '' } = params;
    if (code === undefined || code === '')
      return this.fail({ message: 'The callback carries an empty authorization code' }, 400);
    const pending = await this._take(req, state, redirectURI);
    if ('failure' in pending) return this.fail(pending.failure, 403);
    const extra = this.tokenParams(options);
    const { tokens, claims, stepUp } = await this._signIn.redeem({ code }, pending, extra, WHO);
    const profile = await this._profile(tokens.access_token, claims);
    const withReq = this._config.passReqToCallback ? req : undefined;
    const convention = { req: withReq, withParams: this._verifyWithParams };
    const { user, info } = await callVerify(this._verify, convention, tokens, profile);
    if (!user) return this.fail(info as types.FailureInfo | undefined);
    const { appState } = pending;
    const done = stepUp === undefined ? { ...info } : { ...info, stepUp };
    this.success(user, appState === undefined ? done : { ...done, state: appState });
  }

  /** The profile: from the claims when Graph is skipped, else through `userProfile`. */
  private async _profile(
    accessToken: string,
    claims: Claims | undefined,
  ): Promise<Profile | undefined> {
    const skip =
      this._config.profileSource === 'id_token' ||
      (await shouldSkipProfile(this._config.skipUserProfile, accessToken));
    if (skip) return claims && this._signIn.profileFromClaims(claims);
    // The built-in userProfile merges the verified claims into the Graph profile; an override
    // gets the access token alone, as passport-oauth2 defines the hook.
    if (this.userProfile === Strategy.prototype.userProfile)
      return this._signIn.profile(accessToken, claims);
    return new Promise((resolve, reject) =>
      this.userProfile(accessToken, (err, p) => (err ? reject(err) : resolve(p))),
    );
  }

  /**
   * Authorize-request parameters of one request: `prompt`, `loginHint`, `domainHint`,
   * `responseMode`, `maxAge`, `locale`, `display`, `claims` and `acrValues` (see
   * `authorizeParams`). A subclass may override it; what it returns is added to the URL.
   *
   * @throws TypeError for a value Microsoft would reject.
   */
  override authorizationParams(options: Options): Record<string, string> {
    return authorizeParams(options, WHO);
  }

  /** Extra token-request parameters of one request; none by default. A subclass may override it. */
  override tokenParams(_options: Options): Record<string, string> {
    return {};
  }

  /** Turns a token-endpoint error body into a {@link MicrosoftTokenError} (or `null`). A subclass may override it. */
  override parseErrorResponse(body: string, status: number): Error | null {
    return tokenErrorFromBody(body, status);
  }

  /** Loads the Graph profile for an access token. A subclass may override it to load its own. */
  override userProfile(accessToken: string, done: (err: unknown, profile?: Profile) => void): void {
    this._signIn.profile(accessToken).then(
      (p) => done(null, p),
      (err: unknown) => done(err),
    );
  }

  /** Redeems a refresh token at the same authority; see {@link MicrosoftSignIn.refresh}. */
  refresh(refreshToken: string, options: RefreshOptions = {}): Promise<types.TokenSet> {
    return this._signIn.refresh(refreshToken, options);
  }

  /** Microsoft's end-session URL; see {@link MicrosoftSignIn.logoutUrl}. */
  logoutUrl(options: types.LogoutUrlOptions = {}): string {
    return this._signIn.logoutUrl(options);
  }
}
