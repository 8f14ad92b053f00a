/**
 * Fault injection: per-route faults set with `Emulator.setFault`, applied before the route handler.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Core, Exchange } from './context.js';
import { aadsts } from './aadsts.js';
import { aadErrorBody, graphErrorBody, newTrace } from './error-bodies.js';
import { graphUser } from './graph-routes.js';
import { header, sendHtml, sendJson } from './http-helpers.js';
import { discoveryDocument } from './metadata.js';
import { faultHtmlPage } from './pages.js';
import type { TenantPath } from './tenants.js';
import type {
  EmulatorFault,
  EmulatorFaultFunction,
  EmulatorResponse,
  EmulatorRoute,
} from './emulator-types.js';

/** The `common` tenant path. */
const COMMON: TenantPath = { segment: 'common', kind: 'common', tid: null, identity: 'common' };

/** Default size of the `huge` fault body: 1.5 MiB. */
export const DEFAULT_HUGE_BYTES = 1.5 * 1024 * 1024;

/** A fault with its remaining use count (`Infinity` = until cleared). */
export interface ActiveFault {
  fault: EmulatorFault | EmulatorFaultFunction;
  remaining: number;
}

/** Waits `ms`, resolving early (with `false`) when `signal` aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms <= 0) return !signal.aborted;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function isGraph(route: EmulatorRoute): boolean {
  return route === 'graph.me' || route === 'graph.photo';
}

/** A plausible JSON body of the route, used by the `truncated` fault. */
function sampleBody(core: Core, route: EmulatorRoute): string {
  switch (route) {
    case 'token':
      return JSON.stringify({
        token_type: 'Bearer',
        scope: 'openid profile email User.Read',
        expires_in: core.accessTokenLifetimeSeconds,
        ext_expires_in: core.accessTokenLifetimeSeconds,
        access_token: `EwB${randomBytes(96).toString('base64url')}`,
        id_token: `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${randomBytes(200).toString('base64url')}.${randomBytes(256).toString('base64url')}`,
      });
    case 'jwks':
      return JSON.stringify(core.keys.jwks(COMMON));
    case 'discovery':
      return JSON.stringify(discoveryDocument(core.url, COMMON));
    case 'graph.me': {
      const user = core.users[0];
      return JSON.stringify({
        '@odata.context': `${core.url}/v1.0/$metadata#users/$entity`,
        ...(user ? graphUser(user) : {}),
      });
    }
    default:
      return JSON.stringify({
        route,
        message: 'Emulated response body that will not arrive complete.',
        data: randomBytes(64).toString('base64url'),
      });
  }
}

/** Graph's error code and message for a status fault without a body of its own. */
const GRAPH_STATUS_ERRORS: Readonly<Record<number, readonly [string, string]>> = {
  401: ['InvalidAuthenticationToken', 'Access token validation failure.'],
  403: ['Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'],
  404: ['itemNotFound', 'The resource could not be found.'],
  429: ['TooManyRequests', 'Too many requests.'],
  503: ['serviceNotAvailable', 'Service unavailable.'],
  504: ['gatewayTimeout', 'Gateway timeout.'],
};
const GRAPH_SERVER_ERROR = ['generalException', 'General exception while processing.'] as const;
const GRAPH_CLIENT_ERROR = ['BadRequest', 'Bad request.'] as const;

/** Sends a `status` fault: Retry-After, and a Graph- or identity-platform-shaped error body (or the given body). */
function sendStatusFault(
  core: Core,
  ex: Exchange,
  route: EmulatorRoute,
  fault: Extract<EmulatorFault, { type: 'status' }>,
): void {
  const headers: Record<string, string | number> = {};
  if (fault.retryAfter !== undefined) headers['Retry-After'] = fault.retryAfter;
  const status = fault.status;
  if (fault.body !== undefined) {
    const data = Buffer.from(fault.body, 'utf8');
    ex.res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': data.length,
      ...headers,
    });
    ex.res.end(data);
    return;
  }
  if (isGraph(route)) {
    const requestId = randomUUID();
    const [code, message] =
      GRAPH_STATUS_ERRORS[status] ?? (status >= 500 ? GRAPH_SERVER_ERROR : GRAPH_CLIENT_ERROR);
    headers['request-id'] = requestId;
    sendJson(
      ex.res,
      status,
      graphErrorBody(code, message, requestId, header(ex.req, 'client-request-id') ?? requestId),
      headers,
    );
    return;
  }
  const error =
    status === 429 || status === 503
      ? 'temporarily_unavailable'
      : status >= 500
        ? 'server_error'
        : 'invalid_request';
  const trace = newTrace(header(ex.req, 'client-request-id'));
  sendJson(
    ex.res,
    status,
    aadErrorBody(core.url, error, 90033, aadsts(90033).message, trace),
    headers,
  );
}

function hugeBody(core: Core, route: EmulatorRoute, bytes: number): Buffer {
  const prefix = isGraph(route)
    ? `{"@odata.context":"${core.url}/v1.0/$metadata#users/$entity","padding":"`
    : '{"token_type":"Bearer","padding":"';
  const suffix = '"}';
  const pad = Math.max(0, bytes - prefix.length - suffix.length);
  return Buffer.concat([Buffer.from(prefix), Buffer.alloc(pad, 0x61), Buffer.from(suffix)]);
}

/** Sends a `respond` fault: its status, headers and body, with `Content-Length` unless given. */
export function sendResponse(ex: Exchange, response: EmulatorResponse): void {
  const headers: Record<string, string | number> = { ...response.headers };
  const named = (name: string): boolean =>
    Object.keys(headers).some((h) => h.toLowerCase() === name);
  let data: Buffer;
  if (response.json !== undefined) {
    data = Buffer.from(JSON.stringify(response.json), 'utf8');
    if (!named('content-type')) headers['Content-Type'] = 'application/json; charset=utf-8';
  } else data = Buffer.from(response.body ?? '');
  if (!named('content-length')) headers['Content-Length'] = data.length;
  ex.res.writeHead(response.status ?? 200, headers);
  ex.res.end(data);
}

/**
 * Applies `fault` to the exchange. Returns `true` when the fault produced (or abandoned) the response,
 * `false` when the normal handler must still run (latency, or `hang` with `ms`).
 */
export async function applyFault(
  core: Core,
  ex: Exchange,
  route: EmulatorRoute,
  fault: EmulatorFault,
  signal: AbortSignal,
): Promise<boolean> {
  const { res } = ex;
  switch (fault.type) {
    case 'latency':
      return !(await sleep(fault.ms, signal));
    case 'hang':
      if (fault.ms !== undefined) return !(await sleep(fault.ms, signal));
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        signal.addEventListener('abort', () => resolve(), { once: true });
        ex.req.socket.once('close', () => resolve());
      });
      return true;
    case 'status':
      sendStatusFault(core, ex, route, fault);
      return true;
    case 'respond':
      sendResponse(ex, fault);
      return true;
    case 'html':
      sendHtml(res, fault.status ?? 500, faultHtmlPage(fault.status ?? 500));
      return true;
    case 'malformed-json': {
      const data = Buffer.from(
        '{"token_type":"Bearer","expires_in":3599,,"access_token":<html>\n',
        'utf8',
      );
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': data.length,
      });
      res.end(data);
      return true;
    }
    case 'huge': {
      const data = hugeBody(core, route, fault.bytes ?? DEFAULT_HUGE_BYTES);
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': data.length,
      });
      res.end(data);
      return true;
    }
    case 'truncated':
    case 'reset': {
      const data = Buffer.from(sampleBody(core, route), 'utf8');
      const half = data.subarray(0, Math.floor(data.length / 2));
      res.writeHead(200, {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': data.length,
      });
      res.flushHeaders();
      const socket = res.socket;
      await new Promise<void>((resolve) => {
        res.write(half, () => resolve());
      });
      if (!socket) return true;
      if (fault.type === 'truncated') {
        socket.end();
        return true;
      }
      // An immediate reset right after the write callback is sometimes sent as a FIN; a few ms later it
      // reliably goes out as a TCP RST (ECONNRESET on the client).
      await sleep(5, signal);
      if (!socket.destroyed) socket.resetAndDestroy();
      return true;
    }
  }
}
