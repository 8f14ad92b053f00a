#!/usr/bin/env node
/**
 * The package's bin, `npx microsoft-identity-emulator` (`npm run emulator` in this repository):
 * starts the emulator as its flags and environment say (`--help`), prints the lines to copy (URL,
 * client, `NODE_EXTRA_CA_CERTS`) and the demo accounts, and closes on SIGINT/SIGTERM.
 */
import { DEMO_TENANT_ID, startEmulator } from './index.js';
import type { Emulator } from './index.js';
import { USAGE, parseCommandLine } from './cli-options.js';

/** The banner: where the emulator is, what to copy into a client's configuration, the accounts. */
export function banner(emulator: Emulator, caFile: string | undefined): string {
  const client = emulator.clients[0];
  const lines = [
    `Microsoft identity platform emulator listening on ${emulator.listenURL}`,
    `  URL:                  ${emulator.url}`,
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
    lines.push(`  redirect URIs:        ${client.redirectUris.join(', ')}`);
    lines.push('                        (any port on http://localhost and http://127.0.0.1)');
  }
  const caPath = emulator.caCertificatePath ?? caFile;
  if (caPath !== undefined) {
    lines.push('  Node.js clients trust its certificate with (read at process start):');
    lines.push(`    NODE_EXTRA_CA_CERTS=${caPath}`);
  }
  const host = new URL(emulator.url).host;
  lines.push(
    `  MSAL:                 authority ${emulator.authority()}, knownAuthorities ['${host}']`,
  );
  if (client) {
    lines.push('  Auth.js (.env; a tenant issuer, since common has a templated one):');
    lines.push(`    AUTH_MICROSOFT_ENTRA_ID_ID=${client.clientID}`);
    if (client.clientSecret !== undefined)
      lines.push(`    AUTH_MICROSOFT_ENTRA_ID_SECRET=${client.clientSecret}`);
    lines.push(`    AUTH_MICROSOFT_ENTRA_ID_ISSUER=${emulator.issuer(DEMO_TENANT_ID)}`);
  }
  lines.push('  demo accounts:');
  for (const user of emulator.users) {
    lines.push(
      `    ${user.key.padEnd(15)} ${user.kind.padEnd(9)} ${user.displayName} <${user.preferredUsername}>`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const settings = parseCommandLine(process.argv.slice(2), process.env);
  if (settings.help) {
    console.log(USAGE);
    return;
  }
  const options = settings.options;
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
  console.log(banner(emulator, settings.caFile));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
