/**
 * `MicrosoftSignIn`: the whole sign-in protocol with the Microsoft identity platform v2.0, with
 * no framework in it. It builds the authorize URL and the pending login, redeems the callback
 * (state, PKCE, code exchange, verified ID token with nonce, tenant rules, profile), refreshes
 * tokens and builds the logout URL. The Passport strategy is a thin adapter over it; any other
 * framework's route handlers can use it directly.
 */
import { timingSafeEqual } from 'node:crypto';
import {
  MicrosoftIdTokenError,
  MicrosoftTenantNotAllowedError,
  MicrosoftStateError,
} from '../errors.js';
import { DiscoveryCache, fetchDiscovery } from '../clients/discovery.js';
import type { AuthorityMetadata } from '../clients/discovery.js';
import { tenantKind as kindOfTenant } from '../config/endpoints.js';
import { GraphClient } from '../clients/graph.js';
import type { GraphEndpointClient } from '../clients/graph.js';
import { JwksCache } from '../tokens/jwks.js';
import type { SigningKey } from '../tokens/jwks.js';
import { IdTokenVerifier } from '../tokens/id-token.js';
import { parseScope } from '../config/options.js';
import { coreWarnings, resolveConfig } from '../config/settings.js';
import type { ResolvedConfig } from '../config/settings.js';
import { TokenClient } from '../clients/token.js';
import type { TokenEndpointClient } from '../clients/token.js';
import type {
  MicrosoftAuthenticateOptions,
  MicrosoftIdTokenClaims,
  LogoutUrlOptions,
  MicrosoftProfile,
  SignInOptions,
  StrategyEndpoints,
  TokenResponseParams,
  TokenSet,
} from '../types.js';
import { authorizationURLFor, authorizeParams } from './authorize.js';
import {
  authorizationErrorOf,
  checkedErrorParams,
  claimsProfile,
  graphProfile,
  readCallbackParams,
  tenantAllowed,
} from './callback.js';
import type { CallbackInput } from './callback.js';
import type { PendingLogin } from './pending-login.js';
import { createCodeVerifier, randomValue } from './pkce.js';
import { checkStepUp, stepUpRequestOf } from './step-up.js';
import type { StepUpRequest, StepUpResult } from './step-up.js';

/** Where the signing keys of ID tokens come from (the authority's key set by default). */
export interface SigningKeySource {
  /**
   * The key for `kid`, or `undefined` when the key set has none. For a token without `kid`
   * (`kid` undefined), the key set's only key when it holds exactly one, else `undefined`.
   */
  get(kid: string | undefined): Promise<SigningKey | undefined>;
}

/**
 * The clients a {@link MicrosoftSignIn} talks through. Each defaults to the real one for the
 * configured endpoints; tests pass fakes, so they need no socket.
 */
export interface SignInDependencies {
  /** Token endpoint client. */
  tokenClient?: TokenEndpointClient;
  /** Microsoft Graph client. */
  graphClient?: GraphEndpointClient;
  /** ID-token signing keys. */
  signingKeys?: SigningKeySource;
  /** Clock in ms since the epoch (ID-token times). Default `Date.now`. */
  clock?: () => number;
  /** Turns a token-endpoint error body into an error (used by the default token client). */
  parseTokenError?: (body: string, status: number) => Error | null;
  /**
   * The options, already checked and resolved: the Passport adapter resolves them once for both
   * layers instead of having the core read them again.
   *
   * @internal
   */
  resolvedConfig?: ResolvedConfig;
}

/** Per-login options of {@link MicrosoftSignIn.authorizationRequest}. */
export interface AuthorizationRequestOptions extends Omit<
  MicrosoftAuthenticateOptions,
  'state' | 'callbackURL'
> {
  /** Absolute redirect URI of this login. Default the `callbackURL` option. */
  redirectURI?: string;
  /** The `state` to send. Default a fresh random value. */
  state?: string;
  /** Application state kept in the pending login and handed back by {@link MicrosoftSignIn.callback}. */
  appState?: unknown;
}

/** Options of {@link MicrosoftSignIn.refresh}. */
export interface RefreshOptions {
  /** Scopes to ask for. Default the configured ones. */
  scope?: string | readonly string[];
  /** The tenant (GUID or domain) the login named, on a multi-tenant authority. Default none. */
  tenant?: string;
}

/** What starting a login gives: the URL to send the browser to and what to keep until the callback. */
export interface AuthorizationRequest {
  /** Microsoft's authorize URL with every parameter of this login. */
  url: string;
  /** Keep this (session, encrypted cookie, store) and pass it to {@link MicrosoftSignIn.callback}. */
  pendingLogin: PendingLogin;
}

/** Options of one {@link MicrosoftSignIn.callback}. */
export interface CallbackOptions {
  /** Extra token-request parameters. */
  tokenParams?: Record<string, string>;
  /** Leave Graph out: the profile comes from the ID token's claims (or is absent without one). */
  skipGraph?: boolean;
}

/** What a completed login gives. */
export interface SignInResult {
  /** The token response. */
  tokens: TokenResponseParams;
  /** The verified ID-token claims; absent when no ID token was asked for or returned. */
  claims?: MicrosoftIdTokenClaims;
  /** The normalized profile; absent only when Graph was skipped and there is no ID token. */
  profile?: MicrosoftProfile;
  /** The application state kept in the pending login. */
  appState?: unknown;
  /** What a login that asked for `maxAge`, `prompt: 'login'` or `acrs` got (checked). */
  stepUp?: StepUpResult;
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Sign in with Microsoft, without a framework.
 *
 * @example
 * ```ts
 * import { MicrosoftSignIn } from 'passport-microsoft-account';
 *
 * const signIn = new MicrosoftSignIn({
 *   clientID: process.env.MICROSOFT_CLIENT_ID ?? '',
 *   clientSecret: process.env.MICROSOFT_CLIENT_SECRET ?? '',
 *   callbackURL: 'https://app.example.com/login/callback',
 * });
 * // GET /login
 * const { url, pendingLogin } = await signIn.authorizationRequest();
 * // keep pendingLogin (session, encrypted cookie), then redirect the browser to url.
 * // GET /login/callback
 * const { profile } = await signIn.callback(new URL('https://app.example.com/login/callback?code=x&state=y').searchParams, pendingLogin);
 * ```
 */
export class MicrosoftSignIn {
  /** The resolved options. */
  readonly config: Readonly<ResolvedConfig>;
  readonly #tokens: TokenEndpointClient;
  readonly #graph: GraphEndpointClient;
  readonly #keys: SigningKeySource;
  readonly #idTokens: IdTokenVerifier;
  readonly #now: () => number;
  /** Customer identity authorities: the discovery document, read once. */
  readonly #discovery: DiscoveryCache | undefined;
  /** Endpoints given as options, which win over discovered ones. */
  readonly #explicit: { authorizationURL?: string | undefined; tokenURL?: string | undefined };

  /**
   * @param options - see {@link SignInOptions}; `clientID`, `callbackURL` and one credential (`clientSecret`, `clientCertificate` or `clientAssertion`) are required.
   * @param dependencies - the clients to use instead of the real ones (tests).
   * @throws TypeError naming the option when an option is missing or invalid.
   */
  constructor(options: SignInOptions, dependencies: SignInDependencies = {}) {
    const config = dependencies.resolvedConfig ?? resolveConfig(options, 'MicrosoftSignIn');
    this.config = config;
    this.#now = dependencies.clock ?? Date.now;
    for (const warning of coreWarnings(config)) config.logger.warn(warning);
    const { authorityKind } = config;
    const discovery =
      authorityKind === 'workforce'
        ? undefined
        : new DiscoveryCache(() =>
            fetchDiscovery(
              {
                kind: authorityKind,
                authority: config.authority,
                tenant: config.tenant,
                url: config.discoveryURL,
              },
              config.timeout,
            ),
          );
    this.#discovery = discovery;
    this.#explicit = { authorizationURL: options.authorizationURL, tokenURL: options.tokenURL };
    this.#tokens =
      dependencies.tokenClient ??
      new TokenClient({
        tokenURL: config.tokenURL,
        clientID: config.clientID,
        credential: config.credential,
        timeout: config.timeout,
        customHeaders: config.customHeaders,
        authMethod: config.tokenAuthMethod,
        parseError: dependencies.parseTokenError,
      });
    this.#graph =
      dependencies.graphClient ??
      new GraphClient({ baseURL: config.graphBaseURL, timeout: config.timeout });
    const jwks = (url: string): JwksCache =>
      new JwksCache({
        url,
        timeout: config.timeout,
        ...(dependencies.clock ? { now: dependencies.clock } : {}),
      });
    this.#keys =
      dependencies.signingKeys ?? (discovery ? lazyKeys(discovery, jwks) : jwks(config.jwksURL));
    this.#idTokens = new IdTokenVerifier({
      clientID: config.clientID,
      tenantKind: config.tenantKind,
      tenant: config.tenant,
      issuerBase: config.issuerBase,
      clockTolerance: config.clockTolerance,
      jwks: this.#keys,
      discovery: { url: config.discoveryURL, timeout: config.timeout },
      ...(discovery ? { issuer: async () => (await discovery.get()).issuer } : {}),
      ...(dependencies.clock ? { now: dependencies.clock } : {}),
    });
  }

  /** The resolved endpoints (authorize, token, JWKS, logout, Graph), for diagnostics. */
  get endpoints(): StrategyEndpoints {
    const { authority, authorizationURL, tokenURL, jwksURL, logoutURL, graphBaseURL, issuerBase } =
      this.config;
    return { authority, authorizationURL, tokenURL, jwksURL, logoutURL, graphBaseURL, issuerBase };
  }

  /**
   * The token endpoint client (the Passport adapter routes passport-oauth2's client through it).
   * For a customer identity authority it posts to the discovered token endpoint.
   */
  get tokenClient(): TokenEndpointClient {
    return {
      request: async (params, options = {}) =>
        this.#tokens.request(params, {
          tokenURL: options.tokenURL ?? (await this.#endpointsFor(undefined)).tokenURL,
        }),
    };
  }

  /**
   * The endpoints of a login: the configured ones, a per-request tenant's, or (for a customer
   * identity authority) those of its discovery document, read once.
   */
  async resolvedEndpoints(tenant?: string): Promise<StrategyEndpoints> {
    return { ...this.endpoints, ...(await this.#endpointsFor(tenant)) };
  }

  async #endpointsFor(
    tenant: string | undefined,
  ): Promise<
    Pick<StrategyEndpoints, 'authority' | 'authorizationURL' | 'tokenURL' | 'jwksURL' | 'logoutURL'>
  > {
    const c = this.config;
    if (tenant !== undefined) {
      const authority = this.#tenantAuthority(tenant);
      return {
        authority,
        authorizationURL: `${authority}/oauth2/v2.0/authorize`,
        tokenURL: `${authority}/oauth2/v2.0/token`,
        jwksURL: `${authority}/discovery/v2.0/keys`,
        logoutURL: `${authority}/oauth2/v2.0/logout`,
      };
    }
    if (this.#discovery === undefined) return c;
    const m: AuthorityMetadata = await this.#discovery.get();
    const o = this.#explicit;
    return {
      authority: c.authority,
      authorizationURL: o.authorizationURL ?? m.authorizationURL,
      tokenURL: o.tokenURL ?? m.tokenURL,
      jwksURL: m.jwksURL,
      logoutURL: m.logoutURL ?? c.logoutURL,
    };
  }

  /** The authority of a per-request tenant: the configured one with its tenant replaced. */
  #tenantAuthority(tenant: string): string {
    const { authority, tenant: base } = this.config;
    return `${authority.slice(0, authority.length - base.length)}${tenant}`;
  }

  /**
   * Checks a per-request tenant: only a GUID or a domain, only on a multi-tenant workforce
   * authority (common, organizations).
   */
  #checkTenant(tenant: unknown, what: string): string | undefined {
    if (tenant === undefined) return undefined;
    const kind = typeof tenant === 'string' ? kindOfTenant(tenant) : undefined;
    if (kind !== 'guid' && kind !== 'domain')
      throw new TypeError(
        `${what} option tenant must be a tenant id (GUID) or a domain such as contoso.onmicrosoft.com; got ${JSON.stringify(tenant)}`,
      );
    const base = this.config.tenantKind;
    if (
      this.config.authorityKind !== 'workforce' ||
      (base !== 'common' && base !== 'organizations')
    )
      throw new TypeError(
        `${what} option tenant needs a multi-tenant authority (common or organizations); this one is ${this.config.authority}`,
      );
    return tenant as string;
  }

  /**
   * JWKS fetches made so far by the default key source.
   *
   * @internal
   */
  get jwksFetchCount(): number {
    const keys = this.#keys as SigningKeySource & { fetchCount?: unknown };
    return typeof keys.fetchCount === 'number' ? keys.fetchCount : 0;
  }

  /** The scopes of a login: the per-request ones, else the configured ones. */
  scopeFor(scope: string | readonly string[] | undefined, what: string): string[] {
    const list = scope !== undefined ? parseScope(scope) : this.config.scope;
    if (list.length === 0) throw new TypeError(`${what} must name at least one scope`);
    if (!list.includes('openid') && this.#needsIdToken()) {
      throw new TypeError(
        `${what} must include openid: allowedTenants and profileSource "id_token" rely on the verified ID token`,
      );
    }
    return list;
  }

  /**
   * A new pending login. With `keep` false (nothing keeps it until the callback), no nonce and
   * no PKCE verifier are made, since none could be checked.
   */
  createPendingLogin(input: {
    redirectURI: string;
    scope: readonly string[];
    keep: boolean;
    appState?: unknown;
    /** Freshness and authentication context asked for (see `stepUpRequestOf`). */
    stepUp?: StepUpRequest;
    /** A per-request tenant (checked: GUID or domain, multi-tenant authority only). */
    tenant?: string | undefined;
    /** Who the per-request options were given to, for error messages. */
    who?: string;
  }): PendingLogin {
    const tenant = this.#checkTenant(
      input.tenant,
      input.who ?? 'MicrosoftSignIn.authorizationRequest',
    );
    const openid = input.scope.includes('openid');
    const pending: PendingLogin = { '@microsoft': 1, redirectURI: input.redirectURI, openid };
    if (!input.keep) {
      // Without a kept pending login the callback could not know the tenant: refuse, not guess.
      const who = input.who ?? 'MicrosoftSignIn.authorizationRequest';
      if (tenant !== undefined)
        throw new TypeError(
          `${who} option tenant needs state: the tenant is kept with the pending login`,
        );
      // Likewise a freshness or authentication-context requirement would be sent but never checked.
      const { maxAge, freshLogin, acrs } = input.stepUp ?? {};
      const unchecked =
        maxAge !== undefined
          ? 'maxAge'
          : freshLogin
            ? "prompt 'login'"
            : acrs
              ? 'claims (acrs)'
              : '';
      if (unchecked !== '')
        throw new TypeError(
          `${who} option ${unchecked} needs state: the requirement is kept with the pending login, and without it the callback could not enforce it`,
        );
      return pending;
    }
    if (tenant !== undefined) pending.tenant = tenant;
    if (openid) pending.nonce = randomValue();
    if (this.config.pkce) pending.codeVerifier = createCodeVerifier();
    if (input.appState !== undefined) pending.appState = input.appState;
    const stepUp = input.stepUp ?? {};
    if (stepUp.maxAge !== undefined) pending.maxAge = stepUp.maxAge;
    if (stepUp.acrs !== undefined) pending.acrs = [...stepUp.acrs];
    if (stepUp.freshLogin === true) {
      // prompt=login: the ID token's auth_time must not predate this moment.
      pending.freshLogin = true;
      pending.createdAt = Math.floor(this.#now() / 1000);
    }
    return pending;
  }

  /**
   * The authorize URL of a pending login, with `state` and extra parameters: the pending login's
   * tenant's, or the discovered one for a customer identity authority.
   */
  async authorizationURL(
    pending: PendingLogin,
    scope: readonly string[],
    state: string | undefined,
    params: Record<string, string>,
  ): Promise<string> {
    const endpoints = await this.#endpointsFor(pending.tenant);
    return authorizationURLFor(pending, {
      authorizationURL: endpoints.authorizationURL,
      clientID: this.config.clientID,
      scope,
      state,
      params,
    });
  }

  /**
   * Starts a login: the authorize URL to redirect the browser to, and the pending login to keep
   * until the callback (it holds the state, PKCE verifier and nonce).
   *
   * @throws TypeError for a per-request option Microsoft would reject.
   */
  async authorizationRequest(
    options: AuthorizationRequestOptions = {},
  ): Promise<AuthorizationRequest> {
    const redirectURI = options.redirectURI ?? this.config.callbackURL;
    if (!/^https?:\/\//i.test(redirectURI)) {
      throw new TypeError(
        `MicrosoftSignIn.authorizationRequest needs an absolute redirect URI; got "${redirectURI}" (pass redirectURI or an absolute callbackURL)`,
      );
    }
    {
      const scope = this.scopeFor(
        options.scope,
        'MicrosoftSignIn.authorizationRequest option scope',
      );
      const params = authorizeParams(options);
      const pendingLogin = this.createPendingLogin({
        redirectURI,
        scope,
        keep: true,
        appState: options.appState,
        stepUp: stepUpRequestOf(options),
        tenant: options.tenant,
      });
      pendingLogin.state = options.state ?? randomValue();
      const url = await this.authorizationURL(pendingLogin, scope, pendingLogin.state, params);
      return { url, pendingLogin };
    }
  }

  /**
   * Finishes a login from the callback's parameters and the pending login kept for it: checks the
   * state, redeems the code (with the PKCE verifier), verifies the ID token (signature, issuer,
   * audience, times, nonce), applies `allowedTenants`, and loads the profile (Graph `/me` merged
   * with the claims, or the claims alone with `profileSource: 'id_token'` or `skipGraph`).
   *
   * Rejects with {@link MicrosoftStateError} (`state_mismatch`, `code_missing`, `callback_malformed`) when
   * the callback does not belong to this login or carries a malformed error,
   * {@link MicrosoftAuthorizationError} when Microsoft sent an error (`interactionRequired` for the
   * answers of a silent sign-in that needs the user), {@link MicrosoftIdTokenError} `auth_time` or `acrs`
   * when a step-up asked for (`maxAge`, `prompt: 'login'`, essential `acrs`) did not happen,
   * {@link MicrosoftTenantNotAllowedError} when `allowedTenants` refuses the tenant, and the typed
   * error of the failing step otherwise ({@link MicrosoftTokenError}, {@link MicrosoftIdTokenError},
   * {@link MicrosoftGraphError}, {@link MicrosoftHttpError}, {@link MicrosoftProfileError}; `subject_mismatch` when
   * Graph `/me` of a work or school account is not the ID token's user).
   */
  async callback(
    input: CallbackInput,
    pendingLogin: PendingLogin,
    options: CallbackOptions = {},
  ): Promise<SignInResult> {
    const result: SignInResult = await this.redeem(input, pendingLogin, options.tokenParams);
    const { tokens, claims } = result;
    if (this.config.profileSource === 'graph' && options.skipGraph !== true)
      result.profile = await this.profile(tokens.access_token, claims);
    else if (claims !== undefined) result.profile = this.profileFromClaims(claims);
    return result;
  }

  /**
   * The callback without the profile: checks the state, redeems the code and verifies the ID
   * token (see {@link MicrosoftSignIn.callback}, which calls it).
   */
  async redeem(
    input: CallbackInput,
    pendingLogin: PendingLogin,
    extraTokenParams: Record<string, string> = {},
  ): Promise<Omit<SignInResult, 'profile'>> {
    const params = readCallbackParams(input);
    if (pendingLogin.state !== undefined) {
      if (params.state === undefined || !sameString(params.state, pendingLogin.state)) {
        throw new MicrosoftStateError(
          'state_mismatch',
          'Unable to verify authorization request state: the callback does not carry the state of this login',
        );
      }
    }
    if (params.error !== undefined)
      throw authorizationErrorOf(checkedErrorParams({ ...params, error: params.error }));
    if (params.code === undefined || params.code === '')
      throw new MicrosoftStateError('code_missing', 'The callback carries no authorization code');
    const tokenParams: Record<string, string> = {
      ...extraTokenParams,
      grant_type: 'authorization_code',
      code: params.code,
      redirect_uri: pendingLogin.redirectURI,
    };
    if (pendingLogin.codeVerifier !== undefined)
      tokenParams['code_verifier'] = pendingLogin.codeVerifier;
    // The tenant comes from the pending login this app kept, never from the callback's query.
    const tenant = this.#checkTenant(pendingLogin.tenant, 'MicrosoftSignIn.callback');
    const { tokenURL } = await this.#endpointsFor(tenant);
    const tokens = await this.#tokens.request(tokenParams, { tokenURL });
    const result: Omit<SignInResult, 'profile'> = { tokens };
    // allowedTenants and profileSource 'id_token' need a verified ID token, whatever the login asked.
    if (tokens.id_token !== undefined || pendingLogin.openid || this.#needsIdToken())
      result.claims = await this.verifiedClaims(tokens.id_token, pendingLogin.nonce, tenant);
    const now = Math.floor(this.#now() / 1000);
    const stepUp = checkStepUp(result.claims, pendingLogin, now, this.config.clockTolerance);
    if (stepUp !== undefined) result.stepUp = stepUp;
    if (pendingLogin.appState !== undefined) result.appState = pendingLogin.appState;
    return result;
  }

  /** The profile from verified claims alone (no Graph call). */
  profileFromClaims(claims: MicrosoftIdTokenClaims): MicrosoftProfile {
    return claimsProfile(this.config, claims);
  }

  /** Verifies an ID token and applies `allowedTenants`. */
  async verifiedClaims(
    idToken: string | undefined,
    nonce: string | undefined,
    tenant?: string,
  ): Promise<MicrosoftIdTokenClaims> {
    const perRequest =
      tenant === undefined
        ? undefined
        : {
            tenant,
            discoveryURL: `${this.#tenantAuthority(tenant)}/v2.0/.well-known/openid-configuration`,
          };
    const claims = await this.#idTokens.verify(idToken, { nonce, tenant: perRequest });
    if (!(await tenantAllowed(this.config, claims)))
      throw new MicrosoftTenantNotAllowedError(claims.tid);
    return claims;
  }

  /** The Graph profile for an access token, merged with verified claims when given. */
  profile(accessToken: string, claims?: MicrosoftIdTokenClaims): Promise<MicrosoftProfile> {
    return graphProfile(this.config, this.#graph, accessToken, claims);
  }

  /**
   * Redeems a refresh token at the same authority. A returned ID token is verified and checked
   * against `allowedTenants` like a login's.
   *
   * @example
   * ```ts
   * import type { MicrosoftSignIn } from 'passport-microsoft-account';
   * declare const signIn: MicrosoftSignIn;
   * declare const user: { refreshToken: string; accessToken: string };
   *
   * const tokens = await signIn.refresh(user.refreshToken);
   * user.accessToken = tokens.accessToken;
   * user.refreshToken = tokens.refreshToken ?? user.refreshToken;
   * ```
   */
  async refresh(refreshToken: string, options: RefreshOptions = {}): Promise<TokenSet> {
    if (typeof refreshToken !== 'string' || refreshToken === '')
      throw new TypeError('refresh() needs a refresh token');
    const scope = options.scope !== undefined ? parseScope(options.scope) : this.config.scope;
    if (this.config.allowedTenants !== undefined && !scope.includes('openid')) {
      throw new TypeError(
        'refresh() option scope must include openid: allowedTenants relies on the verified ID token',
      );
    }
    const tenant = this.#checkTenant(options.tenant, 'refresh()');
    const { tokenURL } = await this.#endpointsFor(tenant);
    const res = await this.#tokens.request(
      { grant_type: 'refresh_token', refresh_token: refreshToken, scope: scope.join(' ') },
      { tokenURL },
    );
    const set: TokenSet = { accessToken: res.access_token };
    if (res.refresh_token !== undefined) set.refreshToken = res.refresh_token;
    if (typeof res.expires_in === 'number') set.expiresIn = res.expires_in;
    if (typeof res.scope === 'string') set.scope = res.scope;
    if (typeof res.token_type === 'string') set.tokenType = res.token_type;
    if (res.id_token !== undefined) {
      set.idToken = res.id_token;
      try {
        set.claims = await this.verifiedClaims(res.id_token, undefined, tenant);
      } catch (err) {
        if (err instanceof MicrosoftTenantNotAllowedError)
          throw new MicrosoftIdTokenError('tenant', err.message);
        throw err;
      }
    }
    return set;
  }

  /**
   * Microsoft's end-session URL for the configured authority and cloud. Redirect the browser there
   * after ending the app's own session.
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
  logoutUrl(options: LogoutUrlOptions = {}): string {
    // A customer authority's discovered end-session endpoint, once read (a login reads it).
    const url = new URL(this.#discovery?.current?.logoutURL ?? this.config.logoutURL);
    if (options.postLogoutRedirectUri !== undefined)
      url.searchParams.set('post_logout_redirect_uri', options.postLogoutRedirectUri);
    if (options.logoutHint !== undefined) url.searchParams.set('logout_hint', options.logoutHint);
    if (options.state !== undefined) url.searchParams.set('state', options.state);
    return url.href;
  }

  /** True when an option relies on the ID token: allowedTenants, or profileSource 'id_token'. */
  #needsIdToken(): boolean {
    return this.config.allowedTenants !== undefined || this.config.profileSource === 'id_token';
  }
}

/** Signing keys of a discovered authority: the key set is created once `jwks_uri` is known. */
function lazyKeys(
  discovery: DiscoveryCache,
  create: (url: string) => JwksCache,
): SigningKeySource & { readonly fetchCount: number } {
  let cache: JwksCache | undefined;
  return {
    get fetchCount() {
      return cache?.fetchCount ?? 0;
    },
    async get(kid) {
      const { jwksURL } = await discovery.get();
      cache ??= create(jwksURL);
      return cache.get(kid);
    },
  };
}
