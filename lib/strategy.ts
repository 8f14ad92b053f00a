/**
 * The Passport strategy: Microsoft identity platform v2.0 sign-in for personal Microsoft accounts
 * and Microsoft Entra ID work/school accounts, built on passport-oauth2's OAuth2Strategy.
 */
import { createHash, randomBytes } from 'node:crypto';
import OAuth2Strategy = require('passport-oauth2');
import { parseScope, resolveConfig } from './config.js';
import type { ResolvedConfig } from './config.js';
import * as config from './config.js';
import * as cookieStateStore from './cookie-state-store.js';
import * as errors from './errors.js';
import { IdTokenError, MicrosoftAuthorizationError, StateError, parseAadsts } from './errors.js';
import { GraphClient } from './graph.js';
import { record } from './http.js';
import { JwksCache } from './idtoken/jwks.js';
import { IdTokenVerifier } from './idtoken/verify.js';
import { readClaims } from './profile/claims.js';
import { normalizeProfile } from './profile/normalize.js';
import { SessionStateStore } from './state-store.js';
import { TokenClient, tokenErrorFromBody } from './token.js';
import type * as types from './types.js';
import type {
  MicrosoftAuthenticateOptions,
  MicrosoftIdTokenClaims,
  MicrosoftProfile,
  MicrosoftRequest,
  StateStore,
  StateStoreMeta,
  StrategyOptions,
  StrategyOptionsWithRequest,
  TokenResponseParams,
  TokenSet,
  VerifyCallback,
  VerifyFunction,
  VerifyFunctionNoParams,
  VerifyFunctionWithParams,
  VerifyFunctionWithRequest,
  VerifyFunctionWithRequestAndParams,
  VerifyFunctionWithRequestNoParams,
} from './types.js';

/** The endpoints a strategy resolved from its options (see {@link Strategy.endpoints}). */
export interface StrategyEndpoints {
  /** Login authority, `<origin>[/path]/<tenant>`. */
  readonly authority: string;
  /** Authorize endpoint. */
  readonly authorizationURL: string;
  /** Token endpoint. */
  readonly tokenURL: string;
  /** JWKS (signing keys) endpoint. */
  readonly jwksURL: string;
  /** End-session (logout) endpoint. */
  readonly logoutURL: string;
  /** Microsoft Graph base URL (`/me` is read from here). */
  readonly graphBaseURL: string;
  /** ID-token issuers are `${issuerBase}/<tid>/v2.0`. */
  readonly issuerBase: string;
}

/** A Passport failure challenge. */
export interface FailureInfo {
  /** Why sign-in did not succeed. */
  message: string;
  [field: string]: unknown;
}

/**
 * The part of passport-oauth2's `OAuth2Strategy` (and of the actions Passport adds at request time)
 * that this package uses, typed here so the published types need no `@types/*` packages.
 */
export interface OAuth2StrategyBase {
  /** Name used with `passport.authenticate(name)`. */
  name: string;
  /** Passport entry point. */
  authenticate(req: MicrosoftRequest, options?: object): void;
  /** Loads the profile for an access token. */
  userProfile(accessToken: string, done: (err: unknown, profile?: unknown) => void): void;
  /** Extra authorize-request parameters for one request. */
  authorizationParams(options: object): Record<string, string>;
  /** Extra token-request parameters for one request. */
  tokenParams(options: object): Record<string, string>;
  /** Turns a token-endpoint error body into an error. */
  parseErrorResponse(body: string, status: number): Error | null;
  /** Passport action: authenticated. */
  success(user: Express.User, info?: object): void;
  /** Passport action: not authenticated. */
  fail(challenge?: FailureInfo | string, status?: number): void;
  /** Passport action: something went wrong. */
  error(err: unknown): void;
  /** Passport action: redirect the browser. */
  redirect(url: string, status?: number): void;
}

/** Constructor type of {@link OAuth2StrategyBase}. */
export interface OAuth2StrategyBaseConstructor {
  new (options: Record<string, unknown>, verify: (...args: never[]) => void): OAuth2StrategyBase;
}

const OAuth2Base = OAuth2Strategy as unknown as OAuth2StrategyBaseConstructor;

/** What passport-oauth2 keeps on the instance and this strategy touches. */
interface OAuth2Internals {
  _oauth2: {
    useAuthorizationHeaderforGET(use: boolean): void;
    getOAuthAccessToken(
      code: string,
      params: Record<string, string>,
      callback: (
        err: unknown,
        accessToken?: string,
        refreshToken?: string,
        results?: TokenResponseParams,
      ) => void,
    ): void;
  };
}

/** What this strategy keeps with each pending login (inside the state store's `state`). */
interface PendingLogin {
  '@microsoft': 1;
  nonce?: string;
  openid: boolean;
  state?: unknown;
}

function isPendingLogin(value: unknown): value is PendingLogin {
  return value !== null && typeof value === 'object' && (value as PendingLogin)['@microsoft'] === 1;
}

const PROMPTS = new Set(['login', 'none', 'consent', 'select_account']);
const RESPONSE_MODES = new Set(['query', 'form_post']);

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}

function originalURL(req: MicrosoftRequest, trustProxy: boolean): string {
  const headers = req.headers;
  const forwardedProto = trustProxy
    ? firstString(headers['x-forwarded-proto'])?.split(',')[0]?.trim().toLowerCase()
    : undefined;
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const protocol = encrypted || forwardedProto === 'https' ? 'https' : 'http';
  const host =
    (trustProxy ? firstString(headers['x-forwarded-host'])?.split(',')[0]?.trim() : undefined) ??
    headers.host ??
    'localhost';
  const path = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  return `${protocol}://${host}${path}`;
}

/**
 * Passport strategy for "Sign in with Microsoft".
 *
 * Signs users in through the Microsoft identity platform v2.0 endpoints (personal Microsoft
 * accounts and work/school accounts), verifies the ID token, and hands the verify callback one
 * normalized {@link MicrosoftProfile}. State, PKCE (S256) and a nonce are on by default.
 *
 * @example
 * ```ts
 * import passport from 'passport';
 * import { Strategy } from 'passport-microsoft-account';
 *
 * passport.use(new Strategy({
 *   clientID: process.env.MICROSOFT_CLIENT_ID ?? '',
 *   clientSecret: process.env.MICROSOFT_CLIENT_SECRET ?? '',
 *   callbackURL: '/login/callback',
 * }, (accessToken, refreshToken, profile, done) => {
 *   done(null, { id: profile.id, tenantId: profile.tenantId, name: profile.displayName });
 * }));
 * ```
 */
export class Strategy extends OAuth2Base {
  private readonly _config: ResolvedConfig;
  private readonly _verifyCallback: (...args: unknown[]) => void;
  /** Whether the verify callback takes the token response `params` (decided by its arity). */
  private readonly _verifyWithParams: boolean;
  private readonly _store: StateStore | undefined;
  private readonly _tokens: TokenClient;
  private readonly _graph: GraphClient;
  private readonly _jwks: JwksCache;
  private readonly _idTokens: IdTokenVerifier;

  /**
   * @param options - see {@link StrategyOptions}; `clientID`, `clientSecret` and `callbackURL` are required.
   * @param verify - called with the tokens and the profile; calls `done(err, user, info)`.
   * @throws TypeError naming the option when an option is missing or invalid.
   */
  constructor(options: StrategyOptions, verify: VerifyFunctionNoParams);
  constructor(options: StrategyOptions, verify: VerifyFunctionWithParams);
  constructor(options: StrategyOptionsWithRequest, verify: VerifyFunctionWithRequestNoParams);
  constructor(options: StrategyOptionsWithRequest, verify: VerifyFunctionWithRequestAndParams);
  constructor(options: StrategyOptions, verify: VerifyFunction);
  constructor(options: StrategyOptionsWithRequest, verify: VerifyFunctionWithRequest);
  constructor(
    options: StrategyOptions | StrategyOptionsWithRequest,
    verify: VerifyFunction | VerifyFunctionWithRequest,
  ) {
    const config = resolveConfig(options);
    if (typeof verify !== 'function')
      throw new TypeError('MicrosoftStrategy requires a verify callback');
    const store: StateStore | undefined =
      options.store ??
      (config.state ? new SessionStateStore({ key: config.sessionKey }) : undefined);
    super(
      {
        authorizationURL: config.authorizationURL,
        tokenURL: config.tokenURL,
        clientID: config.clientID,
        clientSecret: config.clientSecret,
        callbackURL: config.callbackURL,
        scope: config.scope,
        scopeSeparator: ' ',
        sessionKey: config.sessionKey,
        customHeaders: options.customHeaders,
        proxy: config.proxy,
        passReqToCallback: config.passReqToCallback,
        skipUserProfile: config.skipUserProfile,
        ...(store ? { store } : {}),
      },
      verify as (...args: never[]) => void,
    );
    this.name = config.name;
    this._config = config;
    this._verifyCallback = verify as (...args: unknown[]) => void;
    this._verifyWithParams = verify.length === (config.passReqToCallback ? 6 : 5);
    this._store = store;
    this._tokens = new TokenClient({
      tokenURL: config.tokenURL,
      clientID: config.clientID,
      clientSecret: config.clientSecret,
      timeout: config.timeout,
      customHeaders: options.customHeaders,
    });
    this._graph = new GraphClient({ baseURL: config.graphBaseURL, timeout: config.timeout });
    this._jwks = new JwksCache({ url: config.jwksURL, timeout: config.timeout });
    this._idTokens = new IdTokenVerifier({
      clientID: config.clientID,
      tenantKind: config.tenantKind,
      tenant: config.tenant,
      issuerBase: config.issuerBase,
      clockTolerance: config.clockTolerance,
      jwks: this._jwks,
      ...(config.tenantKind === 'domain'
        ? { discovery: { url: config.discoveryURL, timeout: config.timeout } }
        : {}),
    });

    // passport-oauth2's OAuth2 client (used by add-ons such as passport-oauth2-refresh) goes through
    // this package's token client: same timeout, same typed errors, never the query string for tokens.
    const internals = (this as unknown as OAuth2Internals)._oauth2;
    internals.useAuthorizationHeaderforGET(true);
    const tokens = this._tokens;
    internals.getOAuthAccessToken = (code, params, callback) => {
      const grant = params['grant_type'] ?? 'authorization_code';
      const body: Record<string, string> = {
        ...params,
        grant_type: grant,
        [grant === 'refresh_token' ? 'refresh_token' : 'code']: code,
      };
      tokens.request(body).then(
        (res) => callback(null, res.access_token, res.refresh_token, res),
        (err: unknown) => callback(err),
      );
    };
  }

  /** The resolved endpoints (authorize, token, JWKS, logout, Graph) and settings, for diagnostics. */
  get endpoints(): StrategyEndpoints {
    const c = this._config;
    return {
      authority: c.authority,
      authorizationURL: c.authorizationURL,
      tokenURL: c.tokenURL,
      jwksURL: c.jwksURL,
      logoutURL: c.logoutURL,
      graphBaseURL: c.graphBaseURL,
      issuerBase: c.issuerBase,
    };
  }

  /** JWKS fetches made so far (each key set is fetched once and reused across logins). */
  get jwksFetchCount(): number {
    return this._jwks.fetchCount;
  }

  /**
   * Passport entry point. Starts a login (redirect to Microsoft) or finishes one (the callback with
   * `code` or `error` in the query, or in the body for `response_mode=form_post`). Never throws:
   * every problem ends in `this.error`, `this.fail` or a redirect.
   */
  override authenticate(req: MicrosoftRequest, options?: MicrosoftAuthenticateOptions): void {
    this._authenticate(req, options ?? {}).catch((err: unknown) => this.error(err));
  }

  private async _authenticate(
    req: MicrosoftRequest,
    options: MicrosoftAuthenticateOptions,
  ): Promise<void> {
    const query = record(req.query) ?? {};
    const body = req.method === 'POST' ? record(req.body) : undefined;
    const fromQuery = query['code'] !== undefined || query['error'] !== undefined;
    const fromBody =
      !fromQuery &&
      body !== undefined &&
      (body['code'] !== undefined || body['error'] !== undefined);
    const callbackURL = this._resolveCallbackURL(req, options);
    if (!fromQuery && !fromBody) {
      if (
        req.method === 'POST' &&
        req.body === undefined &&
        this._isCallbackPath(req, callbackURL)
      ) {
        throw new StateError(
          'body_missing',
          'A form_post callback arrived but req.body is not parsed: add express.urlencoded({ extended: false }) to the callback route',
        );
      }
      await this._startLogin(req, options, callbackURL);
      return;
    }
    const params = (fromQuery ? query : body) as Record<string, unknown>;
    const error = firstString(params['error']);
    if (error !== undefined) {
      this._authorizationError(req, params, error, callbackURL);
      return;
    }
    await this._finishLogin(req, options, params, callbackURL);
  }

  private _resolveCallbackURL(
    req: MicrosoftRequest,
    options: MicrosoftAuthenticateOptions,
  ): string {
    const configured = options.callbackURL ?? this._config.callbackURL;
    if (/^[a-z][a-z0-9+.-]*:/i.test(configured)) return configured;
    return new URL(configured, originalURL(req, this._config.proxy)).href;
  }

  private _isCallbackPath(req: MicrosoftRequest, callbackURL: string): boolean {
    const path = ((req as { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0];
    return path === new URL(callbackURL).pathname;
  }

  private _meta(callbackURL: string): StateStoreMeta {
    return {
      authorizationURL: this._config.authorizationURL,
      tokenURL: this._config.tokenURL,
      clientID: this._config.clientID,
      callbackURL,
    };
  }

  private async _startLogin(
    req: MicrosoftRequest,
    options: MicrosoftAuthenticateOptions,
    callbackURL: string,
  ): Promise<void> {
    const extra = this.authorizationParams(options);
    const scope = options.scope !== undefined ? parseScope(options.scope) : this._config.scope;
    if (scope.length === 0)
      throw new TypeError(
        'passport.authenticate("microsoft") option scope must name at least one scope',
      );
    this._requireOpenidFor(scope, 'passport.authenticate("microsoft") option scope');
    const url = new URL(this._config.authorizationURL);
    const q = url.searchParams;
    q.set('client_id', this._config.clientID);
    q.set('response_type', 'code');
    q.set('redirect_uri', callbackURL);
    q.set('scope', scope.join(' '));
    const store = this._store;
    if (store) {
      const openid = scope.includes('openid');
      const pending: PendingLogin = { '@microsoft': 1, openid };
      if (openid) pending.nonce = randomBytes(24).toString('base64url');
      if (options.state !== undefined) pending.state = options.state;
      const verifier = this._config.pkce ? randomBytes(32).toString('base64url') : undefined;
      const handle = await new Promise<string>((resolve, reject) => {
        store.store(req, verifier, pending, this._meta(callbackURL), (err, h) => {
          if (err) reject(err);
          else if (typeof h !== 'string' || h === '')
            reject(new TypeError('The state store returned no state handle'));
          else resolve(h);
        });
      });
      q.set('state', handle);
      if (verifier !== undefined) {
        q.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
        q.set('code_challenge_method', 'S256');
      }
      if (pending.nonce !== undefined) q.set('nonce', pending.nonce);
    }
    for (const [key, value] of Object.entries(extra)) q.set(key, value);
    this.redirect(url.href);
  }

  private _authorizationError(
    req: MicrosoftRequest,
    params: Record<string, unknown>,
    error: string,
    callbackURL: string,
  ): void {
    const description = firstString(params['error_description']);
    // Drop the pending login this error answers, so it cannot be used later.
    const handle = firstString(params['state']);
    if (handle !== undefined && this._store) {
      try {
        this._store.verify(req, handle, this._meta(callbackURL), () => undefined);
      } catch {
        // The error below is what the user needs to see.
      }
    }
    if (error === 'access_denied') {
      const info: FailureInfo = {
        message: description ?? 'Sign-in was cancelled',
        error,
        ...parseAadsts(description),
      };
      this.fail(info);
      return;
    }
    this.error(
      new MicrosoftAuthorizationError({
        error,
        error_description: description,
        error_uri: firstString(params['error_uri']),
        error_subcode: firstString(params['error_subcode']),
      }),
    );
  }

  private async _finishLogin(
    req: MicrosoftRequest,
    options: MicrosoftAuthenticateOptions,
    params: Record<string, unknown>,
    callbackURL: string,
  ): Promise<void> {
    const code = firstString(params['code']);
    if (code === undefined || code === '') {
      this.fail({ message: 'The callback carries an empty authorization code' }, 400);
      return;
    }
    let pending: PendingLogin = { '@microsoft': 1, openid: this._config.scope.includes('openid') };
    let verifier: string | undefined;
    const store = this._store;
    if (store) {
      const handle = firstString(params['state']) ?? '';
      const result = await new Promise<{ ok: string | boolean; state: unknown }>(
        (resolve, reject) => {
          store.verify(req, handle, this._meta(callbackURL), (err, ok, state) =>
            err ? reject(err) : resolve({ ok: ok ?? false, state }),
          );
        },
      );
      if (!result.ok) {
        const info = record(result.state);
        this.fail(
          {
            message:
              typeof info?.['message'] === 'string'
                ? info['message']
                : 'Unable to verify authorization request state',
          },
          403,
        );
        return;
      }
      if (typeof result.ok === 'string') verifier = result.ok;
      if (isPendingLogin(result.state)) pending = result.state;
      else if (pending.openid) {
        // A nonce was sent but the store did not hand back what was saved with it: fail closed.
        throw new IdTokenError(
          'nonce',
          'the state store did not return the saved login state, so the nonce sent to Microsoft cannot be checked',
        );
      }
    }

    const tokenParams: Record<string, string> = {
      ...this.tokenParams(options),
      grant_type: 'authorization_code',
      code,
      redirect_uri: callbackURL,
    };
    if (verifier !== undefined) tokenParams['code_verifier'] = verifier;
    const tokens = await this._tokens.request(tokenParams);

    let claims: MicrosoftIdTokenClaims | undefined;
    // allowedTenants and profileSource 'id_token' need a verified ID token, whatever the pending login says.
    if (tokens.id_token !== undefined || pending.openid || this._needsIdToken()) {
      claims = await this._idTokens.verify(tokens.id_token, { nonce: pending.nonce });
      const refusal = await this._checkTenant(claims);
      if (refusal !== undefined) {
        this.fail({ message: refusal, tenantId: claims.tid }, 403);
        return;
      }
    }

    const profile = await this._loadProfile(tokens.access_token, claims);
    const user = await new Promise<{
      user: Express.User | false | null | undefined;
      info: object | undefined;
    }>((resolve, reject) => {
      const done: VerifyCallback = (err, u, info) =>
        err ? reject(err) : resolve({ user: u, info });
      const args: unknown[] = [tokens.access_token, tokens.refresh_token];
      if (this._verifyWithParams) args.push(tokens);
      args.push(profile, done);
      if (this._config.passReqToCallback) args.unshift(req);
      this._verifyCallback(...args);
    });
    if (!user.user) {
      this.fail(user.info as FailureInfo | undefined);
      return;
    }
    const info: Record<string, unknown> = { ...(user.info ?? {}) };
    if (pending.state !== undefined) info['state'] = pending.state;
    this.success(user.user, info);
  }

  /** True when an option relies on the ID token: allowedTenants, or profileSource 'id_token'. */
  private _needsIdToken(): boolean {
    return this._config.allowedTenants !== undefined || this._config.profileSource === 'id_token';
  }

  /** Refuses a per-request scope without openid when an option relies on the ID token. */
  private _requireOpenidFor(scope: readonly string[], what: string): void {
    if (!scope.includes('openid') && this._needsIdToken()) {
      throw new TypeError(
        `${what} must include openid: allowedTenants and profileSource "id_token" rely on the verified ID token`,
      );
    }
  }

  private async _checkTenant(claims: MicrosoftIdTokenClaims): Promise<string | undefined> {
    const allowed = this._config.allowedTenants;
    if (allowed === undefined) return undefined;
    const tid = claims.tid.toLowerCase();
    const ok =
      typeof allowed === 'function'
        ? (await allowed(claims.tid, claims)) === true
        : allowed.some((t) => t.toLowerCase() === tid);
    return ok
      ? undefined
      : `Accounts from tenant ${claims.tid} are not allowed to sign in to this application`;
  }

  private async _shouldSkipProfile(accessToken: string): Promise<boolean> {
    const skip = this._config.skipUserProfile;
    if (typeof skip !== 'function') return skip === true;
    // Like passport-oauth2: a function of two parameters answers through its callback, one of at
    // most one parameter by its return value (waiting for a callback it never calls would hang).
    if (skip.length < 2) return skip(accessToken, () => undefined) === true;
    return new Promise((resolve, reject) =>
      skip(accessToken, (err, result) => (err ? reject(err) : resolve(result === true))),
    );
  }

  private async _loadProfile(
    accessToken: string,
    claims: MicrosoftIdTokenClaims | undefined,
  ): Promise<MicrosoftProfile | undefined> {
    const useGraph =
      this._config.profileSource === 'graph' && !(await this._shouldSkipProfile(accessToken));
    if (!useGraph) {
      if (claims === undefined) return undefined;
      readClaims(claims);
      return {
        provider: 'microsoft',
        ...normalizeProfile({ claims, addUPNAsEmail: this._config.addUPNAsEmail }),
        _raw: JSON.stringify(claims),
        _json: claims,
      };
    }
    return this._graphProfile(accessToken, claims);
  }

  private async _graphProfile(
    accessToken: string,
    claims: MicrosoftIdTokenClaims | undefined,
  ): Promise<MicrosoftProfile> {
    const photoSize = this._config.photo;
    const photo = photoSize === false ? undefined : this._graph.photo(accessToken, photoSize);
    // If /me fails first, the photo's outcome no longer matters; never leave it unhandled.
    photo?.catch(() => undefined);
    const me = await this._graph.me(accessToken);
    const photoURL = photo === undefined ? undefined : await photo;
    const profile: MicrosoftProfile = {
      provider: 'microsoft',
      ...normalizeProfile({ claims, graph: me.user, addUPNAsEmail: this._config.addUPNAsEmail }),
      _raw: me.raw,
      _json: me.json,
    };
    if (photoURL !== undefined) profile.photos = [{ value: photoURL }];
    return profile;
  }

  /**
   * Authorize-request parameters taken from `passport.authenticate('microsoft', options)`:
   * `prompt`, `loginHint`, `domainHint`, `responseMode`, `maxAge`, `locale` (as `mkt` and
   * `ui_locales`) and `display`. Nothing else reaches Microsoft.
   *
   * @throws TypeError for a value Microsoft would reject.
   */
  override authorizationParams(options: MicrosoftAuthenticateOptions): Record<string, string> {
    const params: Record<string, string> = {};
    const prompt = options.prompt;
    if (prompt !== undefined) {
      if (!PROMPTS.has(prompt))
        throw new TypeError(
          `passport.authenticate("microsoft") option prompt must be login, none, consent or select_account; got ${JSON.stringify(prompt)}`,
        );
      params['prompt'] = prompt;
    }
    const loginHint = options.loginHint ?? options.login_hint;
    if (loginHint !== undefined && loginHint !== '') {
      if (prompt === 'select_account')
        throw new TypeError(
          'passport.authenticate("microsoft"): prompt select_account cannot be combined with a login hint (Microsoft rejects it)',
        );
      params['login_hint'] = String(loginHint);
    }
    const domainHint = options.domainHint ?? options.domain_hint;
    if (domainHint !== undefined && domainHint !== '') params['domain_hint'] = String(domainHint);
    const responseMode = options.responseMode ?? options.response_mode;
    if (responseMode !== undefined) {
      if (!RESPONSE_MODES.has(responseMode))
        throw new TypeError(
          `passport.authenticate("microsoft") option responseMode must be query or form_post; got ${JSON.stringify(responseMode)}`,
        );
      params['response_mode'] = responseMode;
    }
    if (options.maxAge !== undefined) {
      if (!Number.isInteger(options.maxAge) || options.maxAge < 0)
        throw new TypeError(
          `passport.authenticate("microsoft") option maxAge must be a whole number of seconds; got ${String(options.maxAge)}`,
        );
      params['max_age'] = String(options.maxAge);
    }
    if (options.locale !== undefined && options.locale !== '') {
      // Microsoft's sign-in page takes its language from `mkt`; OpenID Connect's `ui_locales` goes
      // too, for the services that read it (the README's per-request options say which).
      params['mkt'] = String(options.locale);
      params['ui_locales'] = String(options.locale);
    }
    if (options.display !== undefined && options.display !== '')
      params['display'] = String(options.display);
    return params;
  }

  /** Extra token-request parameters; none by default. */
  override tokenParams(_options: MicrosoftAuthenticateOptions): Record<string, string> {
    return {};
  }

  /** Turns Microsoft's token error JSON into a {@link MicrosoftTokenError} (or `null`). */
  override parseErrorResponse(body: string, status: number): Error | null {
    return tokenErrorFromBody(body, status);
  }

  /**
   * Loads the Graph profile for an access token (no ID-token claims). The login itself uses the
   * richer path that merges the verified claims; this hook serves code that calls it directly.
   */
  override userProfile(
    accessToken: string,
    done: (err: unknown, profile?: MicrosoftProfile) => void,
  ): void {
    this._graphProfile(accessToken, undefined).then(
      (p) => done(null, p),
      (err: unknown) => done(err),
    );
  }

  /**
   * Redeems a refresh token at the same authority. A returned ID token is verified.
   *
   * @example
   * ```ts
   * import type { Strategy } from 'passport-microsoft-account';
   * declare const strategy: Strategy;
   * declare const user: { refreshToken: string; accessToken: string };
   *
   * const tokens = await strategy.refresh(user.refreshToken);
   * user.accessToken = tokens.accessToken;
   * user.refreshToken = tokens.refreshToken ?? user.refreshToken;
   * ```
   */
  async refresh(
    refreshToken: string,
    options: { scope?: string | readonly string[] } = {},
  ): Promise<TokenSet> {
    if (typeof refreshToken !== 'string' || refreshToken === '')
      throw new TypeError('refresh() needs a refresh token');
    const params: Record<string, string> = {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    };
    const scope = options.scope !== undefined ? parseScope(options.scope) : this._config.scope;
    if (this._config.allowedTenants !== undefined && !scope.includes('openid')) {
      throw new TypeError(
        'refresh() option scope must include openid: allowedTenants relies on the verified ID token',
      );
    }
    params['scope'] = scope.join(' ');
    const res = await this._tokens.request(params);
    const set: TokenSet = { accessToken: res.access_token };
    if (res.refresh_token !== undefined) set.refreshToken = res.refresh_token;
    if (typeof res.expires_in === 'number') set.expiresIn = res.expires_in;
    if (typeof res.scope === 'string') set.scope = res.scope;
    if (typeof res.token_type === 'string') set.tokenType = res.token_type;
    if (res.id_token !== undefined) {
      set.idToken = res.id_token;
      const claims = await this._idTokens.verify(res.id_token, { nonce: undefined });
      const refusal = await this._checkTenant(claims);
      if (refusal !== undefined) throw new IdTokenError('tenant', refusal);
      set.claims = claims;
    }
    return set;
  }

  /**
   * Microsoft's end-session URL for the configured authority and cloud. Redirect the browser there
   * after destroying the app's own session.
   *
   * @example
   * ```ts
   * import type { Response } from 'express';
   * import type { Strategy } from 'passport-microsoft-account';
   * declare const strategy: Strategy;
   * declare const res: Response;
   *
   * res.redirect(strategy.logoutUrl({ postLogoutRedirectUri: 'https://app.example.com/' }));
   * ```
   */
  logoutUrl(
    options: { postLogoutRedirectUri?: string; logoutHint?: string; state?: string } = {},
  ): string {
    const url = new URL(this._config.logoutURL);
    if (options.postLogoutRedirectUri !== undefined)
      url.searchParams.set('post_logout_redirect_uri', options.postLogoutRedirectUri);
    if (options.logoutHint !== undefined) url.searchParams.set('logout_hint', options.logoutHint);
    if (options.state !== undefined) url.searchParams.set('state', options.state);
    return url.href;
  }
}

// The CommonJS shape the Passport world expects: require('passport-microsoft-account') is the
// class itself, with the class, every value of errors.ts and the constants the ES module entry
// exports as properties.
const { CLOUDS, CONSUMER_TENANT_ID, DEFAULT_SCOPE } = config;
Object.assign(Strategy, {
  Strategy,
  default: Strategy,
  ...errors,
  CLOUDS,
  CONSUMER_TENANT_ID,
  DEFAULT_SCOPE,
  CookieStateStore: cookieStateStore.CookieStateStore,
});

import StrategyClass = Strategy;

/** Types and classes reachable from the CommonJS export (`require('passport-microsoft-account')`). */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace Strategy {
  export import Strategy = StrategyClass;
  export import MicrosoftAuthorizationError = errors.MicrosoftAuthorizationError;
  export import MicrosoftTokenError = errors.MicrosoftTokenError;
  export import GraphError = errors.GraphError;
  export import MicrosoftHttpError = errors.MicrosoftHttpError;
  export import IdTokenError = errors.IdTokenError;
  export import ProfileError = errors.ProfileError;
  export import StateError = errors.StateError;
  export import ID_TOKEN_ERROR_CODES = errors.ID_TOKEN_ERROR_CODES;
  export import parseAadsts = errors.parseAadsts;
  export import CLOUDS = config.CLOUDS;
  export import CONSUMER_TENANT_ID = config.CONSUMER_TENANT_ID;
  export import DEFAULT_SCOPE = config.DEFAULT_SCOPE;
  export import CookieStateStore = cookieStateStore.CookieStateStore;
  /** `IdTokenErrorCode`, reachable as `Strategy.IdTokenErrorCode` from the CommonJS export. */
  export type IdTokenErrorCode = errors.IdTokenErrorCode;
  /** `HttpErrorCode`, reachable as `Strategy.HttpErrorCode` from the CommonJS export. */
  export type HttpErrorCode = errors.HttpErrorCode;
  /** `MicrosoftProfile`, reachable as `Strategy.MicrosoftProfile` from the CommonJS export. */
  export type MicrosoftProfile = types.MicrosoftProfile;
  /** `MicrosoftEmail`, reachable as `Strategy.MicrosoftEmail` from the CommonJS export. */
  export type MicrosoftEmail = types.MicrosoftEmail;
  /** `MicrosoftIdTokenClaims`, reachable as `Strategy.MicrosoftIdTokenClaims` from the CommonJS export. */
  export type MicrosoftIdTokenClaims = types.MicrosoftIdTokenClaims;
  /** `StrategyOptions`, reachable as `Strategy.StrategyOptions` from the CommonJS export. */
  export type StrategyOptions = types.StrategyOptions;
  /** `StrategyOptionsWithRequest`, reachable as `Strategy.StrategyOptionsWithRequest` from the CommonJS export. */
  export type StrategyOptionsWithRequest = types.StrategyOptionsWithRequest;
  /** `VerifyFunction`, reachable as `Strategy.VerifyFunction` from the CommonJS export. */
  export type VerifyFunction = types.VerifyFunction;
  /** `VerifyFunctionWithRequest`, reachable as `Strategy.VerifyFunctionWithRequest` from the CommonJS export. */
  export type VerifyFunctionWithRequest = types.VerifyFunctionWithRequest;
  /** `VerifyFunctionNoParams`, reachable as `Strategy.VerifyFunctionNoParams` from the CommonJS export. */
  export type VerifyFunctionNoParams = types.VerifyFunctionNoParams;
  /** `VerifyFunctionWithParams`, reachable as `Strategy.VerifyFunctionWithParams` from the CommonJS export. */
  export type VerifyFunctionWithParams = types.VerifyFunctionWithParams;
  /** `VerifyFunctionWithRequestNoParams`, reachable as `Strategy.VerifyFunctionWithRequestNoParams` from the CommonJS export. */
  export type VerifyFunctionWithRequestNoParams = types.VerifyFunctionWithRequestNoParams;
  /** `VerifyFunctionWithRequestAndParams`, reachable as `Strategy.VerifyFunctionWithRequestAndParams` from the CommonJS export. */
  export type VerifyFunctionWithRequestAndParams = types.VerifyFunctionWithRequestAndParams;
  /** `VerifyCallback`, reachable as `Strategy.VerifyCallback` from the CommonJS export. */
  export type VerifyCallback = types.VerifyCallback;
  /** `MicrosoftAuthenticateOptions`, reachable as `Strategy.MicrosoftAuthenticateOptions` from the CommonJS export. */
  export type MicrosoftAuthenticateOptions = types.MicrosoftAuthenticateOptions;
  /** `TokenSet`, reachable as `Strategy.TokenSet` from the CommonJS export. */
  export type TokenSet = types.TokenSet;
  /** `TokenResponseParams`, reachable as `Strategy.TokenResponseParams` from the CommonJS export. */
  export type TokenResponseParams = types.TokenResponseParams;
  /** `MicrosoftCloud`, reachable as `Strategy.MicrosoftCloud` from the CommonJS export. */
  export type MicrosoftCloud = types.MicrosoftCloud;
  /** `AccountType`, reachable as `Strategy.AccountType` from the CommonJS export. */
  export type AccountType = types.AccountType;
}
