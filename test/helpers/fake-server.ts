/**
 * A tiny HTTP server on 127.0.0.1 that plays Microsoft's token endpoint and Microsoft Graph with
 * canned responses and records every request it receives.
 */
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the server received. */
export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Raw body text. */
  body: string;
  /** The body parsed as `application/x-www-form-urlencoded`. */
  form: URLSearchParams;
}

/** A canned response. A JSON-able `json` sets `content-type: application/json`. */
export interface CannedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Raw body. */
  body?: string | Buffer;
  /** Body serialized as JSON. */
  json?: unknown;
  /** Never answer (the socket stays open until the client gives up or the server closes). */
  hang?: boolean;
  /** Send the headers and part of the body, then destroy the connection. */
  reset?: boolean;
  /** Answer only once this promise settles. */
  after?: Promise<unknown>;
}

/** A response, or a function choosing one per request. */
export type Route = CannedResponse | ((req: RecordedRequest) => CannedResponse);

/** A running fake server. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  /** Requests received for one `METHOD /path`. */
  requestsTo(route: string): RecordedRequest[];
  /** Sets (or replaces) the response for `METHOD /path`, e.g. `POST /common/oauth2/v2.0/token`. */
  route(route: string, response: Route): void;
  /** Closes the server and every open connection. */
  close(): Promise<void>;
}

/**
 * Starts a fake server. Routes are keyed `METHOD /path` (query ignored). Unknown routes answer 404
 * with a Graph-style error body.
 */
export async function startFakeServer(routes: Record<string, Route> = {}): Promise<FakeServer> {
  const table = new Map<string, Route>(Object.entries(routes));
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = req.url ?? '/';
      const parsed = new URL(url, 'http://127.0.0.1');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url,
        path: parsed.pathname,
        query: parsed.searchParams,
        headers: req.headers,
        body,
        form: new URLSearchParams(body),
      };
      requests.push(recorded);
      const route = table.get(`${recorded.method} ${recorded.path}`);
      const canned: CannedResponse =
        route === undefined
          ? {
              status: 404,
              json: {
                error: {
                  code: 'NotFound',
                  message: `no route ${recorded.method} ${recorded.path}`,
                },
              },
            }
          : typeof route === 'function'
            ? route(recorded)
            : route;
      if (canned.hang === true) return;
      if (canned.after !== undefined) {
        const { after: _waited, ...rest } = canned;
        canned.after.then(
          () => answer(rest),
          () => answer(rest),
        );
        return;
      }
      answer(canned);
    });

    function answer(canned: CannedResponse): void {
      if (canned.reset === true) {
        res.writeHead(canned.status ?? 200, {
          'content-type': 'application/json',
          'content-length': '1000',
        });
        res.write('{"access_token":');
        setImmediate(() => res.socket?.destroy());
        return;
      }
      const headers: Record<string, string> = { ...canned.headers };
      let payload: string | Buffer = '';
      if (canned.json !== undefined) {
        payload = JSON.stringify(canned.json);
        headers['content-type'] ??= 'application/json; charset=utf-8';
      } else if (canned.body !== undefined) {
        payload = canned.body;
      }
      res.writeHead(canned.status ?? 200, headers);
      res.end(payload);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (route) => requests.filter((r) => `${r.method} ${r.path}` === route),
    route: (route, response) => {
      table.set(route, response);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A `http://127.0.0.1:<port>` origin where nothing listens (the port was just released). */
export async function closedPortURL(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
