/**
 * The one outbound HTTP helper: keep-alive connections, a deadline for the whole exchange, a cap
 * on the body size, and typed errors. Built on node:http/https to keep CPU per login low.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { MicrosoftHttpError } from '../errors.js';
import type { MicrosoftEndpoint } from '../errors.js';

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

/** A request waiting for its deadline: `onTimeout` until it settles, then `undefined`. */
interface Deadline {
  at: number;
  onTimeout: (() => void) | undefined;
}

/**
 * In-flight requests with the same timeout, in the order they started (so also in the order of
 * their deadlines), watched by one timer. A request that settles is dropped from the front as soon
 * as it gets there; the timer is armed for the oldest request still running and is never cleared
 * (it is unref'd, and finds nothing to do when the queue has emptied). This keeps the timer list
 * out of the per-request path: arming and clearing a Node timer for every request cost more than
 * the rest of the deadline bookkeeping.
 */
class DeadlineQueue {
  readonly #timeout: number;
  #queue: Deadline[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires; `Infinity` when none is armed. */
  #timerAt = Infinity;

  constructor(timeout: number) {
    this.#timeout = timeout;
  }

  /** Watches a new request; call `settle` on the returned entry when it ends. */
  add(onTimeout: () => void): Deadline {
    const entry: Deadline = { at: performance.now() + this.#timeout, onTimeout };
    this.#queue.push(entry);
    if (this.#timerAt === Infinity) this.#arm(entry.at);
    return entry;
  }

  /** The request ended (either way): its timeout can no longer fire. */
  settle(entry: Deadline): void {
    entry.onTimeout = undefined;
    this.#dropSettled();
  }

  #dropSettled(): void {
    const q = this.#queue;
    while (this.#head < q.length && q[this.#head]?.onTimeout === undefined) this.#head += 1;
    if (this.#head === q.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > q.length) {
      this.#queue = q.slice(this.#head);
      this.#head = 0;
    }
  }

  #arm(at: number): void {
    this.#timerAt = at;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const delay = Math.min(Math.max(0, at - performance.now()), MAX_TIMER_MS);
    this.#timer = setTimeout(() => this.#fire(), delay);
    this.#timer.unref();
  }

  #fire(): void {
    this.#timerAt = Infinity;
    const now = performance.now();
    // Take the expired requests off the queue first: their timeouts settle them, which edits the
    // queue.
    const expired: (() => void)[] = [];
    for (const entry of this.#queue.slice(this.#head)) {
      if (entry.onTimeout === undefined) continue;
      if (entry.at > now) break;
      expired.push(entry.onTimeout);
      entry.onTimeout = undefined;
    }
    this.#dropSettled();
    const next = this.#queue[this.#head];
    if (next !== undefined) this.#arm(next.at);
    for (const onTimeout of expired) onTimeout();
  }
}

/** One deadline queue per timeout value in use (a strategy uses one; tests use a few). */
const deadlines = new Map<number, DeadlineQueue>();

function deadlineQueue(timeout: number): DeadlineQueue {
  let queue = deadlines.get(timeout);
  if (queue === undefined) {
    if (deadlines.size >= MAX_TARGETS) deadlines.clear();
    queue = new DeadlineQueue(timeout);
    deadlines.set(timeout, queue);
  }
  return queue;
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
      queue.settle(deadline);
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
        // An aborted response ends in 'close' without being complete.
        res.on('close', () => {
          if (!res.complete)
            finish(classify(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), req));
        });
        res.on('error', (err: NodeJS.ErrnoException) => finish(classify(err, req)));
      },
    );
    const queue = deadlineQueue(req.timeout);
    const deadline = queue.add(() => {
      finish(
        new MicrosoftHttpError(
          'timeout',
          req.endpoint,
          describeURL(req.url),
          `${req.method} ${describeURL(req.url)}: no complete response within ${req.timeout} ms`,
        ),
      );
      request.destroy();
    });
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
