/**
 * The `--config <file.json>` of the command line: clients, users and tenants, checked field by
 * field (an error names the field), certificates and keys given inline (PEM) or as files.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EmulatorConfigError } from './cli-errors.js';
import type {
  EmulatorClient,
  EmulatorFederatedCredential,
  EmulatorOptions,
  EmulatorTenant,
  EmulatorUser,
} from './emulator-types.js';
import { CONSUMER_TENANT_ID, DEMO_CLIENTS, DEMO_TENANT_ID, DEMO_USERS } from './users.js';

/** What a configuration file sets. */
export type ConfigOptions = Pick<EmulatorOptions, 'clients' | 'users' | 'tenants' | 'anyTenantId'>;

type Json = Record<string, unknown>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads fields of one JSON object, each error naming the field's path. */
class Fields {
  constructor(
    readonly path: string,
    readonly value: Json,
    readonly baseDir: string,
  ) {}

  static of(value: unknown, path: string, baseDir: string): Fields {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new EmulatorConfigError(path || '(file)', 'must be a JSON object');
    return new Fields(path, value as Json, baseDir);
  }

  at(name: string): string {
    return this.path === '' ? name : `${this.path}.${name}`;
  }

  /** Refuses members other than `known` (a misspelt field would otherwise be ignored). */
  only(known: readonly string[]): void {
    for (const name of Object.keys(this.value))
      if (!known.includes(name))
        throw new EmulatorConfigError(this.at(name), `unknown field (known: ${known.join(', ')})`);
  }

  string(name: string, required: true): string;
  string(name: string, required?: false): string | undefined;
  string(name: string, required = false): string | undefined {
    const v = this.value[name];
    if (v === undefined) {
      if (required) throw new EmulatorConfigError(this.at(name), 'is required');
      return undefined;
    }
    if (typeof v !== 'string' || v === '')
      throw new EmulatorConfigError(this.at(name), 'must be a non-empty string');
    return v;
  }

  nullableString(name: string): string | null | undefined {
    return this.value[name] === null ? null : this.string(name);
  }

  boolean(name: string): boolean | undefined {
    const v = this.value[name];
    if (v !== undefined && typeof v !== 'boolean')
      throw new EmulatorConfigError(this.at(name), 'must be true or false');
    return v;
  }

  guid(name: string): string | undefined {
    const v = this.string(name);
    if (v !== undefined && !GUID.test(v))
      throw new EmulatorConfigError(this.at(name), `must be a GUID, got '${v}'`);
    return v;
  }

  array(name: string): { value: unknown; path: string }[] | undefined {
    const v = this.value[name];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw new EmulatorConfigError(this.at(name), 'must be an array');
    return v.map((item: unknown, i) => ({ value: item, path: `${this.at(name)}[${i}]` }));
  }

  strings(name: string): string[] | undefined {
    return this.array(name)?.map(({ value, path }) => {
      if (typeof value !== 'string' || value === '')
        throw new EmulatorConfigError(path, 'must be a non-empty string');
      return value;
    });
  }

  /** PEM text given inline or as a file path (relative to the configuration file). */
  pem(value: string, path: string): string {
    if (value.includes('-----BEGIN ')) return value;
    const file = resolve(this.baseDir, value);
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new EmulatorConfigError(
        path,
        `is neither PEM nor a readable file ('${file}': ${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
  }
}

function absoluteUrl(value: string, path: string): string {
  try {
    new URL(value);
  } catch {
    throw new EmulatorConfigError(path, `must be an absolute URL, got '${value}'`);
  }
  return value;
}

/** Redirect URIs checked as absolute URLs; `path` names the list. */
export function checkedRedirectUris(values: readonly string[], path: string): string[] {
  return values.map((v, i) => absoluteUrl(v, `${path}[${i}]`));
}

function federated(
  item: { value: unknown; path: string },
  baseDir: string,
): EmulatorFederatedCredential {
  const f = Fields.of(item.value, item.path, baseDir);
  f.only(['issuer', 'subject', 'audience', 'publicKey']);
  const credential: EmulatorFederatedCredential = {
    issuer: f.string('issuer', true),
    subject: f.string('subject', true),
    publicKey: f.pem(f.string('publicKey', true), f.at('publicKey')),
  };
  const audience = f.string('audience');
  if (audience !== undefined) credential.audience = audience;
  return credential;
}

/** Fields a client passes through to `startEmulator` as they are (checked there). */
const PASSED_THROUGH = ['api', 'appRoles', 'publicClient'] as const;

function client(item: { value: unknown; path: string }, baseDir: string): EmulatorClient {
  const f = Fields.of(item.value, item.path, baseDir);
  f.only([
    'clientID',
    'name',
    'clientSecret',
    'redirectUris',
    'certificates',
    'federatedCredentials',
    ...PASSED_THROUGH,
  ]);
  const registered: EmulatorClient = {
    clientID: f.string('clientID', true),
    redirectUris: checkedRedirectUris(f.strings('redirectUris') ?? [], f.at('redirectUris')),
  };
  const name = f.string('name');
  if (name !== undefined) registered.name = name;
  const secret = f.string('clientSecret');
  if (secret !== undefined) registered.clientSecret = secret;
  const certificates = f.strings('certificates');
  if (certificates !== undefined)
    registered.certificates = certificates.map((c, i) => f.pem(c, `${f.at('certificates')}[${i}]`));
  const credentials = f.array('federatedCredentials');
  if (credentials !== undefined)
    registered.federatedCredentials = credentials.map((c) => federated(c, baseDir));
  const extra = registered as unknown as Json;
  for (const name of PASSED_THROUGH) if (f.value[name] !== undefined) extra[name] = f.value[name];
  return registered;
}

/** A stable GUID-shaped id derived from a user key, personal accounts in Microsoft's shape. */
function derivedOid(key: string, personal: boolean): string {
  const hex = createHash('sha256').update(`emulator-user:${key}`).digest('hex');
  if (personal) return `00000000-0000-0000-${hex.slice(0, 4)}-${hex.slice(4, 16)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function user(item: { value: unknown; path: string }): EmulatorUser {
  const f = Fields.of(item.value, item.path, '.');
  const optional = [
    'oid',
    'tid',
    'graphId',
    'givenName',
    'surname',
    'userPrincipalName',
    'mail',
    'email',
    'idp',
    'emailDomainVerified',
    'jobTitle',
    'preferredLanguage',
    'businessPhones',
    'mobilePhone',
    'officeLocation',
  ];
  f.only(['key', 'kind', 'displayName', 'preferredUsername', ...optional]);
  const kind = f.string('kind', true);
  if (kind !== 'personal' && kind !== 'work' && kind !== 'guest')
    throw new EmulatorConfigError(
      f.at('kind'),
      `must be 'personal', 'work' or 'guest', got '${kind}'`,
    );
  const key = f.string('key', true);
  const personal = kind === 'personal';
  const preferredUsername = f.string('preferredUsername', true);
  const oid = f.guid('oid') ?? derivedOid(key, personal);
  const u: EmulatorUser = {
    key,
    kind,
    oid,
    tid: f.guid('tid') ?? (personal ? CONSUMER_TENANT_ID : DEMO_TENANT_ID),
    graphId: f.string('graphId') ?? (personal ? oid.replace(/-/g, '').slice(16) : oid),
    displayName: f.string('displayName', true),
    userPrincipalName: f.string('userPrincipalName') ?? preferredUsername,
    mail:
      f.value['mail'] === undefined
        ? personal
          ? null
          : preferredUsername
        : (f.nullableString('mail') ?? null),
    email: f.string('email') ?? preferredUsername,
    preferredUsername,
  };
  for (const name of ['givenName', 'surname', 'idp'] as const) {
    const v = f.string(name);
    if (v !== undefined) u[name] = v;
  }
  for (const name of ['jobTitle', 'preferredLanguage', 'mobilePhone', 'officeLocation'] as const) {
    const v = f.nullableString(name);
    if (v !== undefined) u[name] = v;
  }
  const verified = f.boolean('emailDomainVerified');
  if (verified !== undefined) u.emailDomainVerified = verified;
  const phones = f.strings('businessPhones');
  if (phones !== undefined) u.businessPhones = phones;
  return u;
}

function tenant(item: { value: unknown; path: string }): EmulatorTenant {
  const f = Fields.of(item.value, item.path, '.');
  f.only(['tenantId', 'domains']);
  const t: EmulatorTenant = { tenantId: f.guid('tenantId') ?? '' };
  if (t.tenantId === '') throw new EmulatorConfigError(f.at('tenantId'), 'is required');
  const domains = f.strings('domains');
  if (domains !== undefined) t.domains = domains;
  return t;
}

/** The options of a parsed configuration; `baseDir` resolves certificate and key files. */
export function configOptions(value: unknown, baseDir: string): ConfigOptions {
  const f = Fields.of(value, '', baseDir);
  f.only(['$schema', 'clients', 'demoClients', 'users', 'demoUsers', 'tenants', 'anyTenantId']);
  const options: ConfigOptions = {};
  const clients = f.array('clients')?.map((c) => client(c, baseDir));
  if (clients !== undefined)
    options.clients = f.boolean('demoClients') === true ? [...DEMO_CLIENTS, ...clients] : clients;
  const users = f.array('users')?.map(user);
  if (users !== undefined)
    options.users = f.boolean('demoUsers') === true ? [...DEMO_USERS, ...users] : users;
  const tenants = f.array('tenants');
  if (tenants !== undefined) options.tenants = tenants.map(tenant);
  const any = f.boolean('anyTenantId');
  if (any !== undefined) options.anyTenantId = any;
  return options;
}

/** Reads and checks a configuration file. */
export function readConfigFile(file: string): ConfigOptions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new EmulatorConfigError(
      '--config',
      `cannot read '${file}' (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new EmulatorConfigError('--config', `'${file}' is not JSON (${(err as Error).message})`);
  }
  return configOptions(parsed, dirname(resolve(file)));
}
