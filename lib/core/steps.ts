/**
 * The steps of a sign-in, one by one: what {@link MicrosoftSignIn} puts together into its four
 * public calls, and what a framework adapter calls step by step through its own hooks.
 * Internal: not exported by the package.
 */
import type { TokenEndpointClient } from '../clients/token.js';
import { bindGraphUser, claimsProfile, graphUserProfile } from '../profile/build.js';
import type {
  LogoutUrlOptions,
  MicrosoftIdTokenClaims,
  MicrosoftProfile,
  StrategyEndpoints,
  TokenSet,
} from '../types.js';
import type { CallbackInput } from './callback.js';
import { createContext } from './context.js';
import type { SignInContext } from './context.js';
import type { ExplicitEndpoints } from './login-endpoints.js';
import type { PendingLogin } from './pending-login.js';
import { redeem } from './redeem.js';
import { refresh } from './refresh.js';
import type { ResolvedConfig } from './settings.js';
import type { RefreshOptions, SignInDependencies, SignInResult } from './sign-in-types.js';
import { authorizationURL, createPendingLogin, scopeFor } from './start.js';
import type { PendingLoginInput } from './start.js';

/** The core's steps, as an adapter uses them. */
export interface SignInSteps {
  /** The resolved options. */
  readonly config: Readonly<ResolvedConfig>;
  /** The configured endpoints, for diagnostics. */
  readonly endpoints: StrategyEndpoints;
  /** The token endpoint client (posts to the discovered token endpoint when there is one). */
  readonly tokenClient: TokenEndpointClient;
  /** JWKS fetches made so far by the default key source. */
  readonly jwksFetchCount: number;
  /** The scopes of a login: the per-request ones, else the configured ones. */
  scopeFor(scope: string | readonly string[] | undefined, what: string): string[];
  /** A new pending login. */
  createPendingLogin(input: PendingLoginInput): PendingLogin;
  /** The authorize URL of a pending login. */
  authorizationURL(
    pending: PendingLogin,
    scope: readonly string[],
    state: string | undefined,
    params: Record<string, string>,
  ): Promise<string>;
  /** The callback without the profile. */
  redeem(
    input: CallbackInput,
    pending: PendingLogin,
    extraTokenParams: Record<string, string>,
    who: string,
  ): Promise<Omit<SignInResult, 'profile'>>;
  /** The Graph profile for an access token, merged with verified claims when given. */
  profile(accessToken: string, claims?: MicrosoftIdTokenClaims): Promise<MicrosoftProfile>;
  /** The profile from verified claims alone (no Graph call). */
  profileFromClaims(claims: MicrosoftIdTokenClaims): MicrosoftProfile;
  /** Redeems a refresh token. */
  refresh(refreshToken: string, options: RefreshOptions): Promise<TokenSet>;
  /** Microsoft's end-session URL. */
  logoutUrl(options: LogoutUrlOptions): string;
}

/** The steps of one resolved configuration. */
export function createSignInSteps(
  config: Readonly<ResolvedConfig>,
  explicit: ExplicitEndpoints,
  dependencies: SignInDependencies,
): SignInSteps {
  return new CoreSteps(createContext(config, explicit, dependencies));
}

class CoreSteps implements SignInSteps {
  readonly #ctx: SignInContext;

  constructor(ctx: SignInContext) {
    this.#ctx = ctx;
  }

  get config(): Readonly<ResolvedConfig> {
    return this.#ctx.config;
  }

  get endpoints(): StrategyEndpoints {
    return this.#ctx.endpoints.configured;
  }

  get tokenClient(): TokenEndpointClient {
    const ctx = this.#ctx;
    return {
      request: async (params, options = {}) =>
        ctx.tokens.request(params, {
          tokenURL: options.tokenURL ?? (await ctx.endpoints.of(undefined)).tokenURL,
        }),
    };
  }

  get jwksFetchCount(): number {
    const keys = this.#ctx.keys as { fetchCount?: unknown };
    return typeof keys.fetchCount === 'number' ? keys.fetchCount : 0;
  }

  scopeFor(scope: string | readonly string[] | undefined, what: string): string[] {
    return scopeFor(this.#ctx.config, scope, what);
  }

  createPendingLogin(input: PendingLoginInput): PendingLogin {
    return createPendingLogin(this.#ctx, input);
  }

  authorizationURL(
    pending: PendingLogin,
    scope: readonly string[],
    state: string | undefined,
    params: Record<string, string>,
  ): Promise<string> {
    return authorizationURL(this.#ctx, pending, scope, state, params);
  }

  redeem(
    input: CallbackInput,
    pending: PendingLogin,
    extraTokenParams: Record<string, string>,
    who: string,
  ): Promise<Omit<SignInResult, 'profile'>> {
    return redeem(this.#ctx, input, pending, extraTokenParams, who);
  }

  async profile(accessToken: string, claims?: MicrosoftIdTokenClaims): Promise<MicrosoftProfile> {
    const { config, graph } = this.#ctx;
    const photo = config.photo === false ? undefined : graph.photo(accessToken, config.photo);
    // If /me fails first, the photo's outcome no longer matters; never leave it unhandled.
    photo?.catch(() => undefined);
    const me = await graph.me(accessToken);
    bindGraphUser(me.user.id, claims);
    const photoURL = photo === undefined ? undefined : await photo;
    return graphUserProfile(config, me, claims, photoURL);
  }

  profileFromClaims(claims: MicrosoftIdTokenClaims): MicrosoftProfile {
    return claimsProfile(this.#ctx.config, claims);
  }

  refresh(refreshToken: string, options: RefreshOptions): Promise<TokenSet> {
    return refresh(this.#ctx, refreshToken, options);
  }

  logoutUrl(options: LogoutUrlOptions): string {
    // A customer authority's discovered end-session endpoint, once read (a login reads it).
    const url = new URL(this.#ctx.endpoints.logoutURL);
    if (options.postLogoutRedirectUri !== undefined)
      url.searchParams.set('post_logout_redirect_uri', options.postLogoutRedirectUri);
    if (options.logoutHint !== undefined) url.searchParams.set('logout_hint', options.logoutHint);
    if (options.state !== undefined) url.searchParams.set('state', options.state);
    return url.href;
  }
}
