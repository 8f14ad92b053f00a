/**
 * A minimal browser stand-in for end-to-end tests: keeps cookies, does not follow redirects, and
 * drives the emulator's sign-in page with completeLogin().
 */
import http from 'node:http';
import { completeLogin } from '../../lib/emulator/index.js';

export interface Reply {
  status: number;
  location: string | undefined;
  body: string;
}

export class Browser {
  readonly #cookies = new Map<string, string>();
  readonly #agent: http.Agent;

  constructor(agent?: http.Agent) {
    this.#agent = agent ?? new http.Agent({ keepAlive: false });
  }

  request(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const body = form ? new URLSearchParams(form).toString() : undefined;
      const headers: http.OutgoingHttpHeaders = {};
      if (this.#cookies.size > 0) headers['cookie'] = [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      if (body !== undefined) {
        headers['content-type'] = 'application/x-www-form-urlencoded';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = http.request(url, { method, headers, agent: this.#agent }, (res) => {
        for (const line of res.headers['set-cookie'] ?? []) {
          const [pair] = line.split(';');
          const eq = (pair ?? '').indexOf('=');
          if (eq > 0) this.#cookies.set((pair as string).slice(0, eq).trim(), (pair as string).slice(eq + 1).trim());
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  get(url: string): Promise<Reply> {
    return this.request('GET', url);
  }

  /**
   * Starts a login at `loginURL`, signs in as `account` on the emulator (or cancels), and delivers
   * Microsoft's answer to the app's callback like a browser would. Returns the callback's reply.
   */
  async login(loginURL: string, account: string | { cancel: true }): Promise<{ callback: Reply; callbackURL: string; form?: Record<string, string> }> {
    const start = await this.get(loginURL);
    if (start.status !== 302 || start.location === undefined) throw new Error(`login did not redirect: ${start.status} ${start.body.slice(0, 200)}`);
    const result = await completeLogin(start.location, account);
    if (result.kind === 'redirect') return { callback: await this.get(result.location), callbackURL: result.location };
    if (result.kind === 'form_post') return { callback: await this.request('POST', result.action, result.fields), callbackURL: result.action, form: result.fields };
    throw new Error(`emulator showed an error page: AADSTS${result.code}`);
  }
}
