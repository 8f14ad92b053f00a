import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { DEFAULT_CLIENT, startEmulator } from '../../lib/emulator/index.js';
import type { Emulator, EmulatorRoute } from '../../lib/emulator/index.js';
import { getCode, json, loginTokens, raw, redeem } from './helpers.js';

interface Attempt {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  bytes: number;
  body: Buffer;
  error?: string;
  ended: boolean;
}

/** A GET that records what arrived and how it ended, instead of throwing. */
function attempt(url: string, headers: Record<string, string> = {}, agent: Agent | false = false): Promise<Attempt> {
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
      out.status = res.statusCode;
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
function tcpGet(emulator: Emulator, path: string): Promise<{ data: string; end: boolean; error?: string }> {
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
    assert.ok(Date.now() - started >= 190, `took ${Date.now() - started}ms`);
    assert.equal(res.status, 200);
    assert.equal((json(res)['keys'] as unknown[]).length, 3);
    const quick = Date.now();
    await raw(`${emulator.authority()}/v2.0/.well-known/openid-configuration`);
    assert.ok(Date.now() - quick < 150, 'other routes are not delayed');
  });

  it('global latency (option and setLatency) applies to every response', async () => {
    const slow = await startEmulator({ latencyMs: 120 });
    try {
      const started = Date.now();
      assert.equal((await raw(`${slow.url}/error?code=1`)).status, 200);
      assert.ok(Date.now() - started >= 110);
      slow.setLatency(0);
      const quick = Date.now();
      await raw(`${slow.url}/error?code=1`);
      assert.ok(Date.now() - quick < 100);
    } finally {
      await slow.close();
    }
    emulator.setLatency(100);
    const started = Date.now();
    await raw(jwksUrl);
    assert.ok(Date.now() - started >= 90);
  });

  it('status 429 with Retry-After: identity-platform body on token, Graph body on graph.me', async () => {
    emulator.setFault('token', { type: 'status', status: 429, retryAfter: 7 });
    const code = await getCode(emulator, 'work');
    const t = await redeem(emulator, code);
    assert.equal(t.status, 429);
    assert.equal(t.headers['retry-after'], '7');
    const body = json(t);
    assert.equal(body['error'], 'temporarily_unavailable');
    assert.match(String(body['error_description']), /^AADSTS\d+: .*\r\nTrace ID: /);
    assert.ok(Array.isArray(body['error_codes']));

    emulator.setFault('graph.me', { type: 'status', status: 429, retryAfter: 3 });
    const g = await raw(meUrl, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(g.status, 429);
    assert.equal(g.headers['retry-after'], '3');
    const error = json(g)['error'] as Record<string, unknown>;
    assert.equal(error['code'], 'TooManyRequests');
    assert.ok((error['innerError'] as Record<string, unknown>)['request-id']);
  });

  it('status 500/503 and a custom body', async () => {
    emulator.setFault('graph.me', { type: 'status', status: 503 });
    const g = await raw(meUrl, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(g.status, 503);
    assert.equal(g.headers['retry-after'], undefined);
    assert.equal((json(g)['error'] as Record<string, unknown>)['code'], 'serviceNotAvailable');
    emulator.setFault('jwks', { type: 'status', status: 500 });
    const j = await raw(jwksUrl);
    assert.equal(j.status, 500);
    assert.equal(json(j)['error'], 'server_error');
    emulator.setFault('discovery', { type: 'status', status: 502, body: '{"custom":true}' });
    const d = await raw(`${emulator.authority()}/v2.0/.well-known/openid-configuration`);
    assert.equal(d.status, 502);
    assert.deepEqual(json(d), { custom: true });
  });

  it('html fault answers text/html (default 500, status configurable)', async () => {
    emulator.setFault('token', { type: 'html' });
    const res = await redeem(emulator, await getCode(emulator, 'work'));
    assert.equal(res.status, 500);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.text, /<html>/);
    assert.throws(() => JSON.parse(res.text) as unknown);
    emulator.setFault('graph.me', { type: 'html', status: 200 });
    const ok = await raw(meUrl, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    assert.match(String(ok.headers['content-type']), /^text\/html/);
  });

  it('truncated: full Content-Length announced, half the body, then FIN', async () => {
    emulator.setFault('graph.me', { type: 'truncated' });
    const res = await attempt(meUrl, { Authorization: `Bearer ${token}` });
    assert.equal(res.status, 200);
    const announced = Number(res.headers?.['content-length']);
    assert.ok(announced > 100);
    assert.equal(res.bytes, Math.floor(announced / 2));
    assert.equal(res.ended, false);
    assert.ok(res.error, 'the client sees an aborted response');

    emulator.setFault('jwks', { type: 'truncated' });
    const tcp = await tcpGet(emulator, '/common/discovery/v2.0/keys');
    assert.equal(tcp.end, true);
    assert.equal(tcp.error, undefined);
    const [head, body] = tcp.data.split('\r\n\r\n');
    const length = Number(/content-length: (\d+)/i.exec(head ?? '')?.[1]);
    assert.equal(Buffer.byteLength(body ?? ''), Math.floor(length / 2));
  });

  it('malformed-json: 200 application/json that does not parse', async () => {
    emulator.setFault('token', { type: 'malformed-json' });
    const res = await redeem(emulator, await getCode(emulator, 'work'));
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.throws(() => JSON.parse(res.text) as unknown, SyntaxError);
  });

  it('reset: ECONNRESET on the client (TCP RST mid-body)', async () => {
    emulator.setFault('graph.me', { type: 'reset' });
    const res = await attempt(meUrl, { Authorization: `Bearer ${token}` });
    assert.equal(res.error, 'ECONNRESET');
    assert.equal(res.ended, false);
    emulator.setFault('jwks', { type: 'reset' });
    const tcp = await tcpGet(emulator, '/common/discovery/v2.0/keys');
    assert.equal(tcp.error, 'ECONNRESET');
  });

  it('huge: 200 with a valid JSON body over 1 MB (default 1.5 MiB, size configurable)', async () => {
    emulator.setFault('graph.me', { type: 'huge' });
    const res = await raw(meUrl, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 1.5 * 1024 * 1024);
    assert.equal(Number(res.headers['content-length']), res.body.length);
    assert.equal(typeof json(res)['@odata.context'], 'string');
    emulator.setFault('token', { type: 'huge', bytes: 2_000_000 });
    const t = await redeem(emulator, await getCode(emulator, 'work'));
    assert.equal(t.body.length, 2_000_000);
    assert.equal(json(t)['token_type'], 'Bearer');
  });

  it('hang: never answers, and close() still finishes quickly', async () => {
    const { em } = await own();
    em.setFault('token', { type: 'hang' });
    const code = await getCode(em, 'work');
    const pending = redeem(em, code).then(
      () => 'answered',
      (err: NodeJS.ErrnoException) => err.code ?? err.message,
    );
    const early = await Promise.race([pending, new Promise((r) => setTimeout(() => r('still waiting'), 300))]);
    assert.equal(early, 'still waiting');
    const started = Date.now();
    await em.close();
    assert.ok(Date.now() - started < 1000, `close took ${Date.now() - started}ms`);
    assert.equal(await pending, 'ECONNRESET');
  });

  it('hang with ms answers normally after the delay', async () => {
    emulator.setFault('jwks', { type: 'hang', ms: 150 });
    const started = Date.now();
    const res = await raw(jwksUrl);
    assert.ok(Date.now() - started >= 140);
    assert.equal(res.status, 200);
  });

  it('times limits a fault to the next N requests; null and clearFaults remove faults', async () => {
    emulator.setFault('jwks', { type: 'status', status: 503 }, { times: 2 });
    assert.deepEqual([(await raw(jwksUrl)).status, (await raw(jwksUrl)).status, (await raw(jwksUrl)).status], [503, 503, 200]);
    emulator.setFault('jwks', { type: 'status', status: 500 });
    emulator.setFault('jwks', null);
    assert.equal((await raw(jwksUrl)).status, 200);
    emulator.setFault('jwks', { type: 'status', status: 500 });
    emulator.setFault('graph.me', { type: 'status', status: 500 });
    emulator.clearFaults();
    assert.equal((await raw(jwksUrl)).status, 200);
    assert.equal((await raw(meUrl, { headers: { Authorization: `Bearer ${token}` } })).status, 200);
  });

  it('counts requests per route (faulted ones included) and in total (unknown paths included)', async () => {
    emulator.resetCounts();
    assert.equal(emulator.requests(), 0);
    assert.equal(emulator.connections(), 0);
    const code = await getCode(emulator, 'personal'); // GET + POST authorize
    await redeem(emulator, code);
    emulator.setFault('jwks', { type: 'status', status: 500 }, { times: 1 });
    await raw(jwksUrl);
    await raw(jwksUrl);
    await raw(`${emulator.authority()}/v2.0/.well-known/openid-configuration`);
    await raw(`${emulator.authority()}/oauth2/v2.0/logout`);
    await raw(meUrl, { headers: { Authorization: `Bearer ${token}` } });
    await raw(`${emulator.graphBaseURL}/me/photo/$value`, { headers: { Authorization: `Bearer ${token}` } });
    await raw(`${emulator.url}/not/a/route`);
    const expected: Record<EmulatorRoute, number> = {
      authorize: 2, token: 1, jwks: 2, discovery: 1, logout: 1, 'graph.me': 1, 'graph.photo': 1,
    };
    assert.deepEqual(emulator.requestCounts(), expected);
    assert.equal(emulator.requests('jwks'), 2);
    assert.equal(emulator.requests(), 10);
    assert.equal(emulator.connections(), 10, 'one connection per request without keep-alive');
    emulator.resetCounts();
    assert.equal(emulator.requests(), 0);
    assert.equal(emulator.requests('authorize'), 0);
    assert.equal(emulator.connections(), 0);
  });

  it('counts one connection for keep-alive requests, and close() ends idle keep-alive sockets', async () => {
    const { em, jwks } = await own();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 5; i++) assert.equal((await attempt(jwks, {}, agent)).status, 200);
      assert.equal(em.requests('jwks'), 5);
      assert.equal(em.connections(), 1);
      const started = Date.now();
      await em.close();
      assert.ok(Date.now() - started < 1000);
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
      await raw(`${logged.graphBaseURL}/me`, { headers: { Authorization: `Bearer ${String(body['access_token'])}` } });
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(lines.length, 4);
      assert.match(lines[2] ?? '', /^POST \/common\/oauth2\/v2\.0\/token token 200 \d+ms$/);
      const all = lines.join('\n');
      for (const secret of [code, String(body['access_token']), String(body['refresh_token']), String(body['id_token']), DEFAULT_CLIENT.clientSecret]) {
        assert.equal(all.includes(secret), false);
      }
    } finally {
      await logged.close();
    }
  });

  it('close() is idempotent', async () => {
    const { em, jwks } = await own();
    assert.equal((await raw(jwks)).status, 200);
    await Promise.all([em.close(), em.close()]);
    await em.close();
    await assert.rejects(raw(jwks));
  });
});
