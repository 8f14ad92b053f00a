/**
 * Public types: the normalized profile, ID-token claims, options and verify callbacks.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { MicrosoftLogger } from './log.js';
import type { KeyObject } from 'node:crypto';

declare global {
  // Merges with the `Express.Request` interface that @types/express and @types/passport declare, so
  // `req.user`, `req.session`, `req.logIn` … are typed when those packages are present.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Request {}
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User {}
  }
}

/** The incoming request as the strategy reads it (an Express/Connect request fits). */
export type MicrosoftRequest = IncomingMessage &
  Express.Request & {
    /** Parsed query string (Express `req.query`); the callback reads `code`, `state` and `error` from it. */
    query?: unknown;
    /** Parsed body (Express `req.body`); a `form_post` callback carries `code`, `state` and `error` here. */
    body?: unknown;
    /** The session (express-session `req.session`); the default state store keeps pending logins in it. */
    session?: unknown;
  };

/**
 * Personal Microsoft account (Outlook.com, Hotmail, Xbox, Skype), work/school Entra ID account, or
 * a customer account of an External ID or Azure AD B2C authority.
 */
export type AccountType = 'personal' | 'work' | 'customer';

/** One email address of a {@link MicrosoftProfile}. */
export interface MicrosoftEmail {
  /** The address. */
  value: string;
  /** `home` for personal accounts, `work` for work/school accounts. */
  type: 'home' | 'work';
  /** True only where Microsoft vouches for the address (see docs/profile.md). */
  verified: boolean;
}

/** Claims of a verified Microsoft identity platform v2.0 ID token. */
export interface MicrosoftIdTokenClaims {
  /** Issuer, `https://login.microsoftonline.com/<tid>/v2.0`. */
  iss: string;
  /** Pairwise subject: unique per user and application. */
  sub: string;
  /** The application's client id. */
  aud: string;
  /** Expiry, seconds since the epoch; checked with `clockTolerance`. */
  exp: number;
  /** Issued at, seconds since the epoch; checked with `clockTolerance`. */
  iat: number;
  /** Not before, seconds since the epoch; checked with `clockTolerance`. */
  nbf?: number;
  /** Token version, `2.0`. */
  ver?: string;
  /** Tenant id; `9188040d-6c67-4c5b-b112-36a304b66dad` for personal accounts. */
  tid: string;
  /** Object id, stable across applications (needs the `profile` scope). */
  oid?: string;
  /** Display name (needs `profile`). */
  name?: string;
  /** Sign-in name, mutable, for display (needs `profile`). */
  preferred_username?: string;
  /** Email address (needs `email`); not guaranteed verified for work accounts. */
  email?: string;
  /** First name (optional claim). */
  given_name?: string;
  /** Last name (optional claim). */
  family_name?: string;
  /** Echo of the nonce sent with the authorization request; checked by the strategy. */
  nonce?: string;
  /** Identity provider when it differs from the issuer (guests). */
  idp?: string;
  /** Email domain owner verified (optional claim); `true`, or the strings `"1"`/`"true"`, count as verified. */
  xms_edov?: boolean | string;
  /** When the user authenticated, seconds since the epoch (sent only when configured as an optional claim). */
  auth_time?: number;
  /** Authentication context class references satisfied (Conditional Access authentication contexts). */
  acrs?: string[];
  /** Opaque hint for `login_hint`/`logout_hint` (optional claim). */
  login_hint?: string;
  /** Session id (optional claim). */
  sid?: string;
  /** Any other claim. */
  [claim: string]: unknown;
}

/**
 * The one profile shape this strategy hands to the verify callback: Passport's common profile plus
 * Microsoft's stable ids. Optional fields are absent (never `undefined` strings or `null`) when
 * Microsoft did not provide them.
 */
export interface MicrosoftProfile {
  /** Always `microsoft`. */
  provider: 'microsoft';
  /** Object id (`oid`), stable across applications; see docs/profile.md for the fallbacks. */
  id: string;
  /** Name for display; empty string only when Microsoft sent no name at all. */
  displayName: string;
  /** Name parts; present when at least one part is known. */
  name?: {
    /** First name. */
    givenName?: string;
    /** Last name. */
    familyName?: string;
  };
  /** `preferred_username` claim, else the Graph `userPrincipalName`. */
  username?: string;
  /** Addresses, unique case-insensitively, best first. */
  emails?: MicrosoftEmail[];
  /** The Graph photo as a `data:` URL (with the `photo` option). */
  photos?: Array<{
    /** `data:<content-type>;base64,...` */
    value: string;
  }>;
  /** Object id (`oid` claim). */
  objectId?: string;
  /** Tenant id (`tid` claim); key users on `(tenantId, id)`. */
  tenantId?: string;
  /** `personal` for the consumer tenant, else `work`. */
  accountType?: AccountType;
  /** Graph `/me` `id`: for personal accounts the 16-hex-digit id Live Connect and passport-microsoft used. */
  graphId?: string;
  /** Graph `userPrincipalName` (kept for passport-microsoft compatibility). */
  userPrincipalName?: string;
  /** `idp` claim: the identity provider that authenticated the user, when it is not the issuer (guests). */
  idp?: string;
  /**
   * True for a work/school account signed in as a guest: its `idp` (or the tenant in `iss`) is not
   * the token's tenant `tid`, or its UPN carries `#EXT#`. False for other work accounts; absent for
   * personal accounts and without claims.
   */
  isGuest?: boolean;
  /** Graph `jobTitle`. */
  jobTitle?: string;
  /** Graph `mobilePhone`. */
  mobilePhone?: string;
  /** Graph `businessPhones` (non-empty strings only; absent when there are none). */
  businessPhones?: string[];
  /** Graph `officeLocation`. */
  officeLocation?: string;
  /** Graph `preferredLanguage`, e.g. `en-US`. */
  preferredLanguage?: string;
  /** The verified ID-token claims, when an ID token was returned. */
  idTokenClaims?: MicrosoftIdTokenClaims;
  /** The Graph response text (`graph` source) or the claims as JSON (`id_token` source). */
  _raw: string;
  /** The parsed Graph body (`graph` source) or the claims (`id_token` source). */
  _json: Record<string, unknown>;
}

/** The token endpoint's response as passed to a 5- or 6-argument verify callback. */
export interface TokenResponseParams {
  /** `Bearer`. */
  token_type?: string;
  /** The scopes granted, space-separated. */
  scope?: string;
  /** Seconds until the access token expires. */
  expires_in?: number;
  /** Microsoft's extended lifetime of the access token, in seconds. */
  ext_expires_in?: number;
  /** Access token for the resource (Microsoft Graph by default); opaque to the app. */
  access_token: string;
  /** Refresh token; present when the `offline_access` scope was requested. */
  refresh_token?: string;
  /** ID token (a JWT); present when the `openid` scope was requested. Already verified when the verify callback runs. */
  id_token?: string;
  [field: string]: unknown;
}

/** Options of {@link Strategy.logoutUrl} and {@link MicrosoftSignIn.logoutUrl}. */
export interface LogoutUrlOptions {
  /** Where Microsoft sends the browser after signing out; must be a registered redirect URI. */
  postLogoutRedirectUri?: string;
  /** The `login_hint` claim of the user, to skip Microsoft's account picker. */
  logoutHint?: string;
  /** Handed back on the post-logout redirect. */
  state?: string;
}

/** The result of {@link Strategy.refresh}. */
export interface TokenSet {
  /** The new access token. */
  accessToken: string;
  /** A new refresh token, when Microsoft returned one; keep it in place of the old one. */
  refreshToken?: string;
  /** The new ID token (a JWT), when one came back. */
  idToken?: string;
  /** Seconds until the access token expires. */
  expiresIn?: number;
  /** The scopes granted, space-separated. */
  scope?: string;
  /** `Bearer`. */
  tokenType?: string;
  /** Verified ID-token claims when an ID token came back. */
  claims?: MicrosoftIdTokenClaims;
}

/** Passport's verified callback. */
export type VerifyCallback = (
  err?: unknown,
  user?: Express.User | false | null,
  info?: object,
) => void;

// Method signatures keep parameters bivariant, so a verify annotated with a framework's own request
// type (e.g. `express.Request`) is accepted.
interface VerifyMethods {
  verify(
    accessToken: string,
    refreshToken: string | undefined,
    profile: MicrosoftProfile,
    done: VerifyCallback,
  ): void;
  verifyWithParams(
    accessToken: string,
    refreshToken: string | undefined,
    params: TokenResponseParams,
    profile: MicrosoftProfile,
    done: VerifyCallback,
  ): void;
  verifyWithRequest(
    req: MicrosoftRequest,
    accessToken: string,
    refreshToken: string | undefined,
    profile: MicrosoftProfile,
    done: VerifyCallback,
  ): void;
  verifyWithRequestAndParams(
    req: MicrosoftRequest,
    accessToken: string,
    refreshToken: string | undefined,
    params: TokenResponseParams,
    profile: MicrosoftProfile,
    done: VerifyCallback,
  ): void;
}

/** Verify callback `(accessToken, refreshToken, profile, done)`. */
export type VerifyFunctionNoParams = VerifyMethods['verify'];
/** Verify callback `(accessToken, refreshToken, params, profile, done)`; `params` is the token response. */
export type VerifyFunctionWithParams = VerifyMethods['verifyWithParams'];
/** Verify callback `(req, accessToken, refreshToken, profile, done)` for `passReqToCallback: true`. */
export type VerifyFunctionWithRequestNoParams = VerifyMethods['verifyWithRequest'];
/** Verify callback `(req, accessToken, refreshToken, params, profile, done)` for `passReqToCallback: true`. */
export type VerifyFunctionWithRequestAndParams = VerifyMethods['verifyWithRequestAndParams'];

/** Verify callback without the request: `(accessToken, refreshToken, [params,] profile, done)`. */
export type VerifyFunction = VerifyFunctionNoParams | VerifyFunctionWithParams;

/** Verify callback with `passReqToCallback: true`: `(req, accessToken, refreshToken, [params,] profile, done)`. */
export type VerifyFunctionWithRequest =
  VerifyFunctionWithRequestNoParams | VerifyFunctionWithRequestAndParams;

/** National clouds: each moves the login host, the issuer host and the Graph host together. */
export type MicrosoftCloud = 'global' | 'usgov' | 'usgov-dod' | 'china';

/** `common`, `organizations`, `consumers`, a tenant GUID, or a verified domain. */
export type MicrosoftTenant = 'common' | 'organizations' | 'consumers' | (string & {});

/** A tenant allow-list: ids, or a function deciding per sign-in. */
export type AllowedTenants =
  | readonly string[]
  | ((tenantId: string, claims: MicrosoftIdTokenClaims) => boolean | Promise<boolean>);

/** A state store (passport-oauth2's PKCE-aware store interface). */
export interface StateStore {
  /** Saves a pending login and calls back with its handle, which is sent to Microsoft as `state`. */
  store(
    req: MicrosoftRequest,
    verifier: string | undefined,
    state: unknown,
    meta: StateStoreMeta,
    callback: (err: Error | null, handle?: string) => void,
  ): void;
  /** Looks up and consumes the pending login for `handle`; calls back with `ok` (the PKCE verifier, or `true`) and the saved `state`, or `ok` = `false` and `{ message }`. */
  verify(
    req: MicrosoftRequest,
    handle: string,
    meta: StateStoreMeta,
    callback: (err: Error | null, ok?: string | boolean, state?: unknown) => void,
  ): void;
  /**
   * Optional: reads and deletes the pending login for `handle` in one atomic step, so of several
   * concurrent callbacks with the same `state` exactly one gets it (Redis `GETDEL`, SQL
   * `DELETE … RETURNING`). Resolves with what `verify` would call back. The strategy uses it
   * instead of `verify` when present.
   */
  take?(req: MicrosoftRequest, handle: string, meta: StateStoreMeta): Promise<StateTakeResult>;
}

/** What {@link StateStore.take} resolves with: the arguments `verify` would call back with. */
export interface StateTakeResult {
  /** The PKCE verifier, `true` (found, no verifier) or `false` (no such pending login). */
  ok: string | boolean;
  /** The saved state, or `{ message }` when `ok` is `false`. */
  state?: unknown;
}

/** Request metadata handed to a {@link StateStore}. */
export interface StateStoreMeta {
  /** The authorize endpoint. */
  authorizationURL: string;
  /** The token endpoint. */
  tokenURL: string;
  /** The application (client) ID. */
  clientID: string;
  /** The redirect URI of this login. */
  callbackURL: string | undefined;
}

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

/** `prompt` values Microsoft accepts. */
export type MicrosoftPrompt = 'login' | 'none' | 'consent' | 'select_account';

/** Per-request options of `passport.authenticate('microsoft', { … })`. */
export interface MicrosoftAuthenticateOptions {
  /**
   * Sign in to this tenant (GUID or domain such as `contoso.onmicrosoft.com`) for this login; only
   * with a multi-tenant authority (`common`, `organizations`). The authorize and token endpoints
   * and the expected issuer follow it; the callback uses the tenant kept with the pending login.
   * Default: the configured authority.
   */
  tenant?: string;
  /**
   * `login`, `none`, `consent` or `select_account` (not together with a login hint). With `none`
   * (silent sign-in), Microsoft's `login_required`, `interaction_required`, `consent_required` and
   * `account_selection_required` answers are a 401 failure whose `reason` is the code. With `login`
   * the callback requires an `auth_time` from this login.
   */
  prompt?: MicrosoftPrompt;
  /** Pre-fills the username. */
  loginHint?: string;
  /** Alias of `loginHint`. */
  login_hint?: string;
  /** Skips home-realm discovery: `consumers`, `organizations` or a tenant. */
  domainHint?: string;
  /** Alias of `domainHint`. */
  domain_hint?: string;
  /** `query` (default) or `form_post`. */
  responseMode?: 'query' | 'form_post';
  /** Alias of `responseMode`. */
  response_mode?: 'query' | 'form_post';
  /**
   * Maximum authentication age in seconds, sent as `max_age`. The callback then requires the ID
   * token's `auth_time` (an optional claim to add in the app registration) within it.
   */
  maxAge?: number;
  /**
   * A claims request (a JSON object as a string), sent as `claims`: the claims challenge of a
   * {@link MicrosoftTokenError} (`err.claims`) or an authentication context such as
   * `{"id_token":{"acrs":{"essential":true,"value":"c1"}}}`, whose `acrs` the callback then requires.
   */
  claims?: string;
  /** Authentication context class references, sent as `acr_values` (space-separated). */
  acrValues?: string | readonly string[];
  /** Language of Microsoft's sign-in pages, e.g. `'fr-FR'`; sent as `mkt` and as `ui_locales`. */
  locale?: string;
  /** Display hint, sent as `display`. */
  display?: string;
  /** Scopes for this request, replacing the configured ones. */
  scope?: string | readonly string[];
  /** Application state kept across the round trip and handed back in `info.state`. */
  state?: unknown;
  /** Callback URL for this request. */
  callbackURL?: string;
}

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
 * The `reason` of the 403 fail info when a callback finds no pending login (a state failure):
 * - `state_missing`: the callback carries no `state`;
 * - `cookie_missing`: the browser sent back no cookie (the session cookie, or `CookieStateStore`'s
 *   cookie): `SameSite` with `form_post`, a `Secure` cookie over http, another host name;
 * - `expired`: the pending login is older than its lifetime (10 minutes by default);
 * - `no_pending_login`: none matches the `state`: already used (a replayed callback), started in
 *   another browser or session, or forged.
 */
export type StateFailureReason =
  'state_missing' | 'cookie_missing' | 'expired' | 'no_pending_login';

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

declare module 'passport' {
  /**
   * `passport.authenticate('microsoft', { … })` accepts this strategy's per-request options
   * (`prompt` and `scope` are already declared by Passport's own types).
   */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AuthenticateOptions extends Omit<
    MicrosoftAuthenticateOptions,
    'prompt' | 'state' | 'scope'
  > {}
}

/**
 * A certificate registered on the app (Certificates & secrets): its private key and the SHA-256
 * thumbprint of the certificate, or the certificate itself to compute it from.
 */
export interface ClientCertificate {
  /** RSA private key: a PEM string (PKCS#8 or PKCS#1) or a `KeyObject`. */
  privateKey: string | KeyObject;
  /** SHA-256 thumbprint of the certificate, hex (colons allowed) or base64url. Give this or `certificate`. */
  thumbprintSha256?: string;
  /** The certificate as PEM; its SHA-256 thumbprint is computed with `X509Certificate`. */
  certificate?: string;
  /** Signature algorithm of the assertion. Default `'PS256'`. */
  algorithm?: 'RS256' | 'PS256';
}

/** A federated assertion, with the time (ms since the epoch, or a Date) it stops being valid. */
export interface ClientAssertionWithExpiry {
  /** The JWT to send as `client_assertion`. */
  assertion: string;
  /** When the assertion expires; it is reused until a minute before. */
  expiresAt: number | Date;
}

/**
 * Returns the federated assertion for a token request: a JWT string (asked for again on every
 * token request) or `{ assertion, expiresAt }` (reused until shortly before `expiresAt`). It is
 * given the token endpoint, the assertion's intended audience.
 */
export type ClientAssertionCallback = (context: {
  tokenURL: string;
}) => string | ClientAssertionWithExpiry | Promise<string | ClientAssertionWithExpiry>;
