/**
 * The public types of {@link MicrosoftSignIn}: its dependencies, per-login options and results.
 */
import type { GraphEndpointClient } from '../clients/graph.js';
import type { TokenEndpointClient } from '../clients/token.js';
import type { SigningKey } from '../tokens/jwks.js';
import type {
  MicrosoftAuthenticateOptions,
  MicrosoftIdTokenClaims,
  MicrosoftProfile,
  TokenResponseParams,
} from '../types.js';
import type { PendingLogin } from './pending-login.js';
import type { StepUpResult } from './step-up.js';

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
