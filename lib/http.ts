/**
 * The one outbound HTTP helper: keep-alive connections, a deadline for the whole exchange, a cap
 * on the body size, and typed errors. Built on node:http/https to keep CPU per login low.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { MicrosoftHttpError } from './errors.js';
import type { MicrosoftEndpoint } from './errors.js';

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 256 });

/** One outbound request. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  endpoint: MicrosoftEndpoint;
  headers?: OutgoingHttpHeaders;
  body?: string;
  /** Deadline for connect + response + body, in ms. */
  timeout: number;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
}

/** A complete response. */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface Target {
  secure: boolean;
  options: { protocol: string; hostname: string; port: number | undefined; path: string };
}

// A strategy calls the same few URLs (token, Graph /me, photo, JWKS) on every login; parsing each
// once keeps URL parsing off the per-login path. Bounded so arbitrary URLs cannot grow it.
const targets = new Map<string, Target>();
/** Longest delay a Node timer holds; a longer one would fire after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_TARGETS = 256;

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (target === undefined) {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:')
      throw new TypeError(`unsupported protocol ${u.protocol}`);
    target = {
      secure: u.protocol === 'https:',
      options: {
        protocol: u.protocol,
        hostname: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port === '' ? undefined : Number(u.port),
        path: `${u.pathname}${u.search}`,
      },
    };
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(url, target);
  }
  return target;
}

/** The URL without query or fragment, for messages. */
export function describeURL(url: string): string {
  const i = url.search(/[?#]/);
  return i === -1 ? url : url.slice(0, i);
}

function classify(err: NodeJS.ErrnoException, req: HttpRequest): MicrosoftHttpError {
  const where = `${req.method} ${describeURL(req.url)}`;
  if (err.code === 'ECONNREFUSED')
    return new MicrosoftHttpError(
      'connection_refused',
      req.endpoint,
      describeURL(req.url),
      `${where}: connection refused`,
      { cause: err },
    );
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || err.message === 'aborted') {
    return new MicrosoftHttpError(
      'connection_reset',
      req.endpoint,
      describeURL(req.url),
      `${where}: connection reset before the response was complete`,
      { cause: err },
    );
  }
  return new MicrosoftHttpError(
    'network',
    req.endpoint,
    describeURL(req.url),
    `${where}: ${err.code ?? err.message}`,
    { cause: err },
  );
}

/**
 * Sends a request and reads the whole body. Rejects with a {@link MicrosoftHttpError} on timeout,
 * network failure, a body over `maxBytes`, or a body shorter than its `Content-Length`.
 */
export function send(req: HttpRequest): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    let target: Target;
    try {
      target = targetOf(req.url);
    } catch (cause) {
      reject(
        new MicrosoftHttpError(
          'network',
          req.endpoint,
          describeURL(req.url),
          `Invalid URL for ${req.endpoint}`,
          { cause },
        ),
      );
      return;
    }
    const secure = target.secure;
    const headers: OutgoingHttpHeaders = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
    let settled = false;
    const finish = (err: MicrosoftHttpError | null, res?: HttpResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(res as HttpResponse);
    };
    const request = (secure ? https : http).request(
      { ...target.options, method: req.method, headers, agent: secure ? httpsAgent : httpAgent },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > req.maxBytes) {
            finish(
              new MicrosoftHttpError(
                'body_too_large',
                req.endpoint,
                describeURL(req.url),
                `${req.method} ${describeURL(req.url)}: response body exceeds ${req.maxBytes} bytes`,
                { status: res.statusCode ?? 0 },
              ),
            );
            request.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => {
          if (!res.complete) return;
          finish(null, {
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size),
          });
        });
        res.on('aborted', () =>
          finish(classify(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), req)),
        );
        res.on('close', () => {
          if (!res.complete)
            finish(classify(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), req));
        });
        res.on('error', (err: NodeJS.ErrnoException) => finish(classify(err, req)));
      },
    );
    const timer = setTimeout(
      () => {
        finish(
          new MicrosoftHttpError(
            'timeout',
            req.endpoint,
            describeURL(req.url),
            `${req.method} ${describeURL(req.url)}: no complete response within ${req.timeout} ms`,
          ),
        );
        request.destroy();
      },
      Math.min(req.timeout, MAX_TIMER_MS),
    );
    request.on('error', (err: NodeJS.ErrnoException) => finish(classify(err, req)));
    request.end(req.body);
  });
}

/** `value` as a record of its properties when it is a non-null object, else `undefined`. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object'
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Parses a JSON body, or returns `undefined` when it is not JSON. */
export function parseJSON(body: Buffer | string): unknown {
  try {
    return JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * `Retry-After` in whole seconds (delta-seconds, decimal seconds such as `2.128` rounded up, or an
 * HTTP date), when present and sensible.
 */
export function retryAfterSeconds(headers: IncomingHttpHeaders): number | undefined {
  const raw = headers['retry-after'];
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (value === '') return undefined;
  if (/^\d+(?:\.\d+)?$/.test(value)) {
    const seconds = Math.ceil(Number(value));
    return Number.isSafeInteger(seconds) ? seconds : undefined;
  }
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
