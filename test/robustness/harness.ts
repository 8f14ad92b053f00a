/**
 * Robustness harness: a real Express 5 + express-session + Passport 0.7 app around the strategy,
 * a cookie-keeping client that drives a full login through the emulator, and socket accounting.
 */
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import type { Agent, ClientRequest, IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import { completeLogin, DEFAULT_CLIENT } from 'microsoft-identity-emulator';
import type { EmulatorClient } from 'microsoft-identity-emulator';
import { Strategy } from '../../lib/passport/strategy.js';
import type { MicrosoftProfile } from '../../lib/types.js';
import type { StrategyOptions } from '../../lib/config/options.js';

/** What the verify callback stores in the session. */
export interface SessionUser {
  id: string;
  tenantId: string | undefined;
  displayName: string;
  photos: number;
}

/** One `error` action the app saw. */
export interface RecordedError {
  path: string;
  error: unknown;
}

/** A running app. */
export interface TestApp {
  url: string;
  /** Errors passed to Passport's `error` action (Express `next(err)`), in order. */
  errors: RecordedError[];
  /** Closes the server and its connections. */
  close(): Promise<void>;
}

/** A strategy the app mounts: `/login/<name>` and `/login/<name>/callback`. */
export interface MountedStrategy {
  name: string;
  options: Omit<StrategyOptions, 'name' | 'callbackURL'>;
}

/** The default client, with the callback URLs of strategies mounted under `names` registered. */
export function appClient(names: string[]): EmulatorClient {
  return {
    ...DEFAULT_CLIENT,
    redirectUris: [
      ...DEFAULT_CLIENT.redirectUris,
      ...names.map((n) => `http://127.0.0.1/login/${n}/callback`),
    ],
  };
}

/** Starts an app with one Passport instance and the given strategies. */
export async function startApp(strategies: MountedStrategy[]): Promise<TestApp> {
  const errors: RecordedError[] = [];
  const pp = new passport.Passport();
  pp.serializeUser((user: Express.User, done) => done(null, user));
  pp.deserializeUser((user: Express.User, done) => done(null, user));
  const app = express();
  app.use(
    session({ secret: 'robustness-suite-session-secret', resave: false, saveUninitialized: false }),
  );
  app.use(pp.initialize());
  app.use(pp.session());
  for (const s of strategies) {
    const strategy = new Strategy(
      { ...s.options, name: s.name, callbackURL: `/login/${s.name}/callback` },
      (_at, _rt, profile: MicrosoftProfile, done) => {
        const user: SessionUser = {
          id: profile.id,
          tenantId: profile.tenantId,
          displayName: profile.displayName,
          photos: profile.photos?.length ?? 0,
        };
        done(null, user);
      },
    );
    pp.use(s.name, strategy);
    app.get(`/login/${s.name}`, pp.authenticate(s.name));
    app.get(`/login/${s.name}/callback`, pp.authenticate(s.name), (req: Request, res: Response) => {
      res.json({ user: req.user });
    });
  }
  app.get('/me', (req: Request, res: Response) => {
    res.json({ user: req.user ?? null });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    errors.push({ path: req.path, error: err });
    res.status(500).json({ error: err instanceof Error ? err.name : 'unknown' });
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    errors,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A plain response. */
export interface ClientResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** GET on a fresh connection (no pooling in the client, so only the app's own sockets remain). */
export function get(url: string, cookie?: string): Promise<ClientResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (cookie !== undefined) headers['cookie'] = cookie;
    const req = http.request(url, { method: 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** The `name=value` part of the session cookie set by a response, if any. */
export function sessionCookie(res: ClientResponse): string | undefined {
  const set = res.headers['set-cookie'];
  const first = set?.find((c) => c.startsWith('connect.sid='));
  return first?.split(';')[0];
}

/** How a login through the app ended. */
export interface LoginOutcome {
  /** The session cookie after the callback. */
  cookie: string;
  /** Status of the callback response. */
  status: number;
  /** Milliseconds from sending the callback request to its response. */
  callbackMs: number;
  /** The user in the session after the callback (`null` when none). */
  user: SessionUser | null;
}

/**
 * A full login: GET /login/<name> on the app, the emulator's sign-in page for `account`, the
 * callback, then GET /me with the session cookie.
 */
export async function login(
  appUrl: string,
  name: string,
  account: string | { cancel: true },
): Promise<LoginOutcome> {
  const start = await get(`${appUrl}/login/${name}`);
  const location = start.headers.location;
  if (start.status !== 302 || location === undefined)
    throw new Error(`GET /login/${name} answered ${start.status} without a redirect`);
  const cookie = sessionCookie(start);
  if (cookie === undefined) throw new Error(`GET /login/${name} set no session cookie`);
  const result = await completeLogin(location, account);
  if (result.kind !== 'redirect')
    throw new Error(`the emulator answered ${result.kind} instead of a redirect`);
  const t0 = performance.now();
  const callback = await get(result.location, cookie);
  const callbackMs = performance.now() - t0;
  const after = sessionCookie(callback) ?? cookie;
  const me = await get(`${appUrl}/me`, after);
  const user = (JSON.parse(me.text) as { user: SessionUser | null }).user;
  return { cookie: after, status: callback.status, callbackMs, user };
}

/**
 * Tracks every client socket this process opens to one port (diagnostics channel
 * `net.client.socket`) and every agent that sends requests there (`http.client.request.start`).
 */
export class SocketTracker {
  readonly #port: number;
  readonly #sockets = new Set<Socket>();
  readonly #agents = new Set<Agent>();
  readonly #onSocket = (message: unknown): void => {
    const socket = (message as { socket: Socket }).socket;
    socket.once('connect', () => {
      if (socket.remotePort === this.#port) this.#sockets.add(socket);
    });
  };
  readonly #onRequest = (message: unknown): void => {
    const request = (message as { request: ClientRequest & { agent?: Agent | false } }).request;
    if (request.agent) this.#agents.add(request.agent);
  };

  constructor(port: number) {
    this.#port = port;
    diagnostics.subscribe('net.client.socket', this.#onSocket);
    diagnostics.subscribe('http.client.request.start', this.#onRequest);
  }

  /** Stops tracking. */
  dispose(): void {
    diagnostics.unsubscribe('net.client.socket', this.#onSocket);
    diagnostics.unsubscribe('http.client.request.start', this.#onRequest);
  }

  /** Client sockets to the port seen so far. */
  seen(): number {
    return this.#sockets.size;
  }

  /** Client sockets to the port that are still open. */
  open(): Socket[] {
    return [...this.#sockets].filter((s) => !s.destroyed);
  }

  /** Open sockets that no agent keeps as an idle keep-alive connection: in use, or orphaned. */
  busy(): Socket[] {
    const idle = new Set<Socket>();
    for (const agent of this.#agents) {
      for (const list of Object.values(agent.freeSockets)) for (const s of list ?? []) idle.add(s);
    }
    return this.open().filter((s) => !idle.has(s));
  }
}

/** Waits until `check` holds or `ms` passed; returns the last value of `check`. */
export async function eventually(check: () => boolean, ms = 1000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}
