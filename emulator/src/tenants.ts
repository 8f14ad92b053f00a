/**
 * Tenant path resolution (`common`, `organizations`, `consumers`, GUID, domain) and sign-in rules.
 */
import type { EmulatorTenant, EmulatorUser } from './emulator-types.js';
import {
  CONSUMER_TENANT_ID,
  DEMO_TENANT_DOMAINS,
  DEMO_TENANT_ID,
  DEMO_TENANT_NAME,
} from './users.js';

/** Tenant id of the emulator's Entra External ID (customer) tenant. */
export const EXTERNAL_ID_TENANT_ID = 'a7c3e1f0-2b4d-4c6e-8f10-3d5b7a9c1e2f';
/** Domain of the emulator's External ID tenant. */
export const EXTERNAL_ID_TENANT_DOMAIN = 'fabrikamcustomers.onmicrosoft.com';
/** Tenant id of the emulator's Azure AD B2C tenant. */
export const B2C_TENANT_ID = 'b5d7f9a1-3c5e-4a70-9b21-4e6f8a0c2d3e';
/** Domain of the emulator's Azure AD B2C tenant. */
export const B2C_TENANT_DOMAIN = 'fabrikamb2c.onmicrosoft.com';
/** User flows of the emulator's B2C tenant. */
export const B2C_POLICIES: readonly string[] = Object.freeze([
  'B2C_1_signupsignin',
  'B2C_1_profileedit',
]);

/** A resolved `{tenant}` path segment. */
export interface TenantPath {
  /**
   * The segment as written in the URL; customer tenants route as `ciam:<tenant>` (path
   * `/ciam/<tenant>`) and `b2c:<tenant>:<policy>` (path `/b2c/<tenant>/<policy>`).
   */
  segment: string;
  kind: 'common' | 'organizations' | 'consumers' | 'tenant' | 'external-id' | 'b2c';
  /** The B2C user flow of a `b2c` tenant path. */
  policy?: string;
  /** Concrete tenant id (consumers: the consumer tenant id); `null` for common/organizations. */
  tid: string | null;
  /** Identity used to compare tenant paths (codes must be redeemed on the same one). */
  identity: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who the emulator knows: its users (whose tenants exist) and the tenants added besides. */
export interface TenantDirectory {
  readonly users: readonly EmulatorUser[];
  readonly tenants: readonly EmulatorTenant[];
  /** Whether every GUID is a work tenant. */
  readonly anyTenantId: boolean;
}

/** Resolves a tenant segment; `undefined` when the tenant does not exist (AADSTS90002). */
export function resolveTenant(segment: string, directory: TenantDirectory): TenantPath | undefined {
  const { users, tenants } = directory;
  const lower = segment.toLowerCase();
  if (lower.startsWith('ciam:')) {
    const t = lower.slice(5);
    return t === EXTERNAL_ID_TENANT_ID || t === EXTERNAL_ID_TENANT_DOMAIN
      ? {
          segment,
          kind: 'external-id',
          tid: EXTERNAL_ID_TENANT_ID,
          identity: `ciam:${EXTERNAL_ID_TENANT_ID}`,
        }
      : undefined;
  }
  if (lower.startsWith('b2c:')) {
    const [, t, policy] = segment.split(':');
    const known = B2C_POLICIES.find((p) => p.toLowerCase() === policy?.toLowerCase());
    if ((t?.toLowerCase() !== B2C_TENANT_ID && t?.toLowerCase() !== B2C_TENANT_DOMAIN) || !known)
      return undefined;
    return { segment, kind: 'b2c', tid: B2C_TENANT_ID, policy: known, identity: `b2c:${known}` };
  }
  if (lower === 'common' || lower === 'organizations')
    return { segment, kind: lower, tid: null, identity: lower };
  if (lower === 'consumers' || lower === CONSUMER_TENANT_ID)
    return { segment, kind: 'consumers', tid: CONSUMER_TENANT_ID, identity: 'consumers' };
  if (DEMO_TENANT_DOMAINS.includes(lower) || lower === DEMO_TENANT_ID)
    return { segment, kind: 'tenant', tid: DEMO_TENANT_ID, identity: DEMO_TENANT_ID };
  if (GUID.test(lower) && users.some((u) => u.tid.toLowerCase() === lower))
    return { segment, kind: 'tenant', tid: lower, identity: lower };
  const added = tenants.find(
    (t) =>
      t.tenantId.toLowerCase() === lower ||
      (t.domains ?? []).some((d) => d.toLowerCase() === lower),
  );
  if (added) {
    const tid = added.tenantId.toLowerCase();
    return { segment, kind: 'tenant', tid, identity: tid };
  }
  if (directory.anyTenantId && GUID.test(lower))
    return { segment, kind: 'tenant', tid: lower, identity: lower };
  return undefined;
}

/** The segment to put in endpoint URLs of discovery documents (domains become the tenant GUID). */
export function endpointSegment(tenant: TenantPath): string {
  if (tenant.kind === 'external-id') return `ciam/${EXTERNAL_ID_TENANT_DOMAIN}`;
  if (tenant.kind === 'b2c') return `b2c/${B2C_TENANT_DOMAIN}/${tenant.policy ?? ''}`;
  return tenant.kind === 'tenant' && tenant.tid ? tenant.tid : tenant.segment;
}

/**
 * The v1 issuer of tenant `tid` on the emulator, `<origin>/<tid>/` (`https://sts.windows.net/<tid>/`
 * at Microsoft); `{tenantid}` as `tid` gives the template of the multi-tenant v1 metadata.
 */
export function v1Issuer(origin: string, tid: string): string {
  return `${origin}/${tid}/`;
}

/**
 * The issuer of a customer tenant on the loopback emulator, on a host other than the authority's
 * (as on Microsoft), with the emulator's scheme and port: External ID
 * `http://<tid>.ciamlogin.localhost:<port>/<tid>/v2.0`, B2C `http://b2clogin.localhost:<port>/<tid>/v2.0/`. `undefined` for workforce tenant paths.
 */
export function customerIssuer(origin: string, tenant: TenantPath): string | undefined {
  const { protocol, port } = new URL(origin);
  const at = (host: string): string => `${protocol}//${host}${port === '' ? '' : `:${port}`}`;
  if (tenant.kind === 'external-id')
    return `${at(`${EXTERNAL_ID_TENANT_ID}.ciamlogin.localhost`)}/${EXTERNAL_ID_TENANT_ID}/v2.0`;
  if (tenant.kind === 'b2c') return `${at('b2clogin.localhost')}/${B2C_TENANT_ID}/v2.0/`;
  return undefined;
}

/** Why a user may not sign in under a tenant path. */
export interface SignInRefusal {
  error: string;
  code: number;
  text: string;
}

/** Display name of a tenant id, for error texts. */
export function tenantName(tid: string): string {
  return tid === DEMO_TENANT_ID ? DEMO_TENANT_NAME : tid;
}

/**
 * The account a guest signs in as when no tenant is named (`common`, `organizations`): its home
 * account, the non-guest account with the same sign-in name. `undefined` when `users` lacks it.
 */
export function homeAccountOf(
  guest: EmulatorUser,
  users: readonly EmulatorUser[],
): EmulatorUser | undefined {
  const name = guest.preferredUsername.toLowerCase();
  return users.find((u) => u.kind !== 'guest' && u.preferredUsername.toLowerCase() === name);
}

/**
 * Tenant rules: personal accounts cannot sign in under `organizations` or a work tenant; work and guest
 * accounts cannot under `consumers`; a work tenant only admits its own members and guests. A guest
 * is an account of its resource tenant only: through `common` or `organizations` it signs in as its
 * home account (see {@link homeAccountOf}), so the guest account itself is refused there.
 */
export function signInRefusal(
  user: EmulatorUser,
  tenant: TenantPath,
  clientId: string,
): SignInRefusal | undefined {
  const personal = user.kind === 'personal';
  if (user.kind === 'guest' && (tenant.kind === 'common' || tenant.kind === 'organizations'))
    return {
      error: 'invalid_request',
      code: 50034,
      text: `The user account ${user.preferredUsername} does not exist in the '${tenant.segment}' directory as a guest. Through '${tenant.segment}' a guest signs in with its home account; to sign in as a guest of '${tenantName(user.tid)}', the application must name that tenant (its ID or a verified domain).`,
    };
  switch (tenant.kind) {
    case 'common':
    case 'external-id':
    case 'b2c':
      // Customer tenants admit every demo account (as a customer of that tenant).
      return undefined;
    case 'organizations':
      return personal
        ? {
            error: 'invalid_request',
            code: 500200,
            text: `User account '${user.preferredUsername}' is a personal Microsoft account. Personal Microsoft accounts are not supported for this application unless explicitly invited to an organization. Try signing out and signing back in with an organizational account.`,
          }
        : undefined;
    case 'consumers':
      return personal
        ? undefined
        : {
            error: 'invalid_request',
            code: 500208,
            text: `The domain is not a valid login domain for the account type. User account '${user.preferredUsername}' is a work or school account; this endpoint only accepts personal Microsoft accounts.`,
          };
    case 'tenant':
      return user.tid.toLowerCase() === tenant.tid && !personal
        ? undefined
        : {
            error: 'invalid_request',
            code: 50020,
            text: `User account '${user.preferredUsername}' from identity provider '${personal ? 'live.com' : `https://sts.windows.net/${user.tid}/`}' does not exist in tenant '${tenantName(tenant.tid ?? '')}' and cannot access the application '${clientId}' in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`,
          };
  }
}

/** Whether a user passes a `domain_hint` filter (`consumers`, `organizations`, a tenant GUID/domain; others ignored). */
export function matchesDomainHint(
  user: EmulatorUser,
  hint: string | undefined,
  directory: TenantDirectory,
): boolean {
  if (!hint) return true;
  const lower = hint.toLowerCase();
  if (lower === 'consumers') return user.kind === 'personal';
  if (lower === 'organizations') return user.kind !== 'personal';
  const tenant = resolveTenant(lower, directory);
  if (tenant?.kind === 'consumers') return user.kind === 'personal';
  if (tenant?.kind === 'tenant') return user.tid.toLowerCase() === tenant.tid;
  return true;
}
