/**
 * Canned Microsoft answers per `METHOD /path`, played by the emulator: every route of the emulator
 * answers from a table of canned responses (404 when the table has none), and every request is read
 * back from the emulator's request log. No HTTP server of its own.
 */
import type { KeyObject } from 'node:crypto';
import { EMULATOR_ROUTES, startEmulator } from 'microsoft-identity-emulator';
import type { Emulator, EmulatorFault, EmulatorRequest } from 'microsoft-identity-emulator';

/** One request the server received (the emulator's request log entry). */
export type RecordedRequest = EmulatorRequest;

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
  /** Send the headers and part of the body, then reset the connection. */
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
  readonly requests: RecordedRequest[];
  /** Requests received for one `METHOD /path`. */
  requestsTo(route: string): RecordedRequest[];
  /** Sets (or replaces) the response for `METHOD /path`, e.g. `POST /common/oauth2/v2.0/token`. */
  route(route: string, response: Route): void;
  /** The emulator playing the routes (its faults, counters and request log). */
  emulator: Emulator;
  /** Closes the server and every open connection. */
  close(): Promise<void>;
}

/** The emulator fault that sends a canned response. */
function faultOf(canned: CannedResponse): EmulatorFault {
  if (canned.hang === true) return { type: 'hang' };
  if (canned.reset === true) return { type: 'reset' };
  return {
    type: 'respond',
    ...(canned.status !== undefined ? { status: canned.status } : {}),
    ...(canned.headers !== undefined ? { headers: canned.headers } : {}),
    ...(canned.json !== undefined ? { json: canned.json } : {}),
    ...(canned.body !== undefined ? { body: canned.body } : {}),
  };
}

// One key set for every fake server of the run: canned answers never use the keys, and making RSA
// keys for each server would slow every test down.
let sharedKeys: Promise<KeyObject[]> | undefined;

async function startKeyedEmulator(): Promise<Emulator> {
  if (sharedKeys === undefined) {
    const first = startEmulator();
    sharedKeys = first.then((e) => e.signingKeys().map((k) => k.privateKey));
    return first;
  }
  return startEmulator({ keys: await sharedKeys });
}

/**
 * Starts a fake server. Routes are keyed `METHOD /path` (query ignored). Unknown routes answer 404
 * with a Graph-style error body.
 */
export async function startFakeServer(routes: Record<string, Route> = {}): Promise<FakeServer> {
  const table = new Map<string, Route>(Object.entries(routes));
  const emulator = await startKeyedEmulator();
  const answer = async (request: RecordedRequest): Promise<EmulatorFault> => {
    const route = table.get(`${request.method} ${request.path}`);
    const canned: CannedResponse =
      route === undefined
        ? {
            status: 404,
            json: {
              error: {
                code: 'NotFound',
                message: `no route ${request.method} ${request.path}`,
              },
            },
          }
        : typeof route === 'function'
          ? route(request)
          : route;
    if (canned.after !== undefined) await canned.after.catch(() => undefined);
    return faultOf(canned);
  };
  for (const route of EMULATOR_ROUTES) emulator.setFault(route, answer);
  return {
    url: emulator.url,
    get requests() {
      return emulator.requestLog();
    },
    requestsTo: (route) => emulator.requestLog().filter((r) => `${r.method} ${r.path}` === route),
    route: (route, response) => {
      table.set(route, response);
    },
    emulator,
    close: () => emulator.close(),
  };
}

/** A `http://127.0.0.1:<port>` origin where nothing listens (an emulator that was just closed). */
export async function closedPortURL(): Promise<string> {
  const emulator = await startKeyedEmulator();
  await emulator.close();
  return emulator.url;
}
