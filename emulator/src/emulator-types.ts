/**
 * Public types of the Microsoft identity platform emulator.
 *
 * @packageDocumentation
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { KeyObject } from 'node:crypto';

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
  /**
   * The app's display name, which the account picker shows ("to continue to …") as Microsoft shows
   * the registered name. Default `'Sample app'`.
   */
  name?: string;
  /**
   * The API this registration exposes ("Expose an API"): code and refresh grants with
   * `scope=<Application ID URI>/<scope>` and client credentials with `<Application ID URI>/.default`
   * get access tokens for it (JWTs signed with the tenant's keys).
   */
  api?: EmulatorApi;
  /**
   * Application permissions granted to this client (a daemon), by the Application ID URI of the
   * API that defines them: `{ 'api://<id>': ['Tasks.Read.All'] }`. They become the `roles` of its
   * client-credentials tokens.
   */
  appRoles?: Record<string, string[]>;
  /**
   * A public client (mobile/desktop, "Allow public client flows"): it redeems codes and refresh
   * tokens with no credential and may not send one (AADSTS700025). Default `false`.
   */
  publicClient?: boolean;
}

/** An API exposed by an app registration. */
export interface EmulatorApi {
  /** Application ID URI, the `aud` of v1 tokens requested with it. Default `api://<clientID>`. */
  applicationIdUri?: string;
  /** Delegated permissions (scope names such as `'Tasks.Read'`), the `scp` of user tokens. Default none. */
  scopes?: string[];
  /** App roles (values such as `'Tasks.Read.All'`) that daemons can be granted. Default none. */
  appRoles?: string[];
  /**
   * Access-token version the API accepts (`accessTokenAcceptedVersion` of a manifest): `1`
   * (`ver` "1.0", issuer `<origin>/<tid>/`, `appid`, `upn`) or `2` (`ver` "2.0", issuer
   * `<origin>/<tid>/v2.0`, `azp`, `preferred_username`). Default `2`. Personal accounts always get
   * v2 tokens (Microsoft requires version 2 of APIs that accept them).
   */
  accessTokenVersion?: 1 | 2;
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
  | 'authorize'
  | 'token'
  | 'jwks'
  | 'discovery'
  | 'logout'
  | 'graph.me'
  | 'graph.photo'
  | 'devicecode';

/** Every {@link EmulatorRoute}, in a fixed order. */
export const EMULATOR_ROUTES: readonly EmulatorRoute[] = Object.freeze([
  'authorize',
  'token',
  'jwks',
  'discovery',
  'logout',
  'graph.me',
  'graph.photo',
  'devicecode',
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
 * - `respond`: exactly the response described: `status` (default 200), `headers`, and `json`
 *   (serialized, `application/json; charset=utf-8` unless `headers` name a content type) or `body`
 *   (sent as is: malformed JSON, HTML, an image, a huge text; no content type unless `headers` give one).
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
    }
  | EmulatorResponse;

/**
 * A response spelled out in full, the {@link EmulatorFault} `respond`: what a test wants a route to
 * answer instead of the emulator's own answer (a canned token response, an odd Graph body, a
 * malformed or huge body, an error page).
 */
export interface EmulatorResponse {
  /** Answer with exactly this response. */
  type: 'respond';
  /** HTTP status; default 200. */
  status?: number;
  /** Response headers. `Content-Length` is set from the body unless given here. */
  headers?: Record<string, string>;
  /** A value sent as JSON (`application/json; charset=utf-8` unless `headers` name a content type). */
  json?: unknown;
  /** A body sent byte for byte when `json` is not given (default empty); no content type unless `headers` give one. */
  body?: string | Buffer;
}

/**
 * A fault chosen per request: called with the request (its body already read and logged) before the
 * route answers, it returns the fault for this request, or `undefined` to let the route answer
 * normally. It may return a promise: the request waits for it (not past {@link Emulator.close}).
 */
export type EmulatorFaultFunction = (
  request: EmulatorRequest,
) => EmulatorFault | undefined | Promise<EmulatorFault | undefined>;

/** One request the emulator received, as {@link Emulator.requestLog} lists it. */
export interface EmulatorRequest {
  /** HTTP method, e.g. `'POST'`. */
  method: string;
  /** Path and query as sent, e.g. `'/common/oauth2/v2.0/authorize?client_id=…'`. */
  url: string;
  /** Path without the query, e.g. `'/common/oauth2/v2.0/token'`. */
  path: string;
  /** The query parameters. */
  query: URLSearchParams;
  /** Request headers (lower-case names), as Node.js parses them. */
  headers: IncomingHttpHeaders;
  /** The body as UTF-8 text (`''` when there is none). */
  body: string;
  /** The body parsed as `application/x-www-form-urlencoded` (the token request's parameters). */
  form: URLSearchParams;
  /** The {@link EmulatorRoute} the path belongs to, or `null` for a path outside them. */
  route: EmulatorRoute | null;
}

/**
 * What the token endpoint answers to a grant registered with {@link Emulator.setTokenAnswer}:
 * `body` as JSON with `status` (default 200).
 */
export interface EmulatorTokenAnswer {
  /** HTTP status; default 200. */
  status?: number;
  /** The JSON body, e.g. `{ token_type, access_token, id_token, … }` or `{ error, error_description }`. */
  body: unknown;
}

/**
 * A work tenant known to the emulator, besides those of its users: its tenant id and verified
 * domains become valid `{tenant}` path segments (authority, discovery, JWKS, token endpoint).
 */
export interface EmulatorTenant {
  /** Tenant id (a GUID); the `tid` of its accounts. */
  tenantId: string;
  /** Verified domains, usable as `{tenant}` in URLs instead of the id (e.g. `'fabrikam.example'`). */
  domains?: string[];
}

/**
 * A public RSA key as the emulator publishes it in a JWKS document: Microsoft's shape (`kty`, `use`,
 * `kid`, `x5t`, `n`, `e`, `x5c` and the non-standard `issuer`, no `alg`). Any other member is published too.
 */
export interface EmulatorJwk {
  /** Key type, `'RSA'`. */
  kty: string;
  /** `'sig'`. */
  use?: string;
  /** Key id. */
  kid?: string;
  /** Base64url SHA-1 thumbprint of the `x5c` certificate; the `kid` too unless one was given. */
  x5t?: string;
  /** Modulus (base64url). */
  n?: string;
  /** Exponent (base64url). */
  e?: string;
  /** The key's self-signed certificate (base64 DER), as Microsoft publishes one per key. */
  x5c?: string[];
  /** Microsoft's per-key issuer (`…/{tenantid}/v2.0` or one tenant's issuer); absent when left out. */
  issuer?: string;
  /** Any other member. */
  [member: string]: unknown;
}

/**
 * A signing key of the emulator: its key pair and the JWK its key set publishes. Made by
 * {@link Emulator.createSigningKey}; listed by {@link Emulator.signingKeys}.
 */
export interface EmulatorSigningKey {
  /** Key id: the `kid` of tokens it signs. */
  readonly kid: string;
  /** The RSA private key (Node.js `KeyObject`; `jose` and `node:crypto` sign with it). */
  readonly privateKey: KeyObject;
  /** The RSA public key. */
  readonly publicKey: KeyObject;
  /** The JWK published for it (the key set publishes this object's members as they are). */
  readonly jwk: EmulatorJwk;
}

/** Options of {@link Emulator.createSigningKey}. */
export interface CreateSigningKeyOptions {
  /** The JWK's `issuer` member; default the templated issuer `${url}/{tenantid}/v2.0`; `null` leaves it out. */
  issuer?: string | null;
  /** Key id; default the JWK's `x5t`, the base64url SHA-1 thumbprint of the key's certificate, as Microsoft's are. */
  kid?: string;
}

/** Options of {@link Emulator.publishKey}. */
export interface PublishKeyOptions {
  /**
   * The tenant paths whose JWKS lists the key: `'common'`, `'organizations'`, `'consumers'` or tenant
   * ids (a domain path serves its tenant's keys). Default: every tenant path.
   */
  tenants?: readonly string[];
}

/**
 * HTTPS settings of {@link EmulatorOptions.https}: where the local certificate authority is kept,
 * or a certificate and key of your own.
 */
export interface EmulatorHttpsOptions {
  /**
   * Folder of the local certificate authority (`ca.pem`, and `ca-key.pem` readable by the owner
   * only), created on first use and reused by later runs. Default: `microsoft-identity-emulator`
   * in the OS cache folder (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS,
   * `%LOCALAPPDATA%` on Windows).
   */
  caDirectory?: string;
  /** A TLS server certificate of your own (PEM, chain included) instead of one from the local CA; with `key`. */
  certificate?: string;
  /** The private key (PEM) of `certificate`. */
  key?: string;
  /** The CA certificate (PEM) that issued `certificate`, reported as {@link Emulator.caCertificate}. */
  caCertificate?: string;
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /**
   * Serve HTTPS (CLI `--https`): `true` for a server certificate for `localhost`, `127.0.0.1`,
   * `::1` (and the names of `publicOrigin` and `allowedHosts`) issued by a local certificate
   * authority kept in a folder and reused across runs; or {@link EmulatorHttpsOptions}. Clients
   * trust it through `NODE_EXTRA_CA_CERTS={@link Emulator.caCertificatePath}` (read by Node.js at
   * start only) or their own CA option with {@link Emulator.caCertificate}. Default `false`.
   */
  https?: boolean | EmulatorHttpsOptions;
  /**
   * The origin clients reach the emulator at, when it is not the address it listens on (a reverse
   * proxy, a container name), e.g. `'https://login.example.test'` (CLI `--public-origin`). Issuers,
   * discovery, tokens and pages name it, and requests whose `Host` is its host are answered.
   * Default: the listening address (`http://127.0.0.1:<port>`, or `https://` with `https`).
   */
  publicOrigin?: string;
  /**
   * More `Host` names to answer (CLI `--allowed-host`, repeatable): `'name'` (any port) or
   * `'name:port'`. Requests naming another host get `421 Misdirected Request` (DNS rebinding).
   * Default: none (the listening address, loopback names and `publicOrigin` only).
   */
  allowedHosts?: string[];
  /** TCP port; default `0` (a free port). */
  port?: number;
  /**
   * Interface to listen on; default `'127.0.0.1'`. Anything but a loopback address is refused
   * unless `unsafeBind` is set: the emulator signs anybody in without a password.
   */
  host?: string;
  /**
   * Allow a non-loopback `host` (CLI `--unsafe-bind`). With a wildcard address (`0.0.0.0`, `::`)
   * any Host header is answered; otherwise only the bound address and, on loopback, `localhost`.
   * Default `false`.
   */
  unsafeBind?: boolean;
  /**
   * Origin written into the `issuer` member of the published signing keys, to play a national
   * cloud whose key set names its own login host (e.g. `'https://login.microsoftonline.us'`).
   * Tokens are still issued by the emulator's URL. Default: the emulator's URL.
   */
  keyIssuerOrigin?: string;
  /** App registrations; default `[DEFAULT_CLIENT, DEMO_API, DEMO_DAEMON_CLIENT, DEMO_PUBLIC_CLIENT]`. */
  clients?: EmulatorClientOptions[];
  /** Accounts offered on the sign-in page; default `DEMO_USERS`. */
  users?: EmulatorUser[];
  /** Latency added to every response (to emulate the network in benchmarks); default `0`. */
  latencyMs?: number;
  /** Authorization-code lifetime in seconds; default `600`. */
  codeLifetimeSeconds?: number;
  /**
   * Access-token lifetime in seconds (`expires_in`, and `exp` of JWT access tokens). Default: drawn
   * per token between 3599 and 5399 (60 to 90 minutes, as Microsoft's default lifetime varies).
   */
  accessTokenLifetimeSeconds?: number;
  /** Request log (one line per request: method, path without query, route, status, duration). Never contains tokens or secrets. Default: no log. */
  log?: (line: string) => void;
  /** Work tenants besides those of `users` (their ids and verified domains); more with {@link Emulator.addTenant}. Default: none. */
  tenants?: EmulatorTenant[];
  /**
   * Every GUID is a work tenant (a valid tenant path whose issuer is `${url}/${guid}/v2.0`), for
   * tests that sign in to tenants they make up. Default `false`: only the demo tenant, the users'
   * tenants and `tenants`.
   */
  anyTenantId?: boolean;
  /**
   * RSA private keys (2048 bits or more) for the initial key set instead of fresh ones, in its order:
   * two keys of the templated issuer, then the key bound to the consumer tenant; keys not given are
   * generated. Sharing keys lets many emulators in one test run start without generating keys each
   * time. Default: three fresh keys.
   */
  keys?: readonly KeyObject[];
  /** How many requests {@link Emulator.requestLog} keeps (the oldest are dropped); `0` keeps none. Default `10000`. */
  requestLogLimit?: number;
}

/** Options of {@link Emulator.signIdToken}. */
export interface SignIdTokenOptions {
  /** Key id to sign with; default: the active key of `key`. A kid unknown to the emulator signs with that key but puts this kid in the header. */
  kid?: string;
  /** JWS algorithm; default `'RS256'`. `RS*`/`PS*` sign with the RSA key, `HS*` with the public key PEM as HMAC secret (algorithm-confusion forgery), `'none'` yields an unsecured token. */
  alg?: string;
  /** Extra/overriding protected-header members (applied last, so they may lie about `alg`/`kid`). */
  header?: Record<string, unknown>;
  /**
   * Which key signs: `'common'` (the active templated key, default) or `'consumer'` (the
   * consumer-bound key) when `kid` names no published key, or a key of
   * {@link Emulator.createSigningKey} (published or not, with `kid` written to the header if given).
   */
  key?: 'consumer' | 'common' | EmulatorSigningKey;
}

/** A running emulator. */
export interface Emulator {
  /**
   * Base URL without trailing slash, e.g. `http://127.0.0.1:41234`, `https://127.0.0.1:41234`
   * with `https`, or {@link EmulatorOptions.publicOrigin} when given: the origin of its issuers.
   */
  readonly url: string;
  /** The address the server listens on, e.g. `https://127.0.0.1:41234` (`url` without `publicOrigin`). */
  readonly listenURL: string;
  /**
   * The PEM certificate of the local certificate authority that issued the HTTPS certificate (or
   * the `caCertificate` given with a certificate of your own); `undefined` over plain HTTP.
   */
  readonly caCertificate: string | undefined;
  /** The file of {@link Emulator.caCertificate}, for `NODE_EXTRA_CA_CERTS`; `undefined` unless the emulator made the certificate. */
  readonly caCertificatePath: string | undefined;
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
  /**
   * Sets (or with `null` clears) the fault of a route: a fixed {@link EmulatorFault}, or an
   * {@link EmulatorFaultFunction} that chooses one per request; `opts.times` limits it to the next N
   * requests of the route.
   */
  setFault(
    route: EmulatorRoute,
    fault: EmulatorFault | EmulatorFaultFunction | null,
    opts?: { times?: number },
  ): void;
  /** Clears every fault. */
  clearFaults(): void;
  /** Sets the latency added to every response (milliseconds). */
  setLatency(ms: number): void;
  /** Requests received on `route` since start/reset; without argument, all requests (unknown paths included). */
  requests(route?: EmulatorRoute): number;
  /** Requests per route since start/reset. */
  requestCounts(): Record<EmulatorRoute, number>;
  /**
   * The requests received since start/reset, oldest first, with method, path, query, headers, body and
   * parsed form; with `route`, only that route's. Bodies and headers are kept as received, secrets
   * included: a test tool. At most `requestLogLimit` (default 10000) are kept.
   */
  requestLog(route?: EmulatorRoute): EmulatorRequest[];
  /** Resets request and connection counters and empties the request log. */
  resetCounts(): void;
  /** TCP connections accepted since start/reset. */
  connections(): number;
  /** Adds a new templated-issuer signing key, makes it the active signer for non-personal tokens and returns its kid; `dropOld` removes the previous templated keys from the JWKS. */
  rotateKeys(opts?: { dropOld?: boolean }): Promise<string>;
  /** The published signing keys, in the order of the key set (at start: two templated keys, then the consumer-bound key). */
  signingKeys(): EmulatorSigningKey[];
  /** Makes a new RSA 2048 signing key without publishing it (see {@link Emulator.publishKey}). */
  createSigningKey(opts?: CreateSigningKeyOptions): Promise<EmulatorSigningKey>;
  /**
   * Publishes a key at the end of the key set (in place of a published key with the same kid), with
   * `key.jwk` as its JWK: the way to add a key, or to republish one with another `issuer`. The
   * emulator's own tokens keep being signed by the active templated key and the consumer-bound key.
   */
  publishKey(key: EmulatorSigningKey, opts?: PublishKeyOptions): void;
  /** Removes the key with this kid from the key set; `false` when none was published. */
  unpublishKey(kid: string): boolean;
  /**
   * Registers what the token endpoint answers, after client authentication, to a request whose
   * authorization `code` or `refresh_token` is `grant`, instead of redeeming it: hand an app any token
   * response (a forged ID token, a missing member, an error). A code's answer is used once, as a code
   * is; a refresh token's until cleared with `null`.
   */
  setTokenAnswer(grant: string, answer: EmulatorTokenAnswer | null): void;
  /**
   * Adds a work tenant, or replaces the added one with the same id: its id and domains become valid
   * tenant path segments. A domain belongs to the tenant that named it last.
   */
  addTenant(tenant: EmulatorTenant): void;
  /** Signs arbitrary claims with an emulator key (default RS256, active templated key) to forge or alter tokens in tests. */
  signIdToken(claims: Record<string, unknown>, opts?: SignIdTokenOptions): Promise<string>;
  /** The public JWKS served at `/{tenant}/discovery/v2.0/keys`; `tenant` defaults to `'common'`. */
  jwks(tenant?: string): {
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
    }
  | {
      /**
       * The device code verification page (`/devicelogin?otc=<user code>`) confirmed the sign-in
       * (`approved`: the device's next poll gets the tokens) or the user cancelled (`declined`).
       */
      kind: 'device';
      outcome: 'approved' | 'declined';
    };
