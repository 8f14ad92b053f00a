/**
 * The command line of `microsoft-identity-emulator`: flags and environment variables to
 * {@link EmulatorOptions}. Flags win over environment variables.
 */
import { readFileSync } from 'node:fs';
import type { EmulatorHttpsOptions, EmulatorOptions } from './emulator-types.js';
import { checkedAllowedHost, checkedPublicOrigin } from './hosts.js';
import { EmulatorConfigError } from './cli-errors.js';
import { checkedRedirectUris, readConfigFile } from './config-file.js';
import { DEFAULT_CLIENT, DEMO_CLIENTS } from './users.js';

export { EmulatorConfigError } from './cli-errors.js';

/** What the command line asks for. */
export interface CliSettings {
  options: EmulatorOptions;
  /** The `--https-ca` file, printed as `NODE_EXTRA_CA_CERTS` when the certificate is the user's. */
  caFile: string | undefined;
  help: boolean;
}

/** Flags taking a value (`--flag value` or `--flag=value`); repeatable ones collect every value. */
const VALUE_FLAGS = new Set([
  '--port',
  '--host',
  '--ca-dir',
  '--https-cert',
  '--https-key',
  '--https-ca',
  '--public-origin',
  '--config',
  '--client-id',
  '--client-secret',
]);
const REPEATABLE = new Set<string>(['--allowed-host', '--redirect-uri']);
const SWITCHES = new Set(['--https', '--unsafe-bind', '--help', '-h']);

/** The flags of `argv` (without node and the script), by name. */
function parseArgv(argv: readonly string[]): Map<string, string[]> {
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    if (SWITCHES.has(name) && eq === -1) {
      flags.set(name, ['']);
      continue;
    }
    if (!VALUE_FLAGS.has(name) && !REPEATABLE.has(name))
      throw new EmulatorConfigError(arg, 'unknown argument (see --help)');
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || (eq === -1 && value.startsWith('--')))
      throw new EmulatorConfigError(name, 'needs a value');
    const seen = flags.get(name);
    if (seen !== undefined && !REPEATABLE.has(name))
      throw new EmulatorConfigError(name, 'given more than once');
    flags.set(name, [...(seen ?? []), value]);
  }
  return flags;
}

/** One value: the flag's, else the environment variable's (empty counts as unset). */
function single(
  flags: Map<string, string[]>,
  env: NodeJS.ProcessEnv,
  flag: string,
  variable?: string,
): { value: string; from: string } | undefined {
  const given = flags.get(flag)?.[0];
  if (given !== undefined) return { value: given, from: flag };
  const fromEnv = variable === undefined ? undefined : env[variable];
  return fromEnv === undefined || fromEnv === ''
    ? undefined
    : { value: fromEnv, from: variable ?? flag };
}

function readText(file: string, field: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new EmulatorConfigError(
      field,
      `cannot read '${file}' (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
}

/** A comma- or space-separated list of an environment variable. */
function list(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}

/** `check(value)`, its TypeError turned into an error naming the flag or variable. */
function checked<T>(given: { value: string; from: string }, check: (value: string) => T): T {
  try {
    return check(given.value);
  } catch (err) {
    throw new EmulatorConfigError(given.from, err instanceof Error ? err.message : String(err));
  }
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** The HTTPS options of the command line, `undefined` for plain HTTP. */
function httpsOptions(
  flags: Map<string, string[]>,
  env: NodeJS.ProcessEnv,
): { https: EmulatorHttpsOptions | undefined; caFile: string | undefined } {
  const certFile = single(flags, env, '--https-cert', 'EMULATOR_HTTPS_CERT');
  const keyFile = single(flags, env, '--https-key', 'EMULATOR_HTTPS_KEY');
  const caFile = single(flags, env, '--https-ca', 'EMULATOR_HTTPS_CA');
  const caDir = single(flags, env, '--ca-dir', 'EMULATOR_CA_DIR');
  const on = flags.has('--https') || truthy(env['EMULATOR_HTTPS']) || certFile !== undefined;
  if (!on) return { https: undefined, caFile: undefined };
  const https: EmulatorHttpsOptions = {};
  if (certFile !== undefined || keyFile !== undefined) {
    if (certFile === undefined || keyFile === undefined)
      throw new EmulatorConfigError(
        certFile === undefined ? '--https-cert' : '--https-key',
        'needed with --https-key and --https-cert (both or neither)',
      );
    https.certificate = readText(certFile.value, certFile.from);
    https.key = readText(keyFile.value, keyFile.from);
    if (caFile !== undefined) https.caCertificate = readText(caFile.value, caFile.from);
  } else if (caDir !== undefined) https.caDirectory = caDir.value;
  return { https, caFile: caFile?.value };
}

/**
 * `--config` and the first client's flags: `--client-id`, `--client-secret` and `--redirect-uri`
 * shape the first client of the file, or the demo client.
 */
function applyClientSettings(
  options: EmulatorOptions,
  flags: Map<string, string[]>,
  env: NodeJS.ProcessEnv,
): void {
  const config = single(flags, env, '--config', 'EMULATOR_CONFIG');
  if (config !== undefined) Object.assign(options, readConfigFile(config.value));
  const clientID = single(flags, env, '--client-id', 'EMULATOR_CLIENT_ID');
  const secret = single(flags, env, '--client-secret', 'EMULATOR_CLIENT_SECRET');
  const uriFrom = flags.has('--redirect-uri') ? '--redirect-uri' : 'EMULATOR_REDIRECT_URIS';
  const uris = checkedRedirectUris(
    flags.get('--redirect-uri') ?? list(env['EMULATOR_REDIRECT_URIS']),
    uriFrom,
  );
  if (clientID === undefined && secret === undefined && uris.length === 0) return;
  // The registrations startEmulator makes without `clients`.
  const [first, ...rest] = options.clients ?? DEMO_CLIENTS;
  const base = first ?? DEFAULT_CLIENT;
  const shaped = { ...base, redirectUris: [...base.redirectUris, ...uris] };
  if (clientID !== undefined) Object.assign(shaped, { clientID: clientID.value });
  if (secret !== undefined) shaped.clientSecret = secret.value;
  options.clients = [shaped, ...rest];
}

/** Reads the command line (`argv` without node and the script) and the environment. */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): CliSettings {
  const flags = parseArgv(argv);
  const help = flags.has('--help') || flags.has('-h');
  const port = single(flags, env, '--port', 'PORT');
  const portNumber = port === undefined ? 4010 : Number(port.value);
  if (!/^\d+$/.test(port?.value ?? '0') || portNumber > 65535)
    throw new EmulatorConfigError(port?.from ?? '--port', `invalid port '${port?.value ?? ''}'`);
  const options: EmulatorOptions = {
    port: portNumber,
    host: single(flags, env, '--host', 'HOST')?.value ?? '127.0.0.1',
  };
  if (flags.has('--unsafe-bind')) options.unsafeBind = true;
  const { https, caFile } = httpsOptions(flags, env);
  if (https !== undefined) options.https = https;
  const publicOrigin = single(flags, env, '--public-origin', 'EMULATOR_PUBLIC_ORIGIN');
  if (publicOrigin !== undefined) options.publicOrigin = checked(publicOrigin, checkedPublicOrigin);
  const allowedHosts = flags.get('--allowed-host') ?? list(env['EMULATOR_ALLOWED_HOSTS']);
  const hostsFrom = flags.has('--allowed-host') ? '--allowed-host' : 'EMULATOR_ALLOWED_HOSTS';
  if (allowedHosts.length > 0)
    options.allowedHosts = allowedHosts.map((h) =>
      checked({ value: h, from: hostsFrom }, checkedAllowedHost),
    );
  applyClientSettings(options, flags, env);
  return { options, caFile, help };
}

/** The `--help` text. */
export const USAGE = `Usage: microsoft-identity-emulator [options]

  --port <n>             port (env PORT; default 4010, 0 = a free port)
  --host <address>       address to listen on (env HOST; default 127.0.0.1, loopback only)
  --unsafe-bind          allow a non-loopback --host (it signs anybody in without a password)
  --https                serve HTTPS with a certificate from a local CA (env EMULATOR_HTTPS=1)
  --ca-dir <dir>         folder of the local CA, reused across runs (env EMULATOR_CA_DIR;
                         default: microsoft-identity-emulator in the OS cache folder)
  --https-cert <file>    serve this certificate (PEM) instead (env EMULATOR_HTTPS_CERT)
  --https-key <file>     its private key (PEM) (env EMULATOR_HTTPS_KEY)
  --https-ca <file>      the CA certificate that issued it, for NODE_EXTRA_CA_CERTS (env EMULATOR_HTTPS_CA)
  --public-origin <url>  the origin clients see (a reverse proxy, a container name), named by
                         issuers, discovery and pages (env EMULATOR_PUBLIC_ORIGIN)
  --allowed-host <name>  another Host to answer, name or name:port; repeatable
                         (env EMULATOR_ALLOWED_HOSTS, comma-separated)
  --redirect-uri <uri>   another redirect URI of the first client; repeatable
                         (env EMULATOR_REDIRECT_URIS, comma-separated)
  --client-id <id>       the first client's id (env EMULATOR_CLIENT_ID)
  --client-secret <s>    the first client's secret (env EMULATOR_CLIENT_SECRET)
  --config <file.json>   clients, users and tenants (env EMULATOR_CONFIG); see the README
  -h, --help             this text

EMULATOR_LOG=0 turns the request log off.`;
