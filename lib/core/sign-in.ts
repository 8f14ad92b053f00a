/**
 * `MicrosoftSignIn`: the whole sign-in protocol with the Microsoft identity platform v2.0, with
 * no framework in it. It builds the authorize URL and the pending login, redeems the callback
 * (state, PKCE, code exchange, verified ID token with nonce, tenant rules, profile), refreshes
 * tokens and builds the logout URL. Any framework's route handlers can use it directly; the steps
 * it is made of are in steps.ts.
 */
import type { SignInOptions } from '../config/options.js';
import type { LogoutUrlOptions, TokenSet } from '../types.js';
import { authorizeParams } from './authorize.js';
import type { CallbackInput } from './callback.js';
import type { PendingLogin } from './pending-login.js';
import { randomValue } from './pkce.js';
import { resolveConfig } from './settings.js';
import type { ResolvedConfig } from './settings.js';
import { coreWarnings } from './settings.js';
import type {
  AuthorizationRequest,
  AuthorizationRequestOptions,
  CallbackOptions,
  RefreshOptions,
  SignInDependencies,
  SignInResult,
} from './sign-in-types.js';
import { createSignInSteps } from './steps.js';
import type { SignInSteps } from './steps.js';
import { stepUpRequestOf } from './step-up.js';

const START = 'MicrosoftSignIn.authorizationRequest';

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
  readonly #steps: SignInSteps;

  /**
   * @param options - see {@link SignInOptions}; `clientID`, `callbackURL` and one credential (`clientSecret`, `clientCertificate` or `clientAssertion`) are required.
   * @param dependencies - the clients to use instead of the real ones (tests).
   * @throws TypeError naming the option when an option is missing or invalid.
   */
  constructor(options: SignInOptions, dependencies: SignInDependencies = {}) {
    const config = resolveConfig(options);
    for (const warning of coreWarnings(config)) config.logger.warn(warning);
    const explicit = { authorizationURL: options.authorizationURL, tokenURL: options.tokenURL };
    this.#steps = createSignInSteps(config, explicit, dependencies);
    this.config = config;
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
        `${START} needs an absolute redirect URI; got "${redirectURI}" (pass redirectURI or an absolute callbackURL)`,
      );
    }
    const steps = this.#steps;
    const scope = steps.scopeFor(options.scope, `${START} option scope`);
    const params = authorizeParams(options, START);
    const pendingLogin = steps.createPendingLogin({
      redirectURI,
      scope,
      keep: true,
      appState: options.appState,
      stepUp: stepUpRequestOf(options),
      tenant: options.tenant,
      who: START,
    });
    pendingLogin.state = options.state ?? randomValue();
    const url = await steps.authorizationURL(pendingLogin, scope, pendingLogin.state, params);
    return { url, pendingLogin };
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
    const steps = this.#steps;
    const result: SignInResult = await steps.redeem(
      input,
      pendingLogin,
      options.tokenParams ?? {},
      'MicrosoftSignIn.callback',
    );
    const { tokens, claims } = result;
    if (this.config.profileSource === 'graph' && options.skipGraph !== true)
      result.profile = await steps.profile(tokens.access_token, claims);
    else if (claims !== undefined) result.profile = steps.profileFromClaims(claims);
    return result;
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
  refresh(refreshToken: string, options: RefreshOptions = {}): Promise<TokenSet> {
    return this.#steps.refresh(refreshToken, options);
  }

  /**
   * Microsoft's end-session URL for the configured authority and cloud. Redirect the browser there
   * after ending the app's own session.
   *
   * @example
   * ```ts
   * import type { Response } from 'express';
   * import type { MicrosoftSignIn } from 'passport-microsoft-account';
   * declare const signIn: MicrosoftSignIn;
   * declare const res: Response;
   *
   * res.redirect(signIn.logoutUrl({ postLogoutRedirectUri: 'https://app.example.com/' }));
   * ```
   */
  logoutUrl(options: LogoutUrlOptions = {}): string {
    return this.#steps.logoutUrl(options);
  }
}
