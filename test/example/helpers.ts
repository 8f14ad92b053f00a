/**
 * Helpers for the sample-app tests: start the app on 127.0.0.1, and read its pages. The browser
 * stand-in is test/helpers/browser.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from 'express-session';
import { DEFAULT_CLIENT, DEMO_API } from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import type { Strategy } from '../../lib/passport/strategy.js';
import { createApp } from '../../example/app.js';
import type { ApiSettings, AppConfig } from '../../example/config.js';

/** A running sample app. */
export interface RunningApp {
  /** Where this instance listens, `http://127.0.0.1:<port>`. */
  url: string;
  /** The app's BASE_URL (the address browsers use; equals `url` unless a proxy/balancer is simulated). */
  baseURL: string;
  strategy: Strategy;
  /** Diagnostic lines the app logged. */
  logs: string[];
  close(): Promise<void>;
}

/** Options of {@link startApp}. */
export interface StartOptions extends Partial<Omit<AppConfig, 'microsoft'>> {
  sessionStore?: Store;
  /** Client registered at the emulator; default DEFAULT_CLIENT. */
  client?: { clientID: string; clientSecret: string };
  tenant?: string;
  /** The API of `/api/tasks`; default DEMO_API. */
  api?: ApiSettings;
  /** BASE_URL `http://localhost:<port>` instead of `http://127.0.0.1:<port>` (what browsers use with `npm start`). */
  localhost?: boolean;
}

/** A session secret for tests (≥ 32 characters). */
export const TEST_SECRET = 'test-session-secret-0123456789abcdefghij';

/**
 * Starts the sample app against `emulator` on a free 127.0.0.1 port. BASE_URL defaults to the
 * instance's own address.
 */
export async function startApp(
  emulator: Emulator,
  options: StartOptions = {},
): Promise<RunningApp> {
  const server = http.createServer();
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const baseURL =
    options.baseURL ?? (options.localhost ? url.replace('127.0.0.1', 'localhost') : url);
  const client = options.client ?? DEFAULT_CLIENT;
  const config: AppConfig = {
    baseURL,
    microsoft: {
      clientID: client.clientID,
      clientSecret: client.clientSecret,
      tenant: 'common',
      cloud: 'global',
      authority: emulator.authority(options.tenant ?? 'common'),
      graphBaseURL: emulator.graphBaseURL,
    },
    api: options.api ?? {
      clientID: DEMO_API.clientID,
      scope: `${DEMO_API.api.applicationIdUri}/Tasks.Read`,
    },
    sessionSecret: options.sessionSecret ?? TEST_SECRET,
    trustProxy: options.trustProxy ?? false,
    responseMode: options.responseMode ?? 'query',
    emulatorURL: emulator.url,
  };
  const logs: string[] = [];
  const { app, strategy } = createApp(config, {
    log: (line) => logs.push(line),
    ...(options.sessionStore ? { sessionStore: options.sessionStore } : {}),
  });
  server.on('request', app);
  return {
    url,
    baseURL,
    strategy,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Decodes the few entities the sample app's pages use. */
export function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The value of element `id`'s text in `html`, or undefined. */
export function byId(html: string, id: string): string | undefined {
  const match = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html);
  return match?.[1] === undefined ? undefined : text(match[1]);
}

/** The hidden CSRF field of the sign-out form. */
export function csrfField(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match?.[1]) throw new Error('no sign-out form on the page');
  return match[1];
}
