#!/usr/bin/env node
/**
 * The package's bin, `npx microsoft-identity-emulator` (`npm run emulator` in this repository): starts the emulator on `PORT` (default 4010), prints its URL, the demo client and
 * the demo accounts, and closes on SIGINT/SIGTERM.
 */
import { startEmulator } from './index.js';
import type { EmulatorOptions } from './index.js';

async function main(): Promise<void> {
  const rawPort = process.env['PORT'];
  const port = rawPort === undefined || rawPort === '' ? 4010 : Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`invalid PORT '${rawPort ?? ''}'`);
  const host = process.env['HOST'] ?? '127.0.0.1';
  const options: EmulatorOptions = { port, host };
  if (process.argv.includes('--unsafe-bind')) options.unsafeBind = true;
  if (process.env['EMULATOR_LOG'] !== '0')
    options.log = (line) => console.log(`[emulator] ${line}`);
  const emulator = await startEmulator(options);
  // Before the banner: whoever waits for "listening on" and then sends SIGTERM must reach this
  // handler, not Node's default (which would end the process without closing the server).
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: closing the emulator`);
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const client = emulator.clients[0];
  const lines = [
    `Microsoft identity platform emulator listening on ${emulator.url}`,
    `  authority (common):   ${emulator.authority()}`,
    `  discovery:            ${emulator.authority()}/v2.0/.well-known/openid-configuration`,
    `  Graph base URL:       ${emulator.graphBaseURL}`,
    `  External ID:          ${emulator.externalIdAuthority()}`,
    `  Azure AD B2C:         ${emulator.b2cAuthority()}`,
  ];
  if (client) {
    lines.push(`  client id:            ${client.clientID}`);
    if (client.clientSecret !== undefined)
      lines.push(`  client secret:        ${client.clientSecret}  (demo value)`);
    lines.push(
      `  redirect URIs:        ${client.redirectUris.join(', ')} (any port on localhost/127.0.0.1)`,
    );
  }
  lines.push('  demo accounts:');
  for (const user of emulator.users) {
    lines.push(
      `    ${user.key.padEnd(15)} ${user.kind.padEnd(9)} ${user.displayName} <${user.preferredUsername}>`,
    );
  }
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
