/**
 * The HTTP load of the API bench: closed-loop GET /api requests with `Authorization: Bearer` over
 * keep-alive connections, the app's CPU read before and after; and a burst of concurrent requests
 * on a fresh app (a cold key cache).
 */
import http from 'node:http';
import type { Child } from '../ipc.js';
import { pool } from '../client.js';
import type { ApiAppStats } from './http-app.js';
import type { TokenMode } from './shared.js';

/** What one HTTP batch measures. */
export interface HttpMeasured {
  requests: number;
  wallMs: number;
  /** App process CPU over the batch, µs. */
  appCpuMicros: number;
  /** Microseconds per request, as the client sees it. */
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
}

/** GET /api with `token`; resolves with the status and the body. */
function get(
  agent: http.Agent,
  url: string,
  token: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${url}/api`,
      { agent, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? NaN;
}

/**
 * `warm` requests, then `httpRequests` at `httpConcurrency` in flight. Distinct tokens: a slice of
 * the pool of its own per round, so no token repeats within a run of the same app.
 */
export async function measureHttp(
  app: Child,
  tokens: string[],
  mode: TokenMode,
  round: number,
  settings: { warm: number; httpRequests: number; httpConcurrency: number },
): Promise<HttpMeasured> {
  const url = (app.info as { url: string }).url;
  const agent = new http.Agent({ keepAlive: true, maxSockets: settings.httpConcurrency });
  const n = settings.httpRequests;
  const span = settings.warm + n;
  // Each round and mode gets its own window of the pool (wrapping when the pool is smaller).
  const base = (round * 2 + (mode === 'distinct' ? 0 : 1)) * span;
  const token = (i: number): string =>
    mode === 'repeated'
      ? (tokens[base % tokens.length] ?? '')
      : (tokens[(base + i) % tokens.length] ?? '');
  try {
    await pool(settings.warm, settings.httpConcurrency, (i) => get(agent, url, token(i)));
    await app.call('gc');
    const before = await app.call<ApiAppStats>('stats');
    const t0 = performance.now();
    let errors = 0;
    let firstError: string | undefined;
    const latencies = await pool(n, settings.httpConcurrency, async (i) => {
      const start = performance.now();
      const res = await get(agent, url, token(settings.warm + i));
      if (res.status !== 200) {
        errors += 1;
        firstError ??= `${res.status} ${res.body.slice(0, 200)}`;
      }
      return (performance.now() - start) * 1000;
    });
    const wallMs = performance.now() - t0;
    const after = await app.call<ApiAppStats>('stats');
    latencies.sort((a, b) => a - b);
    const out: HttpMeasured = {
      requests: n,
      wallMs,
      appCpuMicros: after.cpuMicros - before.cpuMicros,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      errors,
    };
    if (firstError !== undefined) out.firstError = firstError;
    return out;
  } finally {
    agent.destroy();
  }
}

/** All of `tokens` at once against a fresh app, one connection each. */
export async function coldBurst(app: Child, tokens: string[]): Promise<{ errors: number }> {
  const url = (app.info as { url: string }).url;
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  try {
    const results = await Promise.all(
      tokens.map((t) => get(agent, url, t).catch(() => ({ status: 0, body: '' }))),
    );
    return { errors: results.filter((r) => r.status !== 200).length };
  } finally {
    agent.destroy();
  }
}
