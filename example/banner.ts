/**
 * What `npm start` prints once the app listens. example/README.md shows the emulator-mode banner;
 * test/example/config.test.ts checks that the two agree.
 */
import { DEMO_TENANT_DOMAINS, DEMO_TENANT_ID } from 'microsoft-identity-emulator';
import type { EmulatorUser } from 'microsoft-identity-emulator';

/** What the banner reports. */
export interface BannerInput {
  /** The app's BASE_URL. */
  baseURL: string;
  /** Emulator mode: the emulator's URL, its accounts and the tenant the app signs in through. */
  emulator?: { url: string; users: readonly EmulatorUser[]; tenant: string };
  /** Microsoft mode: the authority and the client id. */
  microsoft?: { authority: string; clientID: string };
  /** The session store, e.g. `memory (this process only)`. */
  sessions: string;
  /** True when SESSION_SECRET was not set and a random one is used. */
  sessionSecretGenerated: boolean;
}

/** The tenant a guest belongs to, as MICROSOFT_TENANT would name it. */
function tenantOf(user: EmulatorUser): string {
  return user.tid === DEMO_TENANT_ID ? (DEMO_TENANT_DOMAINS[0] ?? user.tid) : user.tid;
}

/**
 * The account column: its kind. A guest is reached only through its tenant; through `common` or
 * `organizations` the guest signs in with its home account, as at Microsoft.
 */
function kindOf(user: EmulatorUser, tenant: string): string {
  if (user.kind !== 'guest') return user.kind;
  const home = tenantOf(user);
  return tenant.toLowerCase() === home || tenant.toLowerCase() === user.tid
    ? 'guest'
    : `guest (with MICROSOFT_TENANT=${home})`;
}

/**
 * Whether the banner lists `user` for the app's tenant: the accounts the emulator's picker offers
 * (personal accounts only through `consumers`, the tenant's own accounts through a tenant), and
 * under `common` and `organizations` the guest too, with the tenant it needs.
 */
function listed(user: EmulatorUser, tenant: string): boolean {
  const t = tenant.toLowerCase();
  const personal = user.kind === 'personal';
  if (t === 'common') return true;
  if (t === 'organizations') return !personal;
  if (t === 'consumers') return personal;
  const tid = DEMO_TENANT_DOMAINS.some((d) => d.toLowerCase() === t) ? DEMO_TENANT_ID : t;
  return !personal && user.tid.toLowerCase() === tid.toLowerCase();
}

/** The banner's lines. */
export function startBanner(input: BannerInput): string[] {
  const lines = ['', `  Sample app:      ${input.baseURL}/`];
  const { emulator, microsoft } = input;
  if (emulator) {
    lines.push(`  Microsoft:       local emulator at ${emulator.url} (no MICROSOFT_CLIENT_ID set)`);
    lines.push('  Demo accounts (pick one on the emulator sign-in page, no password):');
    const users = emulator.users.filter((u) => listed(u, emulator.tenant));
    const nameWidth = Math.max(...users.map((u) => u.displayName.length)) + 2;
    const addressWidth = Math.max(...users.map((u) => u.preferredUsername.length)) + 2;
    for (const user of users)
      lines.push(
        `    - ${user.displayName.padEnd(nameWidth)}${user.preferredUsername.padEnd(addressWidth)}${kindOf(user, emulator.tenant)}`,
      );
  } else if (microsoft) {
    lines.push(`  Microsoft:       ${microsoft.authority} (client ${microsoft.clientID})`);
    lines.push(
      `  Redirect URI:    ${input.baseURL}/login/callback  (must be registered under Authentication > Web)`,
    );
  }
  const api = `${input.baseURL}/api/tasks`;
  lines.push(`  API:             ${api} (bearer tokens; try it signed in at /tasks)`);
  if (emulator)
    lines.push(`  Daemon:          EMULATOR_URL=${emulator.url} API_URL=${api} npm run daemon`);
  lines.push(`  Sessions:        ${input.sessions}`);
  if (input.sessionSecretGenerated)
    lines.push(
      '  SESSION_SECRET:  not set, using a random one: sessions end when the app restarts',
    );
  lines.push('', '  Press Ctrl+C to stop.', '');
  return lines;
}
