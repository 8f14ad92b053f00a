/**
 * The load client: keep-alive connections to the app and to the emulator's sign-in page, and the
 * three steps of a login (start + sign-in page, callback, session check), each run closed-loop.
 */
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  '#39': "'",
  apos: "'",
};

/** Decodes the HTML entities of the emulator's sign-in page (form action and hidden fields). */
function decodeHtml(value: string): string {
  return value.replace(
    /&(amp|lt|gt|quot|#39|apos|#(\d+)|#x([0-9a-f]+));/gi,
    (all: string, name: string, dec?: string, hex?: string) => {
      if (dec !== undefined) return String.fromCodePoint(Number(dec));
      if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16));
      return ENTITIES[name.toLowerCase()] ?? all;
    },
  );
}

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A login waiting for its callback: the browser's cookies and the URL Microsoft redirected to. */
export interface PendingLogin {
  account: string;
  cookie: string;
  callbackURL: string;
}

/** A finished callback. */
export interface CallbackResult {
  ms: number;
  ok: boolean;
  cookie: string;
  detail?: string;
}

/**
 * The `Cookie` header a browser sends after `res`: `jar` (`a=1; b=2`) with every cookie `res` sets,
 * in order, a cookie set again replacing its value and one set with `Max-Age=0` or a past `Expires`
 * (a cleared cookie, such as a used pending login of the cookie store) dropped.
 */
function withSetCookies(jar: string, res: Response): string {
  const lines = res.headers['set-cookie'];
  if (lines === undefined || lines.length === 0) return jar;
  const cookies = new Map<string, string>();
  const add = (pair: string): string | undefined => {
    const eq = pair.indexOf('=');
    if (eq <= 0) return undefined;
    const name = pair.slice(0, eq).trim();
    cookies.set(name, pair.slice(eq + 1).trim());
    return name;
  };
  for (const pair of jar.split(';')) add(pair);
  for (const line of lines) {
    const [pair = '', ...attributes] = line.split(';');
    const name = add(pair);
    if (name === undefined) continue;
    const cleared = attributes.some((attribute) => {
      const eq = attribute.indexOf('=');
      const key = attribute
        .slice(0, eq < 0 ? undefined : eq)
        .trim()
        .toLowerCase();
      const value = eq < 0 ? '' : attribute.slice(eq + 1).trim();
      return (
        (key === 'max-age' && Number(value) <= 0) ||
        (key === 'expires' && Date.parse(value) <= Date.now())
      );
    });
    if (cleared) cookies.delete(name);
  }
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

/** Runs `fn(0..n-1)` with at most `concurrency` calls in flight (a closed loop). */
export async function pool<T>(
  n: number,
  concurrency: number,
  fn: (i: number) => Promise<T>,
): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  return out;
}

/** A browser-like client with keep-alive connections. */
export class LoadClient {
  readonly #appAgent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  readonly #signInAgent = new http.Agent({ keepAlive: true, maxSockets: 1024 });

  #send(
    url: string,
    agent: http.Agent,
    method: 'GET' | 'POST',
    headers: Record<string, string>,
    body?: string,
  ): Promise<Response> {
    return new Promise((resolve, reject) => {
      const h: Record<string, string> = { ...headers };
      if (body !== undefined) h['content-length'] = String(Buffer.byteLength(body));
      const req = http.request(url, { method, headers: h, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** GET /login on the app, then the emulator's sign-in page and its form for `account`. */
  async start(appURL: string, account: string): Promise<PendingLogin> {
    const login = await this.#send(`${appURL}/login`, this.#appAgent, 'GET', {});
    const authorize = login.headers.location;
    if (login.status !== 302 || authorize === undefined)
      throw new Error(`GET /login answered ${login.status}: ${login.body.slice(0, 200)}`);
    const cookie = withSetCookies('', login);
    return { account, cookie, callbackURL: await this.signInPage(authorize, account) };
  }

  /** The emulator's sign-in page at `authorize`, answered for `account`: the callback URL Microsoft redirects to. */
  async signInPage(authorize: string, account: string): Promise<string> {
    const page = await this.#send(authorize, this.#signInAgent, 'GET', { accept: 'text/html' });
    const action = /<form class="account" method="post" action="([^"]*)">/.exec(page.body)?.[1];
    const txn = /<input type="hidden" name="txn" value="([^"]*)">/.exec(page.body)?.[1];
    if (action === undefined || txn === undefined)
      throw new Error(`the sign-in page did not render (HTTP ${page.status})`);
    const form = new URLSearchParams({ txn: decodeHtml(txn), account }).toString();
    const answer = await this.#send(
      new URL(decodeHtml(action), authorize).href,
      this.#signInAgent,
      'POST',
      { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      form,
    );
    const callbackURL = answer.headers.location;
    if (answer.status !== 302 || callbackURL === undefined)
      throw new Error(`the sign-in form answered ${answer.status}`);
    return callbackURL;
  }

  /** The callback (timed), with every cookie GET /login set: must redirect to `/` and set the session cookie. */
  async callback(login: PendingLogin): Promise<CallbackResult> {
    const t0 = performance.now();
    const res = await this.#send(
      login.callbackURL,
      this.#appAgent,
      'GET',
      login.cookie === '' ? {} : { cookie: login.cookie },
    );
    const ms = performance.now() - t0;
    const cookie = withSetCookies(login.cookie, res);
    if (res.status !== 302 || res.headers.location !== '/')
      return { ms, ok: false, cookie, detail: `HTTP ${res.status} ${res.body.slice(0, 200)}` };
    return { ms, ok: true, cookie };
  }

  /** GET /me with the session cookie: the user id in the session (the app then ends the session). */
  async sessionUser(appURL: string, cookie: string): Promise<string | null> {
    const res = await this.#send(
      `${appURL}/me`,
      this.#appAgent,
      'GET',
      cookie === '' ? {} : { cookie },
    );
    if (res.status !== 200) return null;
    const id = (JSON.parse(res.body) as { id?: unknown }).id;
    return typeof id === 'string' ? id : null;
  }

  /** Closes idle connections. */
  close(): void {
    this.#appAgent.destroy();
    this.#signInAgent.destroy();
  }
}
