/**
 * The emulator's HTTP server: routing, request/connection counting, latency and faults, socket tracking.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { handleAuthorize } from './authorize.js';
import type { AuthorizeRequest, CodeGrant, Core, Exchange, TokenGrant } from './context.js';
import { applyFault, sleep } from './faults.js';
import type { ActiveFault } from './faults.js';
import {
  handleGraphMe,
  handleGraphPhoto,
  handleGraphUnknown,
  handleUserinfo,
} from './graph-routes.js';
import { BodyTooLargeError, sendHtml } from './http-helpers.js';
import { KeyStore } from './signing-keys.js';
import { handleDiscovery, handleErrorLookup, handleJwks, handleLogout } from './metadata.js';
import { notFoundPage } from './pages.js';
import { handleToken } from './token-endpoint.js';
import { checkClientCredentials } from './client-assertions.js';
import { EMULATOR_ROUTES } from './emulator-types.js';
import type {
  Emulator,
  EmulatorClient,
  EmulatorClientOptions,
  EmulatorFault,
  EmulatorOptions,
  EmulatorRoute,
  EmulatorUser,
  SignIdTokenOptions,
} from './emulator-types.js';
import { DEFAULT_CLIENT, DEMO_USERS } from './users.js';
import { B2C_TENANT_DOMAIN, EXTERNAL_ID_TENANT_DOMAIN } from './tenants.js';
import { setMaxListeners } from 'node:events';

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
  if (!clientID || credentials === 0)
    throw new TypeError(
      'emulator clients need a clientID and a clientSecret, certificates or federatedCredentials',
    );
  const registered: EmulatorClient = { clientID, redirectUris: [...client.redirectUris] };
  if (client.clientSecret) registered.clientSecret = client.clientSecret;
  if (client.certificates) registered.certificates = [...client.certificates];
  if (client.federatedCredentials)
    registered.federatedCredentials = client.federatedCredentials.map((f) => ({ ...f }));
  checkClientCredentials(registered);
  return registered;
}

/** Implementation of {@link Emulator}; create it with `startEmulator`. */
export class EmulatorServer implements Emulator, Core {
  readonly url: string;
  readonly graphBaseURL: string;
  readonly users: readonly EmulatorUser[];
  readonly clients: readonly EmulatorClient[];
  readonly keys: KeyStore;
  readonly codeLifetimeSeconds: number;
  readonly accessTokenLifetimeSeconds: number;
  readonly transactions = new Map<string, { request: AuthorizeRequest; expiresAt: number }>();
  readonly codes = new Map<string, CodeGrant>();
  readonly accessTokens = new Map<string, TokenGrant>();
  readonly refreshTokens = new Map<string, TokenGrant>();

  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly faults = new Map<EmulatorRoute, ActiveFault>();
  // One signal ends every pending delay on close(); each delayed response listens to it.
  private readonly abort = abortControllerWithoutListenerLimit();
  private readonly log: ((line: string) => void) | undefined;
  private counts = zeroCounts();
  private total = 0;
  private connectionCount = 0;
  private latencyMs: number;
  private lastPrune = 0;
  private closing: Promise<void> | undefined;

  private constructor(
    server: Server,
    url: string,
    keys: KeyStore,
    clients: EmulatorClient[],
    options: EmulatorOptions,
  ) {
    this.server = server;
    this.url = url;
    this.graphBaseURL = `${url}/v1.0`;
    this.keys = keys;
    this.users = Object.freeze([...(options.users ?? DEMO_USERS)]);
    this.clients = Object.freeze(clients);
    this.codeLifetimeSeconds = options.codeLifetimeSeconds ?? 600;
    this.accessTokenLifetimeSeconds = options.accessTokenLifetimeSeconds ?? 3599;
    this.latencyMs = options.latencyMs ?? 0;
    this.log = options.log;
  }

  /** Starts a server (see `startEmulator`). */
  static async start(options: EmulatorOptions = {}): Promise<EmulatorServer> {
    validateOptions(options);
    // Before the keys and the socket, so a bad registration fails without leaving a port open.
    const clients = (options.clients ?? [DEFAULT_CLIENT]).map(normalizeClient);
    const keys = await KeyStore.create();
    const server = createServer();
    const host = options.host ?? '127.0.0.1';
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
    const emulator = new EmulatorServer(
      server,
      `http://${hostPart}:${address.port}`,
      keys,
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

  setFault(route: EmulatorRoute, fault: EmulatorFault | null, opts?: { times?: number }): void {
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

  resetCounts(): void {
    this.counts = zeroCounts();
    this.total = 0;
    this.connectionCount = 0;
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
    const byKid = opts.kid === undefined ? undefined : this.keys.byKid(opts.kid);
    const key = byKid ?? this.keys.active(opts.key === 'consumer' ? 'consumer' : 'template');
    return this.keys.sign(claims, key, opts.alg, opts.kid, opts.header);
  }

  jwks(): { keys: Array<Record<string, unknown>> } {
    return this.keys.jwks(this.url, 'all');
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
    if (first === 'error' && s.length === 1 && method === 'GET')
      return { route: undefined, handler: (e) => handleErrorLookup(e) };
    return { route: undefined, handler: (e) => sendHtml(e.res, 404, notFoundPage(e.url.pathname)) };
  }

  private takeFault(route: EmulatorRoute | undefined): EmulatorFault | undefined {
    if (route === undefined) return undefined;
    const active = this.faults.get(route);
    if (!active) return undefined;
    active.remaining--;
    if (active.remaining <= 0) this.faults.delete(route);
    return active.fault;
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
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    this.total++;
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
    const ex: Exchange = { req, res, url, segments };
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
    try {
      this.prune();
      const signal = this.abort.signal;
      if (this.latencyMs > 0 && !(await sleep(this.latencyMs, signal))) return;
      const fault = this.takeFault(route);
      if (fault && route !== undefined && (await applyFault(this, ex, route, fault, signal)))
        return;
      if (signal.aborted) return;
      await handler(ex);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof BodyTooLargeError) {
        sendHtml(res, 413, notFoundPage('(request body too large)'));
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      this.log?.(`emulator error on ${url.pathname}: ${message}`);
      sendHtml(res, 500, notFoundPage('(internal emulator error)'));
    }
  }
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
