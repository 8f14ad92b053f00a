/**
 * Helpers for the sample-app tests: start the app on 127.0.0.1, and a cookie-keeping HTTP client
 * that plays the browser (no redirects followed, so every hop can be asserted).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from 'express-session';
import { DEFAULT_CLIENT, completeLogin } from '../../lib/emulator/index.js';
import type { CompleteLoginResult, Emulator } from '../../lib/emulator/index.js';
import type { Strategy } from '../../lib/strategy.js';
import { createApp } from '../../example/app.js';
import type { AppConfig } from '../../example/config.js';

/** A running sample app. */
export interface RunningApp {
  /** Where this instance listens, `http://127.0.0.1:<port>`. */
  url: string;
  /** The app's BASE_URL (the address browsers use; equals `url` unless a proxy/balancer is simulated). */
  baseURL: string;
  strategy: Strategy;
  /** Diagnostic lines the app logged. */
  logs: string[];
  close(): Promise<void>;
}

/** Options of {@link startApp}. */
export interface StartOptions extends Partial<Omit<AppConfig, 'microsoft'>> {
  sessionStore?: Store;
  /** Client registered at the emulator; default DEFAULT_CLIENT. */
  client?: { clientId: string; clientSecret: string };
  tenant?: string;
  /** BASE_URL `http://localhost:<port>` instead of `http://127.0.0.1:<port>` (what browsers use with `npm start`). */
  localhost?: boolean;
}

/** A session secret for tests (≥ 32 characters). */
export const TEST_SECRET = 'test-session-secret-0123456789abcdefghij';

/**
 * Starts the sample app against `emulator` on a free 127.0.0.1 port. BASE_URL defaults to the
 * instance's own address.
 */
export async function startApp(emulator: Emulator, options: StartOptions = {}): Promise<RunningApp> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseURL = options.baseURL ?? (options.localhost ? url.replace('127.0.0.1', 'localhost') : url);
  const client = options.client ?? DEFAULT_CLIENT;
  const config: AppConfig = {
    baseURL,
    microsoft: {
      clientID: client.clientId,
      clientSecret: client.clientSecret,
      tenant: 'common',
      cloud: 'global',
      authority: emulator.authority(options.tenant ?? 'common'),
      graphBaseURL: emulator.graphBaseURL,
    },
    sessionSecret: options.sessionSecret ?? TEST_SECRET,
    trustProxy: options.trustProxy ?? false,
    responseMode: options.responseMode ?? 'query',
    emulatorURL: emulator.url,
  };
  const logs: string[] = [];
  const { app, strategy } = createApp(config, { log: (line) => logs.push(line), ...(options.sessionStore ? { sessionStore: options.sessionStore } : {}) });
  server.on('request', app);
  return {
    url,
    baseURL,
    strategy,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** One HTTP answer. */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  location: string | undefined;
  setCookie: string[];
  body: string;
}

/**
 * Plays the browser: keeps cookies (one site), sends extra headers, follows nothing. A request for
 * an absolute URL under `publicBase` goes to `via` instead, like a load balancer would route it.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  via: string;

  constructor(
    readonly publicBase: string,
    readonly extraHeaders: http.OutgoingHttpHeaders = {},
  ) {
    this.via = publicBase;
  }

  #target(url: string): string {
    if (url.startsWith('/')) return `${this.via}${url}`;
    if (url.startsWith(`${this.publicBase}/`) || url === this.publicBase) return `${this.via}${url.slice(this.publicBase.length)}`;
    return url;
  }

  request(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const body = form ? new URLSearchParams(form).toString() : undefined;
      const headers: http.OutgoingHttpHeaders = { ...this.extraHeaders };
      if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      if (body !== undefined) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = http.request(this.#target(url), { method, headers, agent: false }, (res) => {
        const setCookie = res.headers['set-cookie'] ?? [];
        for (const line of setCookie) {
          const [pair, ...attrs] = line.split(';');
          const eq = (pair ?? '').indexOf('=');
          if (eq <= 0 || pair === undefined) continue;
          const name = pair.slice(0, eq).trim();
          const expired = attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') <= Date.now()) || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
          if (expired) this.cookies.delete(name);
          else this.cookies.set(name, pair.slice(eq + 1).trim());
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, location: res.headers.location, setCookie, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  get(url: string): Promise<Reply> {
    return this.request('GET', url);
  }

  post(url: string, form: Record<string, string>): Promise<Reply> {
    return this.request('POST', url, form);
  }
}

/** What {@link signIn} went through. */
export interface SignInTrace {
  /** GET /login's answer (a redirect to the emulator). */
  start: Reply;
  /** The authorize URL. */
  authorizeURL: URL;
  /** What the emulator answered. */
  emulator: CompleteLoginResult;
  /** The app's callback answer. */
  callback: Reply;
  /** The callback URL (with code or error) or form_post action. */
  callbackURL: string;
}

/**
 * GET `loginPath`, pick `account` (or cancel) on the emulator, deliver the answer to the callback.
 * `finishVia` routes the callback to another instance (load-balancer test).
 */
export async function signIn(browser: TestBrowser, account: string | { cancel: true }, loginPath = '/login', finishVia?: string): Promise<SignInTrace> {
  const start = await browser.get(loginPath);
  if (start.status !== 302 || start.location === undefined) throw new Error(`GET ${loginPath} did not redirect to Microsoft: ${start.status}`);
  const emulator = await completeLogin(start.location, account);
  if (finishVia !== undefined) browser.via = finishVia;
  if (emulator.kind === 'redirect') {
    return { start, authorizeURL: new URL(start.location), emulator, callback: await browser.get(emulator.location), callbackURL: emulator.location };
  }
  if (emulator.kind === 'form_post') {
    return { start, authorizeURL: new URL(start.location), emulator, callback: await browser.post(emulator.action, emulator.fields), callbackURL: emulator.action };
  }
  throw new Error(`the emulator showed an error page instead of answering the app: AADSTS${emulator.code}`);
}

/** Decodes the few entities the sample app's pages use. */
export function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The value of element `id`'s text in `html`, or undefined. */
export function byId(html: string, id: string): string | undefined {
  const match = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html);
  return match?.[1] === undefined ? undefined : text(match[1]);
}

/** The hidden CSRF field of the sign-out form. */
export function csrfField(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no sign-out form on the page');
  return match[1];
}
