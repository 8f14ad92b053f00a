import { expect } from 'chai';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { DEFAULT_CLIENT, startEmulator } from '../src/index.js';
import type { Emulator, EmulatorRoute } from '../src/index.js';
import { getCode, json, loginTokens, raw, redeem, rejectionOf } from './helpers.js';

interface Attempt {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  bytes: number;
  body: Buffer;
  error?: string;
  ended: boolean;
}

/** A GET that records what arrived and how it ended, instead of throwing. */
function attempt(
  url: string,
  headers: Record<string, string> = {},
  agent: Agent | false = false,
): Promise<Attempt> {
  return new Promise((resolve) => {
    const out: Attempt = { bytes: 0, body: Buffer.alloc(0), ended: false };
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      out.body = Buffer.concat(chunks);
      out.bytes = out.body.length;
      resolve(out);
    };
    const req = request(url, { headers, agent }, (res) => {
      out.status = res.statusCode ?? 0;
      out.headers = res.headers;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        out.ended = true;
        finish();
      });
      res.on('error', (err: NodeJS.ErrnoException) => {
        out.error = err.code ?? err.message;
        finish();
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      out.error = err.code ?? err.message;
      finish();
    });
    req.end();
  });
}

/** A raw TCP HTTP/1.1 GET: reports whether the server sent FIN (`end`) or RST (`ECONNRESET`). */
function tcpGet(
  emulator: Emulator,
  path: string,
): Promise<{ data: string; end: boolean; error?: string }> {
  return new Promise((resolve) => {
    const url = new URL(emulator.url);
    const socket = connect(Number(url.port), url.hostname);
    let data = '';
    let end = false;
    let error: string | undefined;
    socket.on('data', (c: Buffer) => {
      data += c.toString('utf8');
    });
    socket.on('end', () => {
      end = true;
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code;
    });
    socket.on('close', () => resolve(error === undefined ? { data, end } : { data, end, error }));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
  });
}

describe('emulator: faults, counting, lifecycle', () => {
  let emulator: Emulator;
  let jwksUrl: string;
  let meUrl: string;
  let token: string;
  before(async () => {
    emulator = await startEmulator();
    jwksUrl = `${emulator.authority()}/discovery/v2.0/keys`;
    meUrl = `${emulator.graphBaseURL}/me`;
    token = String((await loginTokens(emulator, 'work'))['access_token']);
  });
  afterEach(() => {
    emulator.clearFaults();
    emulator.setLatency(0);
  });
  after(async () => {
    await emulator.close();
  });

  /** A dedicated emulator for tests that close it. */
  async function own(): Promise<{ em: Emulator; jwks: string }> {
    const em = await startEmulator();
    return { em, jwks: `${em.authority()}/discovery/v2.0/keys` };
  }

  it('latency fault delays the answer, which is otherwise normal', async () => {
    emulator.setFault('jwks', { type: 'latency', ms: 200 });
    const started = Date.now();
    const res = await raw(jwksUrl);
    const slowMs = Date.now() - started;
    expect(slowMs, `the delayed route answered after ${slowMs} ms`).to.be.at.least(190);
    expect(res.status).to.equal(200);
    expect((json(res)['keys'] as unknown[]).length).to.equal(3);
    const quick = Date.now();
    await raw(`${emulator.authority()}/v2.0/.well-known/openid-configuration`);
    const quickMs = Date.now() - quick;
    // Relative, not a wall-clock bound: a loaded machine slows both requests alike.
    expect(quickMs, `another route took ${quickMs} ms, the delayed one ${slowMs} ms`).to.be.below(
      slowMs,
    );
  });

  it('global latency (option and setLatency) applies to every response', async () => {
    const slow = await startEmulator({ latencyMs: 120 });
    try {
      const started = Date.now();
      expect((await raw(`${slow.url}/error?code=1`)).status).to.equal(200);
      const slowMs = Date.now() - started;
      expect(slowMs, `with 120 ms latency the answer took ${slowMs} ms`).to.be.at.least(110);
      slow.setLatency(0);
      const quick = Date.now();
      await raw(`${slow.url}/error?code=1`);
      const quickMs = Date.now() - quick;
      expect(quickMs, `after setLatency(0) ${quickMs} ms, before ${slowMs} ms`).to.be.below(slowMs);
    } finally {
      await slow.close();
    }
    emulator.setLatency(100);
    const started = Date.now();
    await raw(jwksUrl);
    const tookMs = Date.now() - started;
    expect(tookMs, `with 100 ms latency the answer took ${tookMs} ms`).to.be.at.least(90);
  });

  it('status 429 with Retry-After: identity-platform body on token, Graph body on graph.me', async () => {
    emulator.setFault('token', { type: 'status', status: 429, retryAfter: 7 });
    const code = await getCode(emulator, 'work');
    const t = await redeem(emulator, code);
    expect(t.status).to.equal(429);
    expect(t.headers['retry-after']).to.equal('7');
    const body = json(t);
    expect(body['error']).to.equal('temporarily_unavailable');
    expect(String(body['error_description'])).to.match(/^AADSTS\d+: .*\r\nTrace ID: /);
    expect(Array.isArray(body['error_codes'])).to.be.ok;

    emulator.setFault('graph.me', { type: 'status', status: 429, retryAfter: 3 });
    const g = await raw(meUrl, { headers: { Authorization: `Bearer ${token}` } });
    expect(g.status).to.equal(429);
    expect(g.headers['retry-after']).to.equal('3');
    const error = json(g)['error'] as Record<string, unknown>;
    expect(error['code']).to.equal('TooManyRequests');
    expect((error['innerError'] as Record<string, unknown>)['request-id']).to.be.ok;
  });

  it('status 500/503 and a custom body', async () => {
    emulator.setFault('graph.me', { type: 'status', status: 503 });
    const g = await raw(meUrl, { headers: { Authorization: `Bearer ${token}` } });
    expect(g.status).to.equal(503);
    expect(g.headers['retry-after']).to.equal(undefined);
    expect((json(g)['error'] as Record<string, unknown>)['code']).to.equal('serviceNotAvailable');
    emulator.setFault('jwks', { type: 'status', status: 500 });
    const j = await raw(jwksUrl);
    expect(j.status).to.equal(500);
    expect(json(j)['error']).to.equal('server_error');
    emulator.setFault('discovery', { type: 'status', status: 502, body: '{"custom":true}' });
    const d = await raw(`${emulator.authority()}/v2.0/.well-known/openid-configuration`);
    expect(d.status).to.equal(502);
    expect(json(d)).to.deep.equal({ custom: true });
  });

  it('html fault answers text/html (default 500, status configurable)', async () => {
    emulator.setFault('token', { type: 'html' });
    const res = await redeem(emulator, await getCode(emulator, 'work'));
    expect(res.status).to.equal(500);
    expect(String(res.headers['content-type'])).to.match(/^text\/html/);
    expect(res.text).to.match(/<html>/);
    expect(() => JSON.parse(res.text) as unknown).to.throw();
    emulator.setFault('graph.me', { type: 'html', status: 200 });
    const ok = await raw(meUrl, { headers: { Authorization: `Bearer ${token}` } });
    expect(ok.status).to.equal(200);
    expect(String(ok.headers['content-type'])).to.match(/^text\/html/);
  });

  it('truncated: full Content-Length announced, half the body, then FIN', async () => {
    emulator.setFault('graph.me', { type: 'truncated' });
    const res = await attempt(meUrl, { Authorization: `Bearer ${token}` });
    expect(res.status).to.equal(200);
    const announced = Number(res.headers?.['content-length']);
    expect(announced > 100).to.be.ok;
    expect(res.bytes).to.equal(Math.floor(announced / 2));
    expect(res.ended).to.equal(false);
    expect(res.error, 'the client sees an aborted response').to.be.ok;

    emulator.setFault('jwks', { type: 'truncated' });
    const tcp = await tcpGet(emulator, '/common/discovery/v2.0/keys');
    expect(tcp.end).to.equal(true);
    expect(tcp.error).to.equal(undefined);
    const [head, body] = tcp.data.split('\r\n\r\n');
    const length = Number(/content-length: (\d+)/i.exec(head ?? '')?.[1]);
    expect(Buffer.byteLength(body ?? '')).to.equal(Math.floor(length / 2));
  });

  it('malformed-json: 200 application/json that does not parse', async () => {
    emulator.setFault('token', { type: 'malformed-json' });
    const res = await redeem(emulator, await getCode(emulator, 'work'));
    expect(res.status).to.equal(200);
    expect(String(res.headers['content-type'])).to.match(/^application\/json/);
    expect(() => JSON.parse(res.text) as unknown).to.throw(SyntaxError);
  });

  it('reset: ECONNRESET on the client (TCP RST mid-body)', async () => {
    emulator.setFault('graph.me', { type: 'reset' });
    const res = await attempt(meUrl, { Authorization: `Bearer ${token}` });
    expect(res.error).to.equal('ECONNRESET');
    expect(res.ended).to.equal(false);
    emulator.setFault('jwks', { type: 'reset' });
    const tcp = await tcpGet(emulator, '/common/discovery/v2.0/keys');
    expect(tcp.error).to.equal('ECONNRESET');
  });

  it('huge: 200 with a valid JSON body over 1 MB (default 1.5 MiB, size configurable)', async () => {
    emulator.setFault('graph.me', { type: 'huge' });
    const res = await raw(meUrl, { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
    expect(res.body.length).to.equal(1.5 * 1024 * 1024);
    expect(Number(res.headers['content-length'])).to.equal(res.body.length);
    expect(typeof json(res)['@odata.context']).to.equal('string');
    emulator.setFault('token', { type: 'huge', bytes: 2_000_000 });
    const t = await redeem(emulator, await getCode(emulator, 'work'));
    expect(t.body.length).to.equal(2_000_000);
    expect(json(t)['token_type']).to.equal('Bearer');
  });

  it('hang: never answers, and close() still finishes quickly', async () => {
    const { em } = await own();
    em.setFault('token', { type: 'hang' });
    const code = await getCode(em, 'work');
    const pending = redeem(em, code).then(
      () => 'answered',
      (err: NodeJS.ErrnoException) => err.code ?? err.message,
    );
    const early = await Promise.race([
      pending,
      new Promise((r) => setTimeout(() => r('still waiting'), 300)),
    ]);
    expect(early).to.equal('still waiting');
    const started = Date.now();
    await em.close();
    const closeMs = Date.now() - started;
    // Generous: close() must end the hung connection instead of waiting for it (which never ends).
    expect(closeMs, `close() took ${closeMs} ms with a hung request open`).to.be.below(5000);
    expect(await pending).to.equal('ECONNRESET');
  });

  it('hang with ms answers normally after the delay', async () => {
    emulator.setFault('jwks', { type: 'hang', ms: 150 });
    const started = Date.now();
    const res = await raw(jwksUrl);
    const tookMs = Date.now() - started;
    expect(tookMs, `a 150 ms hang answered after ${tookMs} ms`).to.be.at.least(140);
    expect(res.status).to.equal(200);
  });

  it('times limits a fault to the next N requests; null and clearFaults remove faults', async () => {
    emulator.setFault('jwks', { type: 'status', status: 503 }, { times: 2 });
    expect([
      (await raw(jwksUrl)).status,
      (await raw(jwksUrl)).status,
      (await raw(jwksUrl)).status,
    ]).to.deep.equal([503, 503, 200]);
    emulator.setFault('jwks', { type: 'status', status: 500 });
    emulator.setFault('jwks', null);
    expect((await raw(jwksUrl)).status).to.equal(200);
    emulator.setFault('jwks', { type: 'status', status: 500 });
    emulator.setFault('graph.me', { type: 'status', status: 500 });
    emulator.clearFaults();
    expect((await raw(jwksUrl)).status).to.equal(200);
    expect((await raw(meUrl, { headers: { Authorization: `Bearer ${token}` } })).status).to.equal(
      200,
    );
  });

  it('counts requests per route (faulted ones included) and in total (unknown paths included)', async () => {
    emulator.resetCounts();
    expect(emulator.requests()).to.equal(0);
    expect(emulator.connections()).to.equal(0);
    const code = await getCode(emulator, 'personal'); // GET + POST authorize
    await redeem(emulator, code);
    emulator.setFault('jwks', { type: 'status', status: 500 }, { times: 1 });
    await raw(jwksUrl);
    await raw(jwksUrl);
    await raw(`${emulator.authority()}/v2.0/.well-known/openid-configuration`);
    await raw(`${emulator.authority()}/oauth2/v2.0/logout`);
    await raw(meUrl, { headers: { Authorization: `Bearer ${token}` } });
    await raw(`${emulator.graphBaseURL}/me/photo/$value`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    await raw(`${emulator.url}/not/a/route`);
    const expected: Record<EmulatorRoute, number> = {
      authorize: 2,
      token: 1,
      jwks: 2,
      discovery: 1,
      logout: 1,
      'graph.me': 1,
      'graph.photo': 1,
      devicecode: 0,
    };
    expect(emulator.requestCounts()).to.deep.equal(expected);
    expect(emulator.requests('jwks')).to.equal(2);
    expect(emulator.requests()).to.equal(10);
    expect(emulator.connections(), 'one connection per request without keep-alive').to.equal(10);
    emulator.resetCounts();
    expect(emulator.requests()).to.equal(0);
    expect(emulator.requests('authorize')).to.equal(0);
    expect(emulator.connections()).to.equal(0);
  });

  it('counts one connection for keep-alive requests, and close() ends idle keep-alive sockets', async () => {
    const { em, jwks } = await own();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 5; i++) expect((await attempt(jwks, {}, agent)).status).to.equal(200);
      expect(em.requests('jwks')).to.equal(5);
      expect(em.connections()).to.equal(1);
      const started = Date.now();
      await em.close();
      const closeMs = Date.now() - started;
      // Generous: close() must end idle keep-alive connections instead of waiting for their timeout.
      expect(closeMs, `close() took ${closeMs} ms with a kept-alive connection`).to.be.below(5000);
    } finally {
      agent.destroy();
    }
  });

  it('logs one line per request without tokens, codes or secrets', async () => {
    const lines: string[] = [];
    const logged = await startEmulator({ log: (line) => lines.push(line) });
    try {
      const code = await getCode(logged, 'work', { code_challenge: undefined });
      const body = json(await redeem(logged, code));
      await raw(`${logged.graphBaseURL}/me`, {
        headers: { Authorization: `Bearer ${String(body['access_token'])}` },
      });
      await new Promise((r) => setTimeout(r, 20));
      expect(lines.length).to.equal(4);
      expect(lines[2] ?? '').to.match(/^POST \/common\/oauth2\/v2\.0\/token token 200 \d+ms$/);
      const all = lines.join('\n');
      for (const secret of [
        code,
        String(body['access_token']),
        String(body['refresh_token']),
        String(body['id_token']),
        DEFAULT_CLIENT.clientSecret,
      ]) {
        expect(all.includes(secret)).to.equal(false);
      }
    } finally {
      await logged.close();
    }
  });

  it('close() is idempotent', async () => {
    const { em, jwks } = await own();
    expect((await raw(jwks)).status).to.equal(200);
    await Promise.all([em.close(), em.close()]);
    await em.close();
    await rejectionOf(raw(jwks));
  });
});
