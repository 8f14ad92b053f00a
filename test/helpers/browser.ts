/**
 * A cookie-keeping HTTP client that plays the browser (no redirects followed, so every hop can be
 * asserted), and a sign-in through the emulator's page with it.
 */
import http from 'node:http';
import { completeLogin } from 'microsoft-identity-emulator';
import type { CompleteLoginResult } from 'microsoft-identity-emulator';

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
    if (url.startsWith(`${this.publicBase}/`) || url === this.publicBase)
      return `${this.via}${url.slice(this.publicBase.length)}`;
    return url;
  }

  request(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const body = form ? new URLSearchParams(form).toString() : undefined;
      const headers: http.OutgoingHttpHeaders = { ...this.extraHeaders };
      if (this.cookies.size > 0)
        headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
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
          const expired =
            attrs.some(
              (a) => /^\s*expires=/i.test(a) && Date.parse(a.split('=')[1] ?? '') <= Date.now(),
            ) || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
          if (expired) this.cookies.delete(name);
          else this.cookies.set(name, pair.slice(eq + 1).trim());
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            location: res.headers.location,
            setCookie,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
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
export async function signIn(
  browser: TestBrowser,
  account: string | { cancel: true },
  loginPath = '/login',
  finishVia?: string,
): Promise<SignInTrace> {
  const start = await browser.get(loginPath);
  if (start.status !== 302 || start.location === undefined)
    throw new Error(`GET ${loginPath} did not redirect to Microsoft: ${start.status}`);
  const emulator = await completeLogin(start.location, account);
  if (finishVia !== undefined) browser.via = finishVia;
  if (emulator.kind === 'redirect') {
    return {
      start,
      authorizeURL: new URL(start.location),
      emulator,
      callback: await browser.get(emulator.location),
      callbackURL: emulator.location,
    };
  }
  if (emulator.kind === 'form_post') {
    return {
      start,
      authorizeURL: new URL(start.location),
      emulator,
      callback: await browser.post(emulator.action, emulator.fields),
      callbackURL: emulator.action,
    };
  }
  if (emulator.kind === 'device')
    throw new Error('the emulator showed the device code page instead of answering the app');
  throw new Error(
    `the emulator showed an error page instead of answering the app: AADSTS${emulator.code}`,
  );
}
