/**
 * `npm start`: runs the sample app.
 *
 * - No Microsoft settings: starts the Microsoft emulator in-process on a free port and signs in
 *   against it (demo accounts, no password), so the app works offline out of the box.
 * - `MICROSOFT_CLIENT_ID` + `MICROSOFT_CLIENT_SECRET`: signs in with Microsoft.
 *
 * Settings: see example/.env.example.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { once } from 'node:events';
import { DEFAULT_CLIENT, DEMO_API, startEmulator } from 'microsoft-identity-emulator';
import type { Emulator } from 'microsoft-identity-emulator';
import { createApp } from './app.js';
import { startBanner } from './banner.js';
import { ConfigError, envWarnings, readEnv, toAppConfig } from './config.js';
import type { EnvSettings } from './config.js';
import { openSessionStore } from './session-store.js';
import type { SessionStore } from './session-store.js';

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Stops the process with a message and no stack trace. */
function die(message: string): never {
  process.stderr.write(`\n${message}\n\n`);
  process.exit(1);
}

async function listen(server: Server, port: number, host: string | undefined): Promise<number> {
  server.listen(port, host);
  try {
    await once(server, 'listening');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      die(
        `Port ${port} is already in use: stop the other process or set PORT to a free port (e.g. PORT=3001 npm start).`,
      );
    if (code === 'EACCES')
      die(`Port ${port} needs elevated privileges: set PORT to a number above 1023.`);
    throw err;
  }
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : port;
}

async function main(): Promise<void> {
  let settings: EnvSettings;
  try {
    settings = readEnv(process.env);
  } catch (err) {
    if (err instanceof ConfigError)
      die(`Configuration error: ${err.message}\nSee example/.env.example for every setting.`);
    throw err;
  }
  for (const warning of envWarnings(process.env)) process.stderr.write(`\n${warning}\n`);

  let emulator: Emulator | undefined;
  let sessions: SessionStore | undefined;
  const server = createServer();
  // The emulator signs anybody in, so in that mode the app listens on the loopback interface only.
  const port = await listen(server, settings.port, settings.microsoft ? undefined : '127.0.0.1');

  try {
    sessions = await openSessionStore(settings.redisURL);
  } catch (err) {
    server.close();
    die((err as Error).message);
  }

  if (!settings.microsoft) {
    emulator = await startEmulator();
  }
  const { config, sessionSecretGenerated } = toAppConfig(
    settings,
    port,
    emulator && {
      url: emulator.url,
      authority: emulator.authority(settings.emulatorTenant),
      graphBaseURL: emulator.graphBaseURL,
      clientID: DEFAULT_CLIENT.clientID,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      api: { clientID: DEMO_API.clientID, scope: `${DEMO_API.api.applicationIdUri}/Tasks.Read` },
    },
  );
  const { app, strategy } = createApp(
    config,
    sessions.store ? { sessionStore: sessions.store } : {},
  );
  server.on('request', app);

  const banner = startBanner({
    baseURL: config.baseURL,
    ...(emulator
      ? { emulator: { url: emulator.url, users: emulator.users, tenant: settings.emulatorTenant } }
      : {
          microsoft: {
            authority: strategy.endpoints.authority,
            clientID: config.microsoft.clientID,
          },
        }),
    sessions: sessions.description,
    sessionSecretGenerated,
  });
  for (const line of banner) out(line);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    out(`\n${signal}: stopping…`);
    server.close();
    server.closeAllConnections();
    void Promise.allSettled([sessions.close(), emulator?.close()]).then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  die(`The sample app could not start: ${err instanceof Error ? err.message : String(err)}`);
});
