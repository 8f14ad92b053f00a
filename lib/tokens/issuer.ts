/**
 * Microsoft's issuer rules, shared by ID tokens and access tokens: the token's tenant against the
 * configured one (`common`, `organizations`, `consumers`, a tenant id, a domain), the v2 issuer
 * `<issuer base>/<tid>/v2.0`, the signing key's `issuer` member (the `{tenantid}` template) placed
 * in the cloud the key set came from, and an issuer read from a discovery document, once.
 */
import { CONSUMER_TENANT_ID, isGuid } from '../config/clouds.js';
import type { TenantKind } from '../config/clouds.js';
import { MicrosoftHttpError } from '../errors.js';
import { describeURL, parseJSON, record, send } from '../clients/http.js';

/** Makes the error of a failed issuer or tenant check (the token type's error class). */
export type IssuerFailure = (code: 'issuer' | 'tenant', message: string) => Error;

/** The `{tenantid}` placeholder of Microsoft's multi-tenant issuers. */
export const TENANT_TEMPLATE = /\{tenantid\}/gi;

/** The tenant a token must come from: how the authority names it. */
export interface TenantRule {
  tenantKind: TenantKind;
  /** The configured tenant (a GUID or a domain for single-tenant authorities). */
  tenant: string;
  /** Says whose tenant it is in messages: `configured` or `login's`. */
  whose?: string;
  /**
   * The configured authority's kind when a login names its own tenant: its account rule
   * (`organizations`: no personal accounts; `consumers`: personal accounts only) holds whatever
   * tenant the login names.
   */
  configured?: TenantKind;
  /** The tenant the login named, for messages. */
  named?: string;
}

/**
 * Checks the token's `tid` against the authority: a GUID; no personal account on `organizations`;
 * only personal accounts on `consumers`; exactly the tenant of a tenant-id authority. Returns the
 * tenant its issuer must name (lower case, as Microsoft spells tenant ids, for single-tenant
 * authorities; the token's `tid` otherwise).
 */
export function checkTokenTenant(tid: unknown, rule: TenantRule, fail: IssuerFailure): string {
  if (typeof tid !== 'string' || !isGuid(tid)) throw fail('issuer', 'tid is missing or not a GUID');
  const { tenantKind, tenant } = rule;
  const personal = tid.toLowerCase() === CONSUMER_TENANT_ID;
  const accounts = rule.configured ?? tenantKind;
  const named = rule.named === undefined ? '' : `; the login named tenant ${rule.named}`;
  if (accounts === 'organizations' && personal)
    throw fail(
      'tenant',
      `a personal Microsoft account signed in, but the authority is "organizations" (work and school accounts only)${named}`,
    );
  if (accounts === 'consumers' && !personal)
    throw fail(
      'tenant',
      `a work or school account signed in, but the authority is "consumers" (personal accounts only)${named}`,
    );
  if (tenantKind === 'guid' && tid.toLowerCase() !== tenant.toLowerCase())
    throw fail(
      'issuer',
      `the token was issued by tenant ${tid}, not the ${rule.whose ?? 'configured'} tenant ${tenant}`,
    );
  if (tenantKind === 'consumers') return CONSUMER_TENANT_ID;
  if (tenantKind === 'guid') return tenant.toLowerCase();
  return tid;
}

/** `iss` must be exactly `expected`. */
export function checkExactIssuer(iss: unknown, expected: string, fail: IssuerFailure): void {
  if (iss !== expected)
    throw fail('issuer', `iss ${JSON.stringify(iss)} is not ${JSON.stringify(expected)}`);
}

/**
 * Binds the signing key to its issuer: a key whose `issuer` names a concrete tenant validates only
 * that tenant's tokens, a templated key any tenant after substituting `tid`. The key's issuer is
 * compared, within the cloud the key set was fetched from (`issuerBase`), with `v2Issuer` (the v2
 * issuer of the token's tenant). A key without `issuer` binds to the templated v2 issuer.
 */
export function checkKeyIssuer(
  key: { kid?: string | undefined; issuer?: string | undefined },
  issuerBase: string,
  tid: string,
  v2Issuer: string,
  fail: IssuerFailure,
): void {
  const keyIssuer = withinCloud(key.issuer, issuerBase);
  if (keyIssuer.replace(TENANT_TEMPLATE, tid) !== v2Issuer)
    throw fail(
      'issuer',
      `the signing key ${key.kid ?? 'without kid'} is bound to issuer ${JSON.stringify(keyIssuer)}, which does not cover ${JSON.stringify(v2Issuer)}`,
    );
}

/** {@link withinCloud}'s results so far; bounded, since key sets are fetched from the network. */
const placedIssuers = new Map<string, string>();
const MAX_PLACED_ISSUERS = 256;

/**
 * A key's `issuer` member placed in the cloud its key set came from: the tenant part
 * (`/<tenant or {tenantid}>/v2.0`) is kept and put under `issuerBase`, since which cloud issued the
 * token is settled by the authority the keys were fetched from, not by the host a key names.
 */
function withinCloud(keyIssuer: string | undefined, issuerBase: string): string {
  if (keyIssuer === undefined) return `${issuerBase}/{tenantid}/v2.0`;
  // The same few keys sign every token: their placed issuers are kept, keyed by the strings alone.
  const key = `${issuerBase} ${keyIssuer}`;
  let placed = placedIssuers.get(key);
  if (placed === undefined) {
    placed = placeInCloud(keyIssuer, issuerBase);
    if (placedIssuers.size >= MAX_PLACED_ISSUERS) placedIssuers.clear();
    placedIssuers.set(key, placed);
  }
  return placed;
}

function placeInCloud(keyIssuer: string, issuerBase: string): string {
  let path: string;
  try {
    path = new URL(keyIssuer).pathname;
  } catch {
    return keyIssuer;
  }
  const tenant = /^\/([^/]+)\/v2\.0\/?$/.exec(path)?.[1];
  return tenant === undefined ? keyIssuer : `${issuerBase}/${decodeURIComponent(tenant)}/v2.0`;
}

/**
 * The `issuer` of discovery documents, each read once per URL (a failed read is forgotten, so a
 * later token retries; at most 256 URLs are kept).
 */
export class IssuerDocuments {
  readonly #issuers = new Map<string, Promise<string>>();
  readonly #settled = new Map<string, string>();
  readonly #timeout: number;

  constructor(timeout: number) {
    this.#timeout = timeout;
  }

  /** The issuer of the document at `url`, when already read (no request). */
  peek(url: string): string | undefined {
    return this.#settled.get(url);
  }

  /** The issuer of the document at `url`; rejects with a {@link MicrosoftHttpError}. */
  get(url: string): Promise<string> {
    let pending = this.#issuers.get(url);
    if (pending === undefined) {
      pending = readIssuer(url, this.#timeout).then((issuer) => {
        this.#settled.set(url, issuer);
        return issuer;
      });
      if (this.#issuers.size >= 256) {
        this.#issuers.clear();
        this.#settled.clear();
      }
      this.#issuers.set(url, pending);
      const settled = pending;
      settled.catch(() => {
        if (this.#issuers.get(url) === settled) this.#issuers.delete(url);
      });
    }
    return pending;
  }
}

async function readIssuer(url: string, timeout: number): Promise<string> {
  const res = await send({
    method: 'GET',
    url,
    endpoint: 'discovery',
    headers: { accept: 'application/json' },
    timeout,
    maxBytes: 256 * 1024,
  });
  const issuer = res.status === 200 ? record(parseJSON(res.body))?.['issuer'] : undefined;
  if (typeof issuer !== 'string' || issuer === '')
    throw new MicrosoftHttpError(
      'invalid_response',
      'discovery',
      describeURL(url),
      `Discovery document ${describeURL(url)} has no issuer (HTTP ${res.status})`,
      { status: res.status },
    );
  return issuer;
}
