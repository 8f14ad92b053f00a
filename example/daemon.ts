/**
 * `npm run daemon`: a daemon (a background job, no user) that calls the sample's API with an
 * app-only token. It asks Microsoft's token endpoint for a token with its own credentials (the
 * OAuth 2.0 client credentials grant, scope `<Application ID URI>/.default`), then calls
 * `GET /api/tasks` with it and prints the answer. It never prints the token.
 *
 * Against the emulator `npm start` runs (its banner prints this command):
 *   EMULATOR_URL=http://127.0.0.1:<port> API_URL=http://localhost:3000/api/tasks npm run daemon
 * Against Microsoft: MICROSOFT_TENANT (tenant ID or domain), MICROSOFT_DAEMON_CLIENT_ID,
 * MICROSOFT_DAEMON_CLIENT_SECRET, MICROSOFT_API_CLIENT_ID (or MICROSOFT_API_APP_ID_URI), and
 * optionally MICROSOFT_AUTHORITY_HOST (default https://login.microsoftonline.com).
 */
import { DEMO_API, DEMO_DAEMON_CLIENT, DEMO_TENANT_ID } from 'microsoft-identity-emulator';

/** Where the daemon gets its token and what it asks for. */
interface DaemonSettings {
  tokenURL: string;
  clientID: string;
  clientSecret: string;
  /** `<Application ID URI>/.default`: every app role the daemon was granted on the API. */
  scope: string;
  apiURL: string;
}

class SettingsError extends Error {}

function env(name: string): string | undefined {
  const v = process.env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function required(name: string, what: string): string {
  const v = env(name);
  if (v === undefined) throw new SettingsError(`${name} is not set: ${what}`);
  return v;
}

function readSettings(): DaemonSettings {
  const apiURL = env('API_URL') ?? 'http://localhost:3000/api/tasks';
  const clientID = env('MICROSOFT_DAEMON_CLIENT_ID');
  if (clientID === undefined) {
    const emulator = required(
      'EMULATOR_URL',
      'set it to the emulator URL that `npm start` prints (or set the MICROSOFT_DAEMON_* settings to use Microsoft)',
    ).replace(/\/+$/, '');
    return {
      // Client credentials need a tenant: `common` cannot say whose token it would be.
      tokenURL: `${emulator}/${DEMO_TENANT_ID}/oauth2/v2.0/token`,
      clientID: DEMO_DAEMON_CLIENT.clientID,
      clientSecret: DEMO_DAEMON_CLIENT.clientSecret,
      scope: `${DEMO_API.api.applicationIdUri}/.default`,
      apiURL,
    };
  }
  const tenant = required('MICROSOFT_TENANT', 'the tenant ID or domain the daemon belongs to');
  const host = env('MICROSOFT_AUTHORITY_HOST') ?? 'https://login.microsoftonline.com';
  const appIdUri =
    env('MICROSOFT_API_APP_ID_URI') ??
    `api://${required('MICROSOFT_API_CLIENT_ID', "the API's Application (client) ID")}`;
  return {
    tokenURL: `${host.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`,
    clientID,
    clientSecret: required('MICROSOFT_DAEMON_CLIENT_SECRET', "the daemon's client secret Value"),
    scope: `${appIdUri}/.default`,
    apiURL,
  };
}

/** Microsoft's token response (success or error). */
interface TokenResponse {
  access_token?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
  error_codes?: number[];
}

/** An app-only access token, or throws with Microsoft's error (AADSTS code and first line). */
async function appOnlyToken(s: DaemonSettings): Promise<{ token: string; expiresIn?: number }> {
  const res = await fetch(s.tokenURL, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: s.clientID,
      client_secret: s.clientSecret,
      scope: s.scope,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json().catch(() => ({}))) as TokenResponse;
  if (!res.ok || typeof body.access_token !== 'string') {
    const code = body.error_codes?.[0];
    const first = (body.error_description ?? '').split(/\r?\n/)[0];
    throw new Error(
      `the token endpoint answered ${res.status} ${body.error ?? ''}${code !== undefined ? ` (AADSTS${code})` : ''}: ${first}`,
    );
  }
  return {
    token: body.access_token,
    ...(body.expires_in !== undefined ? { expiresIn: body.expires_in } : {}),
  };
}

async function main(): Promise<number> {
  const s = readSettings();
  const { token, expiresIn } = await appOnlyToken(s);
  process.stdout.write(
    `Token: app-only, client ${s.clientID}, scope ${s.scope}${expiresIn !== undefined ? `, expires in ${expiresIn} s` : ''}\n`,
  );
  const res = await fetch(s.apiURL, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    signal: AbortSignal.timeout(10_000),
  });
  process.stdout.write(`GET ${s.apiURL}: ${res.status}\n`);
  const challenge = res.headers.get('www-authenticate');
  if (challenge !== null) process.stdout.write(`WWW-Authenticate: ${challenge}\n`);
  const text = await res.text();
  try {
    process.stdout.write(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  } catch {
    process.stdout.write(`${text}\n`);
  }
  return res.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`The daemon failed: ${message}\n`);
    process.exit(1);
  },
);
