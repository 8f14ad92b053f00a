/**
 * Public types of the Microsoft identity platform emulator.
 *
 * @packageDocumentation
 */

/** An app registration known to the emulator (a confidential web app). */
export interface EmulatorClient {
  /** Application (client) id, usually a GUID: the `clientID` you give the sign-in library. */
  clientID: string;
  /**
   * Client secret value accepted by the token endpoint (`client_secret_post` or
   * `client_secret_basic`). Optional when the app has `certificates` or `federatedCredentials`.
   */
  clientSecret?: string;
  /**
   * Certificates uploaded to the registration (PEM). The token endpoint accepts a
   * `client_assertion` JWT (RS256 or PS256) whose `x5t#S256` header names one of them and whose
   * signature verifies with its public key.
   */
  certificates?: string[];
  /** Federated credentials: external issuers whose assertions the token endpoint accepts. */
  federatedCredentials?: EmulatorFederatedCredential[];
  /**
   * Registered redirect URIs (Web platform). Matched exactly, except that for `http://localhost` and
   * `http://127.0.0.1` the port is ignored, as Microsoft does.
   */
  redirectUris: string[];
}

/** A federated identity credential of an app registration (workload identity federation). */
export interface EmulatorFederatedCredential {
  /** The external issuer (`iss` of its assertions), e.g. `https://token.actions.githubusercontent.com`. */
  issuer: string;
  /** The `sub` the assertion must carry, e.g. `repo:org/repo:ref:refs/heads/main`. */
  subject: string;
  /** The `aud` the assertion must carry. Default `api://AzureADTokenExchange`. */
  audience?: string;
  /** The issuer's public signing key (PEM, RSA). */
  publicKey: string;
}

/**
 * An app registration as {@link EmulatorOptions.clients} takes it: an {@link EmulatorClient}, or the
 * same with the application id under its old name `clientId` (deprecated, still accepted).
 */
export type EmulatorClientOptions =
  | EmulatorClient
  | (Omit<EmulatorClient, 'clientID'> & {
      /** @deprecated Renamed `clientID`, the spelling Passport strategies use. */
      clientId: string;
    });

/** A demo account that can sign in through the emulator's sign-in page. */
export interface EmulatorUser {
  /** Short handle used by the sign-in form and {@link completeLogin}, e.g. `'personal'`. */
  key: string;
  /** Account type: a personal Microsoft account, a work/school account, or a guest in a work tenant. */
  kind: 'personal' | 'work' | 'guest';
  /** Object id (`oid` claim). Personal accounts use the `00000000-0000-0000-xxxx-xxxxxxxxxxxx` shape. */
  oid: string;
  /** Tenant id (`tid` claim); `9188040d-6c67-4c5b-b112-36a304b66dad` for personal accounts. */
  tid: string;
  /** Graph `/me` `id`: 16 lowercase hex chars (CID) for personal accounts, the `oid` otherwise. */
  graphId: string;
  /** Display name (`name` claim, Graph `displayName`). */
  displayName: string;
  /** Graph `givenName`; `null` in Graph when absent. */
  givenName?: string;
  /** Graph `surname`; `null` in Graph when absent. */
  surname?: string;
  /** Graph `userPrincipalName`; may be `''` (personal account created with a non-Microsoft address). */
  userPrincipalName: string;
  /** Graph `mail`; `null` for most personal accounts. */
  mail: string | null;
  /** Value of the `email` ID-token claim when the `email` scope is requested; absent = no `email` claim. */
  email?: string;
  /** `preferred_username` claim, also what the sign-in page shows and `login_hint` matches. */
  preferredUsername: string;
  /** `idp` claim (guests: `'live.com'`). */
  idp?: string;
  /** Emits the `xms_edov` claim when defined. */
  emailDomainVerified?: boolean;
  /** Graph `jobTitle` (default `null`). */
  jobTitle?: string | null;
  /** Graph `preferredLanguage` (default `null`). */
  preferredLanguage?: string | null;
  /** Graph `businessPhones` (default `[]`). */
  businessPhones?: string[];
  /** Graph `mobilePhone` (default `null`). */
  mobilePhone?: string | null;
  /** Graph `officeLocation` (default `null`). */
  officeLocation?: string | null;
  /** Profile photo served by `/me/photo/$value`; `null`/absent = Graph answers 404 `ImageNotFound`. */
  photo?: {
    /** `image/png`, `image/jpeg`, ... */
    contentType: string;
    /** The image bytes. */
    data: Buffer;
  } | null;
}

/** Routes whose requests are counted and can carry faults. */
export type EmulatorRoute =
  'authorize' | 'token' | 'jwks' | 'discovery' | 'logout' | 'graph.me' | 'graph.photo';

/** Every {@link EmulatorRoute}, in a fixed order. */
export const EMULATOR_ROUTES: readonly EmulatorRoute[] = Object.freeze([
  'authorize',
  'token',
  'jwks',
  'discovery',
  'logout',
  'graph.me',
  'graph.photo',
] as const);

/**
 * A failure injected on one route with {@link Emulator.setFault}.
 *
 * - `latency`: wait `ms` milliseconds, then answer normally.
 * - `status`: answer `status` (e.g. 429, 500, 503) with a Microsoft-shaped (identity routes) or
 *   Graph-shaped (Graph routes) JSON error body, or `body` verbatim; `retryAfter` sets `Retry-After` (seconds).
 * - `html`: a `text/html` error page (status `status`, default 500) instead of JSON.
 * - `truncated`: headers announcing the full `Content-Length`, half of a JSON body, then the socket ends.
 * - `malformed-json`: 200 `application/json` whose body is not valid JSON.
 * - `reset`: headers and part of the body, then a TCP reset (`ECONNRESET` on the client).
 * - `hang`: never answers (or answers normally after `ms`); does not keep {@link Emulator.close} waiting.
 * - `huge`: 200 with a valid JSON body of `bytes` bytes (default 1.5 MiB).
 */
export type EmulatorFault =
  | {
      /** Wait, then answer normally. */
      type: 'latency';
      /** Milliseconds to wait. */
      ms: number;
    }
  | {
      /** Answer with an error status. */
      type: 'status';
      /** HTTP status, e.g. 429, 500, 503. */
      status: number;
      /** `Retry-After` header, in seconds. */
      retryAfter?: number;
      /** Body sent verbatim instead of a Microsoft- or Graph-shaped JSON error. */
      body?: string;
    }
  | {
      /** Answer with a `text/html` error page. */
      type: 'html';
      /** HTTP status; default 500. */
      status?: number;
    }
  | {
      /** Send half of a JSON body, then end the socket. */
      type: 'truncated';
    }
  | {
      /** Answer 200 `application/json` with a body that is not JSON. */
      type: 'malformed-json';
    }
  | {
      /** Send part of the response, then reset the connection. */
      type: 'reset';
    }
  | {
      /** Never answer, or answer normally after `ms`. */
      type: 'hang';
      /** Milliseconds before answering normally; default: never. */
      ms?: number;
    }
  | {
      /** Answer 200 with a valid JSON body of `bytes` bytes. */
      type: 'huge';
      /** Body size; default 1.5 MiB. */
      bytes?: number;
    };

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port; default `0` (a free port). */
  port?: number;
  /** Interface to listen on; default `'127.0.0.1'`. */
  host?: string;
  /** App registrations; default `[DEFAULT_CLIENT]`. */
  clients?: EmulatorClientOptions[];
  /** Accounts offered on the sign-in page; default `DEMO_USERS`. */
  users?: EmulatorUser[];
  /** Latency added to every response (to emulate the network in benchmarks); default `0`. */
  latencyMs?: number;
  /** Authorization-code lifetime in seconds; default `600`. */
  codeLifetimeSeconds?: number;
  /** Access-token lifetime in seconds (`expires_in`); default `3599`. */
  accessTokenLifetimeSeconds?: number;
  /** Request log (one line per request: method, path without query, route, status, duration). Never contains tokens or secrets. Default: no log. */
  log?: (line: string) => void;
}

/** Options of {@link Emulator.signIdToken}. */
export interface SignIdTokenOptions {
  /** Key id to sign with; default: the active key of `key`. A kid unknown to the emulator signs with that key but puts this kid in the header. */
  kid?: string;
  /** JWS algorithm; default `'RS256'`. `RS*`/`PS*` sign with the RSA key, `HS*` with the public key PEM as HMAC secret (algorithm-confusion forgery), `'none'` yields an unsecured token. */
  alg?: string;
  /** Extra/overriding protected-header members (applied last, so they may lie about `alg`/`kid`). */
  header?: Record<string, unknown>;
  /** Which key family signs when `kid` is not given: `'common'` (active templated key, default) or `'consumer'`. */
  key?: 'consumer' | 'common';
}

/** A running emulator. */
export interface Emulator {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Authority URL `${url}/${tenant}`; `tenant` defaults to `'common'`. */
  authority(tenant?: string): string;
  /**
   * Authority of the emulator's Entra External ID (customer) tenant,
   * `${url}/ciam/fabrikamcustomers.onmicrosoft.com`. Its tokens' issuer is
   * `http://<tid>.ciamlogin.localhost:<port>/<tid>/v2.0`, read from its discovery document.
   */
  externalIdAuthority(): string;
  /**
   * Authority of the emulator's Azure AD B2C tenant with a user flow (default
   * `B2C_1_signupsignin`), `${url}/b2c/fabrikamb2c.onmicrosoft.com/<policy>`. Its tokens' issuer is
   * `http://b2clogin.localhost:<port>/<tid>/v2.0/`.
   */
  b2cAuthority(policy?: string): string;
  /** Graph base URL `${url}/v1.0`. */
  readonly graphBaseURL: string;
  /** The accounts offered by the sign-in page. */
  readonly users: readonly EmulatorUser[];
  /** The registered clients, each with its id as `clientID` (also those given as `clientId`). */
  readonly clients: readonly EmulatorClient[];
  /** The issuer of tokens for tenant `tid`: `${url}/${tid}/v2.0`. */
  issuer(tid: string): string;
  /** Sets (or with `null` clears) the fault of a route; `opts.times` limits it to the next N requests. */
  setFault(route: EmulatorRoute, fault: EmulatorFault | null, opts?: { times?: number }): void;
  /** Clears every fault. */
  clearFaults(): void;
  /** Sets the latency added to every response (milliseconds). */
  setLatency(ms: number): void;
  /** Requests received on `route` since start/reset; without argument, all requests (unknown paths included). */
  requests(route?: EmulatorRoute): number;
  /** Requests per route since start/reset. */
  requestCounts(): Record<EmulatorRoute, number>;
  /** Resets request and connection counters. */
  resetCounts(): void;
  /** TCP connections accepted since start/reset. */
  connections(): number;
  /** Adds a new templated-issuer signing key, makes it the active signer for non-personal tokens and returns its kid; `dropOld` removes the previous templated keys from the JWKS. */
  rotateKeys(opts?: { dropOld?: boolean }): Promise<string>;
  /** Signs arbitrary claims with an emulator key (default RS256, active templated key) to forge or alter tokens in tests. */
  signIdToken(claims: Record<string, unknown>, opts?: SignIdTokenOptions): Promise<string>;
  /** The public JWKS served at `/common/discovery/v2.0/keys`. */
  jwks(): {
    /** The public keys (JWK members plus Microsoft's `issuer`). */
    keys: Array<Record<string, unknown>>;
  };
  /** Closes the server and destroys every open socket (keep-alive, hung faults). */
  close(): Promise<void>;
}

/** Result of {@link completeLogin}. */
export type CompleteLoginResult =
  | {
      /** Microsoft redirected the browser (`response_mode=query`, also error redirects). */
      kind: 'redirect';
      /** The redirect URI with `code` and `state` (or `error`) in the query. */
      location: string;
    }
  | {
      /** Microsoft answered with an auto-submitted form (`response_mode=form_post`). */
      kind: 'form_post';
      /** Where the form posts to: the redirect URI. */
      action: string;
      /** The form fields: `code` and `state`, or `error` and `error_description`. */
      fields: Record<string, string>;
    }
  | {
      /** Microsoft showed an error page and did not redirect (e.g. AADSTS50011). */
      kind: 'error_page';
      /** HTTP status of the page. */
      status: number;
      /** The AADSTS number shown, or `0`. */
      code: number;
      /** The page. */
      html: string;
    };
