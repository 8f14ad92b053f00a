/**
 * Small node:http helpers shared by the emulator routes.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** Largest request body the emulator reads (bytes). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Thrown by {@link readBody} when the body exceeds {@link MAX_BODY_BYTES}. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** Reads the whole request body as UTF-8 (at most {@link MAX_BODY_BYTES}). */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLargeError('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Sends a JSON response with `Content-Length`. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
  contentType = 'application/json; charset=utf-8',
): void {
  const data = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': data.length, ...headers });
  res.end(data);
}

/** Sends an HTML page. */
export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: OutgoingHttpHeaders = {},
): void {
  const data = Buffer.from(html, 'utf8');
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': data.length,
    'Cache-Control': 'no-store, no-cache',
    ...headers,
  });
  res.end(data);
}

/** Sends a 302 redirect. */
export function sendRedirect(res: ServerResponse, location: string): void {
  res.writeHead(302, {
    Location: location,
    'Content-Length': 0,
    'Cache-Control': 'no-store, no-cache',
  });
  res.end();
}

/** First value of a header. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Whether `hostname` is a loopback host name for which Microsoft ignores the redirect URI port. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** Both strings parsed as URLs, or `undefined` when either is not one. */
function parseBoth(registered: string, candidate: string): [URL, URL] | undefined {
  try {
    return [new URL(registered), new URL(candidate)];
  } catch {
    return undefined;
  }
}

/** Both `http:` on the same loopback host, whatever their ports. */
function sameLoopbackHost(a: URL, b: URL): boolean {
  return (
    a.protocol === 'http:' &&
    b.protocol === 'http:' &&
    isLoopbackHost(a.hostname) &&
    a.hostname === b.hostname
  );
}

/**
 * Microsoft's redirect-URI match: exact string equality, except that for `http` loopback hosts
 * (`localhost`, `127.0.0.1`, `[::1]`) the port is ignored.
 */
export function redirectUriMatches(registered: string, candidate: string): boolean {
  if (registered === candidate) return true;
  const urls = parseBoth(registered, candidate);
  if (urls === undefined) return false;
  const [a, b] = urls;
  return (
    sameLoopbackHost(a, b) &&
    a.pathname === b.pathname &&
    a.search === b.search &&
    a.username === '' &&
    b.username === '' &&
    b.hash === ''
  );
}

/** Whether `candidate` has the origin of `registered` (loopback port ignored). */
export function originMatches(registered: string, candidate: string): boolean {
  const urls = parseBoth(registered, candidate);
  if (urls === undefined) return false;
  const [a, b] = urls;
  return a.origin === b.origin || sameLoopbackHost(a, b);
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
