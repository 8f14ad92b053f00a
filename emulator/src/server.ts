/**
 * The emulator's HTTP server: routing, request/connection counting, latency and faults, socket tracking.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { handleAuthorize } from './authorize.js';
import type {
  AuthorizeRequest,
  CodeGrant,
  Core,
  DeviceGrant,
  Exchange,
  TokenGrant,
} from './context.js';
import { handleDeviceCode } from './device-code.js';
import { handleDeviceLogin } from './device-login.js';
import { applyFault, sleep } from './faults.js';
import type { ActiveFault } from './faults.js';
import {
  handleGraphMe,
  handleGraphPhoto,
  handleGraphUnknown,
  handleUserinfo,
} from './graph-routes.js';
import { BodyTooLargeError, readBody, sendHtml } from './http-helpers.js';
import { FAVICON_SVG } from './images.js';
import { KeyStore, signingKeyOf } from './signing-keys.js';
import {
  handleDiscovery,
  handleDiscoveryV1,
  handleErrorLookup,
  handleInstanceDiscovery,
  handleJwks,
  handleJwksV1,
  handleLogout,
} from './metadata.js';
import { notFoundPage } from './pages.js';
import { handleToken } from './token-endpoint.js';
import { checkClientCredentials } from './client-assertions.js';
import { exposeApi } from './api-registry.js';
import { resolveTenant } from './tenants.js';
import { EMULATOR_ROUTES } from './emulator-types.js';
import type {
  CreateSigningKeyOptions,
  Emulator,
  EmulatorClient,
  EmulatorClientOptions,
  EmulatorFault,
  EmulatorFaultFunction,
  EmulatorOptions,
  EmulatorRequest,
  EmulatorRoute,
  EmulatorSigningKey,
  EmulatorTenant,
  EmulatorTokenAnswer,
  EmulatorUser,
  PublishKeyOptions,
  SignIdTokenOptions,
} from './emulator-types.js';
import { DEMO_CLIENTS, DEMO_USERS } from './users.js';
import { B2C_TENANT_DOMAIN, EXTERNAL_ID_TENANT_DOMAIN } from './tenants.js';
import { setMaxListeners } from 'node:events';
import { randomInt } from 'node:crypto';
import { HostCheck, checkedAllowedHost, checkedPublicOrigin, isLoopbackAddress } from './hosts.js';
import { tlsMaterial } from './tls-setup.js';
import type { TlsMaterial } from './tls-setup.js';

/** Access tokens live 60 to 90 minutes, drawn per token, as Microsoft's default lifetime. */
export const ACCESS_TOKEN_LIFETIME_RANGE: readonly [number, number] = [3599, 5399];

type Handler = (ex: Exchange) => Promise<void> | void;

interface Match {
  route: EmulatorRoute | undefined;
  handler: Handler;
}

function zeroCounts(): Record<EmulatorRoute, number> {
  const counts = {} as Record<EmulatorRoute, number>;
  for (const route of EMULATOR_ROUTES) counts[route] = 0;
  return counts;
}

function validateOptions(options: EmulatorOptions): void {
  const users = options.users ?? DEMO_USERS;
  const keys = new Set<string>();
  for (const user of users) {
    if (keys.has(user.key)) throw new Error(`duplicate emulator user key '${user.key}'`);
    keys.add(user.key);
  }
  for (const tenant of options.tenants ?? []) validateTenant(tenant);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validateTenant(tenant: EmulatorTenant): void {
  if (!GUID.test(tenant.tenantId))
    throw new TypeError(`emulator tenant id '${tenant.tenantId}' is not a GUID`);
}

/** A copy of a tenant (domains copied too). */
function copyTenant(tenant: EmulatorTenant): EmulatorTenant {
  return tenant.domains === undefined
    ? { tenantId: tenant.tenantId }
    : { tenantId: tenant.tenantId, domains: [...tenant.domains] };
}

/** Whether `fault` is a function choosing the fault per request. */
function isFaultFunction(
  fault: EmulatorFault | EmulatorFaultFunction,
): fault is EmulatorFaultFunction {
  return typeof fault === 'function';
}

/** `GET /favicon.ico`: browsers ask for it on every page. */
function sendFavicon(res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'image/svg+xml',
    'Content-Length': FAVICON_SVG.length,
    'Cache-Control': 'public, max-age=86400',
  });
  res.end(res.req.method === 'HEAD' ? undefined : FAVICON_SVG);
}

/** One registration with its id under `clientID`, whichever of the two names the caller used. */
function normalizeClient(client: EmulatorClientOptions): EmulatorClient {
  const current = 'clientID' in client ? client.clientID : undefined;
  const deprecated = 'clientId' in client ? client.clientId : undefined;
  if (current !== undefined && deprecated !== undefined && current !== deprecated)
    throw new TypeError(
      `emulator client has clientID '${current}' and a different clientId '${deprecated}' (the deprecated name); give clientID only`,
    );
  const clientID = current ?? deprecated;
  const credentials =
    (client.clientSecret ? 1 : 0) +
    (client.certificates?.length ?? 0) +
    (client.federatedCredentials?.length ?? 0);
  if (!clientID || (credentials === 0 && client.publicClient !== true))
    throw new TypeError(
      'emulator clients need a clientID and a clientSecret, certificates or federatedCredentials (or publicClient: true)',
    );
  const registered: EmulatorClient = { clientID, redirectUris: [...client.redirectUris] };
  if (client.clientSecret) registered.clientSecret = client.clientSecret;
  if (client.certificates) registered.certificates = [...client.certificates];
  if (client.federatedCredentials)
    registered.federatedCredentials = client.federatedCredentials.map((f) => ({ ...f }));
  if (client.name !== undefined) registered.name = client.name;
  exposeApi(registered, client);
  checkClientCredentials(registered);
  return registered;
}

/** Implementation of {@link Emulator}; create it with `startEmulator`. */
export class EmulatorServer implements Emulator, Core {
  readonly url: string;
  readonly listenURL: string;
  readonly caCertificate: string | undefined;
  readonly caCertificatePath: string | undefined;
  readonly graphBaseURL: string;
  readonly users: readonly EmulatorUser[];
  readonly clients: readonly EmulatorClient[];
  readonly keys: KeyStore;
  readonly codeLifetimeSeconds: number;
  private readonly fixedAccessTokenLifetime: number | undefined;
  private currentAccessTokenLifetime = 3599;
  readonly transactions = new Map<string, { request: AuthorizeRequest; expiresAt: number }>();
  readonly codes = new Map<string, CodeGrant>();
  readonly accessTokens = new Map<string, TokenGrant>();
  readonly refreshTokens = new Map<string, TokenGrant>();
  readonly deviceCodes = new Map<string, DeviceGrant>();
  readonly tokenAnswers = new Map<string, EmulatorTokenAnswer>();
  tenants: EmulatorTenant[];
  readonly anyTenantId: boolean;

  private readonly server: Server;
  private readonly hostCheck: HostCheck;
  private readonly sockets = new Set<Socket>();
  private readonly faults = new Map<EmulatorRoute, ActiveFault>();
  // One signal ends every pending delay on close(); each delayed response listens to it.
  private readonly abort = abortControllerWithoutListenerLimit();
  private readonly log: ((line: string) => void) | undefined;
  private counts = zeroCounts();
  private readonly requestLogLimit: number;
  private loggedRequests: EmulatorRequest[] = [];
  private total = 0;
  private connectionCount = 0;
  private latencyMs: number;
  private lastPrune = 0;
  private closing: Promise<void> | undefined;

  private constructor(
    server: Server,
    where: { listenURL: string; url: string; hostCheck: HostCheck; tls: TlsMaterial | undefined },
    keys: KeyStore,
    clients: EmulatorClient[],
    options: EmulatorOptions,
  ) {
    this.server = server;
    const url = where.url;
    this.url = url;
    this.listenURL = where.listenURL;
    this.hostCheck = where.hostCheck;
    this.caCertificate = where.tls?.caCertificate;
    this.caCertificatePath = where.tls?.caCertificatePath;
    this.graphBaseURL = `${url}/v1.0`;
    this.keys = keys;
    this.users = Object.freeze([...(options.users ?? DEMO_USERS)]);
    this.clients = Object.freeze(clients);
    this.codeLifetimeSeconds = options.codeLifetimeSeconds ?? 600;
    this.fixedAccessTokenLifetime = options.accessTokenLifetimeSeconds;
    this.drawAccessTokenLifetime();
    this.latencyMs = options.latencyMs ?? 0;
    this.log = options.log;
    this.tenants = [];
    for (const tenant of options.tenants ?? []) this.addTenant(tenant);
    this.anyTenantId = options.anyTenantId ?? false;
    this.requestLogLimit = Math.max(0, options.requestLogLimit ?? 10_000);
  }

  /** Starts a server (see `startEmulator`). */
  static async start(options: EmulatorOptions = {}): Promise<EmulatorServer> {
    validateOptions(options);
    // Before the keys and the socket, so a bad registration fails without leaving a port open.
    const clients = (options.clients ?? DEMO_CLIENTS).map(normalizeClient);
    const publicOrigin =
      options.publicOrigin === undefined ? undefined : checkedPublicOrigin(options.publicOrigin);
    const allowedHosts = (options.allowedHosts ?? []).map(checkedAllowedHost);
    const host = options.host ?? '127.0.0.1';
    if (!isLoopbackAddress(host) && options.unsafeBind !== true)
      throw new Error(
        `emulator: refusing to listen on ${host}: it signs anybody in without a password, so it listens on loopback addresses only; pass unsafeBind: true (--unsafe-bind) to expose it`,
      );
    const tls =
      options.https === undefined || options.https === false
        ? undefined
        : await tlsMaterial(options.https, certificateNames(host, publicOrigin, allowedHosts));
    const privateKeys = await KeyStore.privateKeys(options.keys);
    const server: Server =
      tls === undefined
        ? createServer()
        : createHttpsServer({ cert: tls.certificate, key: tls.key });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string')
      throw new Error('emulator: unexpected server address');
    const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const listenURL = `${tls === undefined ? 'http' : 'https'}://${hostPart}:${address.port}`;
    const url = publicOrigin ?? listenURL;
    const hostCheck = new HostCheck(listenURL, url, allowedHosts);
    const emulator = new EmulatorServer(
      server,
      { listenURL, url, hostCheck, tls },
      // The keys' `issuer` members name keyIssuerOrigin when set (a national cloud's host).
      KeyStore.create(options.keyIssuerOrigin ?? url, privateKeys),
      clients,
      options,
    );
    emulator.attach();
    return emulator;
  }

  private attach(): void {
    this.server.on('connection', (socket: Socket) => {
      this.connectionCount++;
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void this.handle(req, res);
    });
  }

  now(): number {
    return Date.now();
  }

  get accessTokenLifetimeSeconds(): number {
    return this.currentAccessTokenLifetime;
  }

  drawAccessTokenLifetime(): number {
    this.currentAccessTokenLifetime =
      this.fixedAccessTokenLifetime ??
      randomInt(ACCESS_TOKEN_LIFETIME_RANGE[0], ACCESS_TOKEN_LIFETIME_RANGE[1] + 1);
    return this.currentAccessTokenLifetime;
  }

  authority(tenant?: string): string {
    return `${this.url}/${tenant ?? 'common'}`;
  }

  externalIdAuthority(): string {
    return `${this.url}/ciam/${EXTERNAL_ID_TENANT_DOMAIN}`;
  }

  b2cAuthority(policy = 'B2C_1_signupsignin'): string {
    return `${this.url}/b2c/${B2C_TENANT_DOMAIN}/${policy}`;
  }

  issuer(tid: string): string {
    return `${this.url}/${tid}/v2.0`;
  }

  setFault(
    route: EmulatorRoute,
    fault: EmulatorFault | EmulatorFaultFunction | null,
    opts?: { times?: number },
  ): void {
    if (!EMULATOR_ROUTES.includes(route))
      throw new Error(`unknown emulator route '${String(route)}'`);
    if (fault === null) this.faults.delete(route);
    else this.faults.set(route, { fault, remaining: opts?.times ?? Infinity });
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setLatency(ms: number): void {
    this.latencyMs = Math.max(0, ms);
  }

  requests(route?: EmulatorRoute): number {
    return route === undefined ? this.total : this.counts[route];
  }

  requestCounts(): Record<EmulatorRoute, number> {
    return { ...this.counts };
  }

  requestLog(route?: EmulatorRoute): EmulatorRequest[] {
    return route === undefined
      ? [...this.loggedRequests]
      : this.loggedRequests.filter((r) => r.route === route);
  }

  resetCounts(): void {
    this.counts = zeroCounts();
    this.total = 0;
    this.connectionCount = 0;
    this.loggedRequests = [];
  }

  connections(): number {
    return this.connectionCount;
  }

  rotateKeys(opts?: { dropOld?: boolean }): Promise<string> {
    return this.keys.rotate(opts?.dropOld ?? false);
  }

  async signIdToken(
    claims: Record<string, unknown>,
    opts: SignIdTokenOptions = {},
  ): Promise<string> {
    const given = typeof opts.key === 'object' ? opts.key : undefined;
    const byKid = opts.kid === undefined ? undefined : this.keys.byKid(opts.kid);
    const key =
      given ?? byKid ?? this.keys.active(opts.key === 'consumer' ? 'consumer' : 'template');
    return this.keys.sign(claims, key, opts.alg, opts.kid, opts.header);
  }

  signingKeys(): EmulatorSigningKey[] {
    return this.keys.list();
  }

  createSigningKey(opts: CreateSigningKeyOptions = {}): Promise<EmulatorSigningKey> {
    return this.keys.createKey(opts.issuer, opts.kid);
  }

  publishKey(key: EmulatorSigningKey, opts: PublishKeyOptions = {}): void {
    // Checks that the private key is an RSA private key before the key set changes.
    signingKeyOf(key.privateKey, null, key.kid);
    this.keys.publish(key, opts.tenants);
  }

  unpublishKey(kid: string): boolean {
    return this.keys.unpublish(kid);
  }

  setTokenAnswer(grant: string, answer: EmulatorTokenAnswer | null): void {
    if (answer === null) this.tokenAnswers.delete(grant);
    else this.tokenAnswers.set(grant, { ...answer });
  }

  addTenant(tenant: EmulatorTenant): void {
    validateTenant(tenant);
    const added = copyTenant(tenant);
    const id = added.tenantId.toLowerCase();
    const claimed = new Set((added.domains ?? []).map((d) => d.toLowerCase()));
    const others = this.tenants
      .filter((t) => t.tenantId.toLowerCase() !== id)
      .map((t) =>
        t.domains === undefined
          ? t
          : { ...t, domains: t.domains.filter((d) => !claimed.has(d.toLowerCase())) },
      );
    this.tenants = [...others, added];
  }

  jwks(tenant = 'common'): { keys: Array<Record<string, unknown>> } {
    const path = resolveTenant(tenant, this);
    if (!path) throw new Error(`unknown emulator tenant '${tenant}'`);
    return this.keys.jwks(path);
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.abort.abort();
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    });
    return this.closing;
  }

  /** Maps a method and path to a route and handler. */
  private match(ex: Exchange): Match {
    const s = customerRoute(ex.segments);
    const method = ex.req.method ?? 'GET';
    const [first, second, third, fourth] = s;
    if (first !== undefined && s.length === 4 && second === 'oauth2' && third === 'v2.0') {
      if (fourth === 'authorize')
        return { route: 'authorize', handler: (e) => handleAuthorize(this, e, first) };
      if (fourth === 'token')
        return { route: 'token', handler: (e) => handleToken(this, e, first) };
      if (fourth === 'logout') return { route: 'logout', handler: (e) => handleLogout(this, e) };
      if (fourth === 'devicecode')
        return { route: 'devicecode', handler: (e) => handleDeviceCode(this, e, first) };
    }
    if (
      first !== undefined &&
      s.length === 4 &&
      second === 'discovery' &&
      third === 'v2.0' &&
      fourth === 'keys'
    )
      return { route: 'jwks', handler: (e) => handleJwks(this, e, first) };
    if (
      first !== undefined &&
      s.length === 4 &&
      second === 'v2.0' &&
      third === '.well-known' &&
      fourth === 'openid-configuration'
    )
      return { route: 'discovery', handler: (e) => handleDiscovery(this, e, first) };
    if (first !== undefined && s.length === 3 && second === 'discovery' && third === 'instance')
      return {
        route: undefined,
        handler: (e) => handleInstanceDiscovery(this, e, first, this.hostCheck.aliases()),
      };
    if (first !== undefined && s.length === 3 && second === 'discovery' && third === 'keys')
      return { route: 'jwks', handler: (e) => handleJwksV1(this, e, first) };
    if (
      first !== undefined &&
      s.length === 3 &&
      second === '.well-known' &&
      third === 'openid-configuration'
    )
      return { route: 'discovery', handler: (e) => handleDiscoveryV1(this, e, first) };
    if ((first === 'v1.0' || first === 'beta') && second === 'me') {
      const version = first;
      if (s.length === 2)
        return { route: 'graph.me', handler: (e) => handleGraphMe(this, e, version) };
      if (s.length === 4 && third === 'photo' && fourth === '$value')
        return { route: 'graph.photo', handler: (e) => handleGraphPhoto(this, e, undefined) };
      if (s.length === 5 && third === 'photos' && s[4] === '$value')
        return { route: 'graph.photo', handler: (e) => handleGraphPhoto(this, e, fourth) };
    }
    if (first === 'v1.0' || first === 'beta')
      return { route: undefined, handler: (e) => handleGraphUnknown(e, s[s.length - 1] ?? first) };
    if (first === 'oidc' && second === 'userinfo' && s.length === 2)
      return { route: undefined, handler: (e) => handleUserinfo(this, e) };
    if (first === 'devicelogin' && s.length === 1)
      return { route: undefined, handler: (e) => handleDeviceLogin(this, e) };
    if (first === 'error' && s.length === 1 && method === 'GET')
      return { route: undefined, handler: (e) => handleErrorLookup(e) };
    if (first === 'favicon.ico' && s.length === 1 && (method === 'GET' || method === 'HEAD'))
      return { route: undefined, handler: (e) => sendFavicon(e.res) };
    return { route: undefined, handler: (e) => sendHtml(e.res, 404, notFoundPage(e.url.pathname)) };
  }

  private takeFault(
    route: EmulatorRoute | undefined,
  ): EmulatorFault | EmulatorFaultFunction | undefined {
    if (route === undefined) return undefined;
    const active = this.faults.get(route);
    if (!active) return undefined;
    active.remaining--;
    if (active.remaining <= 0) this.faults.delete(route);
    return active.fault;
  }

  /** The fault for this request: the route's fault, or what its function chooses (`undefined` if aborted). */
  private async faultFor(
    route: EmulatorRoute | undefined,
    request: EmulatorRequest,
    signal: AbortSignal,
  ): Promise<EmulatorFault | undefined> {
    const fault = this.takeFault(route);
    if (fault === undefined || !isFaultFunction(fault)) return fault;
    const chosen = fault(request);
    if (!(chosen instanceof Promise)) return chosen;
    return new Promise<EmulatorFault | undefined>((resolve, reject) => {
      const aborted = (): void => resolve(undefined);
      signal.addEventListener('abort', aborted, { once: true });
      chosen.then(
        (value) => {
          signal.removeEventListener('abort', aborted);
          resolve(value);
        },
        (err: unknown) => {
          signal.removeEventListener('abort', aborted);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  /** Logs a request (at most `requestLogLimit`, dropping the oldest). */
  private record(request: EmulatorRequest): void {
    if (this.requestLogLimit === 0) return;
    this.loggedRequests.push(request);
    if (this.loggedRequests.length > this.requestLogLimit)
      this.loggedRequests.splice(0, this.loggedRequests.length - this.requestLogLimit);
  }

  private prune(): void {
    const now = this.now();
    if (Math.abs(now - this.lastPrune) < 30_000) return;
    this.lastPrune = now;
    for (const [id, txn] of this.transactions)
      if (txn.expiresAt < now) this.transactions.delete(id);
    const keepUntil = now - this.codeLifetimeSeconds * 1000;
    for (const [code, grant] of this.codes)
      if (grant.expiresAt < keepUntil) this.codes.delete(code);
    // Expired tokens are kept a day so that Graph can still say "expired" rather than "unknown".
    const tokenGrace = now - 24 * 3600 * 1000;
    for (const [token, grant] of this.accessTokens)
      if (grant.expiresAt < tokenGrace) this.accessTokens.delete(token);
    for (const [token, grant] of this.refreshTokens)
      if (grant.expiresAt < tokenGrace) this.refreshTokens.delete(token);
    for (const [code, grant] of this.deviceCodes)
      if (grant.expiresAt < tokenGrace) this.deviceCodes.delete(code);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    this.total++;
    // DNS rebinding: a page on another name that resolves to this address is not answered.
    if (!this.hostCheck.allows(req.headers.host)) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(
        `Misdirected Request: this emulator answers only as ${this.hostCheck.names().join(', ')}; name more hosts with allowedHosts (--allowed-host) or publicOrigin (--public-origin)\n`,
      );
      return;
    }
    let url: URL;
    let segments: string[];
    try {
      url = new URL(req.url ?? '/', this.url);
      segments = url.pathname
        .split('/')
        .filter(Boolean)
        .map((p) => decodeURIComponent(p));
    } catch {
      sendHtml(res, 400, notFoundPage('(malformed URL)'));
      return;
    }
    const ex: Exchange = { req, res, url, segments, body: '' };
    const { route, handler } = this.match(ex);
    if (route !== undefined) this.counts[route]++;
    if (this.log) {
      const log = this.log;
      res.once('close', () => {
        log(
          `${req.method ?? '?'} ${url.pathname} ${route ?? '-'} ${res.headersSent ? res.statusCode : 'no-response'} ${Date.now() - started}ms`,
        );
      });
    }
    // The body is read before routing, so that the request log and fault functions see it.
    let tooLarge = false;
    try {
      ex.body = await readBody(req);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) return;
      tooLarge = true;
    }
    const request: EmulatorRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      path: url.pathname,
      query: new URLSearchParams(url.search),
      headers: { ...req.headers },
      body: ex.body,
      form: new URLSearchParams(ex.body),
      route: route ?? null,
    };
    this.record(request);
    if (tooLarge) {
      sendHtml(res, 413, notFoundPage('(request body too large)'));
      return;
    }
    try {
      this.prune();
      const signal = this.abort.signal;
      if (this.latencyMs > 0 && !(await sleep(this.latencyMs, signal))) return;
      const fault = await this.faultFor(route, request, signal);
      if (fault && route !== undefined && (await applyFault(this, ex, route, fault, signal)))
        return;
      if (signal.aborted) return;
      await handler(ex);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      this.log?.(`emulator error on ${url.pathname}: ${message}`);
      sendHtml(res, 500, notFoundPage('(internal emulator error)'));
    }
  }
}

/** The names of the HTTPS certificate: loopback names, the host listened on and the public ones. */
function certificateNames(
  host: string,
  publicOrigin: string | undefined,
  allowedHosts: readonly string[],
): string[] {
  const names = ['localhost', '127.0.0.1', '::1'];
  if (host !== '0.0.0.0' && host !== '::') names.push(host);
  if (publicOrigin !== undefined) names.push(new URL(publicOrigin).hostname);
  for (const allowed of allowedHosts) names.push(new URL(`http://${allowed}`).hostname);
  return names;
}

/**
 * Customer tenants' paths as one tenant segment: `/ciam/<tenant>/…` routes as `ciam:<tenant>`,
 * `/b2c/<tenant>/<policy>/…` as `b2c:<tenant>:<policy>`; other paths are unchanged.
 */
function customerRoute(segments: string[]): string[] {
  const [first, second, third] = segments;
  if (first === 'ciam' && second !== undefined) return [`ciam:${second}`, ...segments.slice(2)];
  if (first === 'b2c' && second !== undefined && third !== undefined)
    return [`b2c:${second}:${third}`, ...segments.slice(3)];
  return segments;
}

/** An AbortController whose signal may have any number of listeners (one per delayed response). */
function abortControllerWithoutListenerLimit(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}
