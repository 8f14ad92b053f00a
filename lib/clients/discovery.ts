/**
 * The OpenID discovery document of a customer identity authority (Entra External ID, Azure AD
 * B2C, any host other than Microsoft's workforce login hosts): read once, checked, and turned into
 * the endpoints and the exact issuer of its ID tokens.
 */
import type { AuthorityKind } from '../config/clouds.js';
import { isLoopbackHost } from '../config/clouds.js';
import { isGuid } from '../config/clouds.js';
import { MicrosoftIdTokenError, MicrosoftHttpError } from '../errors.js';
import { describeURL, parseJSON, record, send } from './http.js';

/** Largest discovery document accepted (Microsoft's are a few kB). */
const MAX_DISCOVERY_BODY = 256 * 1024;

/** What a login needs from a discovery document. */
export interface AuthorityMetadata {
  /** The exact `iss` of the authority's ID tokens. */
  issuer: string;
  /** `authorization_endpoint`. */
  authorizationURL: string;
  /** `token_endpoint`. */
  tokenURL: string;
  /** `jwks_uri`. */
  jwksURL: string;
  /** `end_session_endpoint`, when the document has one. */
  logoutURL: string | undefined;
}

/** The authority a discovery document is read for. */
export interface DiscoveryTarget {
  kind: Exclude<AuthorityKind, 'workforce'>;
  /** The authority URL (no trailing slash). */
  authority: string;
  /** The tenant segment of the authority. */
  tenant: string;
  /** The discovery document's URL. */
  url: string;
}

function endpointURL(doc: Record<string, unknown>, field: string, where: string): string {
  const value = doc[field];
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    !(url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname)))
  ) {
    throw new MicrosoftHttpError(
      'invalid_response',
      'discovery',
      where,
      `Discovery document ${where} has no valid ${field} (an absolute https URL)`,
    );
  }
  return url.href;
}

const CIAM_ISSUER = /^https:\/\/([0-9a-f-]{36})\.ciamlogin\.com\/([0-9a-f-]{36})\/v2\.0$/i;

/** Refuses an issuer that does not have the shape of the authority's kind. */
function checkIssuer(issuer: string, target: DiscoveryTarget): void {
  const refuse = (why: string): never => {
    throw new MicrosoftIdTokenError(
      'issuer',
      `the discovery document of ${target.authority} names issuer ${JSON.stringify(issuer)}, ${why}`,
    );
  };
  if (target.kind === 'external-id') {
    const m = CIAM_ISSUER.exec(issuer);
    if (m === null || m[1]?.toLowerCase() !== m[2]?.toLowerCase())
      refuse('not https://<tenant id>.ciamlogin.com/<tenant id>/v2.0 as External ID issues');
    if (isGuid(target.tenant) && m?.[2]?.toLowerCase() !== target.tenant.toLowerCase())
      refuse(`not the issuer of tenant ${target.tenant}`);
    return;
  }
  if (target.kind === 'b2c') {
    // B2C issues `https://<login host>/<tenant id>/v2.0/`; behind a custom domain the host may
    // stay <tenant>.b2clogin.com. http only for a loopback authority (the emulator).
    const scheme = isLoopbackHost(new URL(target.authority).hostname) ? 'https?' : 'https';
    const m = new RegExp(`^${scheme}://[^/]+/([0-9a-f-]{36})/v2\\.0/$`, 'i').exec(issuer);
    if (m === null || !isGuid(m[1]))
      refuse('not https://<host>/<tenant id>/v2.0/ as Azure AD B2C issues');
    return;
  }
  let url: URL | undefined;
  try {
    url = new URL(issuer);
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    issuer.includes('{') ||
    !(
      url.protocol === 'https:' ||
      (url.protocol === 'http:' && isLoopbackHost(new URL(target.authority).hostname))
    )
  )
    refuse('which is not an absolute https URL of one tenant');
}

/**
 * Checks a parsed discovery document and returns what a login needs from it. Throws a
 * {@link MicrosoftHttpError} (`invalid_response`) for a malformed document and an
 * {@link MicrosoftIdTokenError} (`issuer`) for an issuer that does not fit the authority.
 */
export function readDiscovery(json: unknown, target: DiscoveryTarget): AuthorityMetadata {
  const where = describeURL(target.url);
  const doc = record(json);
  if (doc === undefined || Array.isArray(json))
    throw new MicrosoftHttpError(
      'invalid_response',
      'discovery',
      where,
      `Discovery document ${where} is not a JSON object`,
    );
  const issuer = doc['issuer'];
  if (typeof issuer !== 'string' || issuer === '')
    throw new MicrosoftHttpError(
      'invalid_response',
      'discovery',
      where,
      `Discovery document ${where} has no issuer`,
    );
  checkIssuer(issuer, target);
  const logout = doc['end_session_endpoint'];
  return {
    issuer,
    authorizationURL: endpointURL(doc, 'authorization_endpoint', where),
    tokenURL: endpointURL(doc, 'token_endpoint', where),
    jwksURL: endpointURL(doc, 'jwks_uri', where),
    logoutURL: logout === undefined ? undefined : endpointURL(doc, 'end_session_endpoint', where),
  };
}

/** Fetches a discovery document: one request with the deadline and size cap of every call. */
export async function fetchDiscovery(
  target: DiscoveryTarget,
  timeout: number,
): Promise<AuthorityMetadata> {
  const res = await send({
    method: 'GET',
    url: target.url,
    endpoint: 'discovery',
    headers: { accept: 'application/json' },
    timeout,
    maxBytes: MAX_DISCOVERY_BODY,
  });
  if (res.status !== 200)
    throw new MicrosoftHttpError(
      'invalid_response',
      'discovery',
      describeURL(target.url),
      `Discovery document ${describeURL(target.url)} answered HTTP ${res.status}`,
      { status: res.status },
    );
  return readDiscovery(parseJSON(res.body), target);
}

/** One authority's metadata, read once; a failed read is forgotten so the next login retries. */
export class DiscoveryCache {
  readonly #load: () => Promise<AuthorityMetadata>;
  #pending: Promise<AuthorityMetadata> | undefined;
  #value: AuthorityMetadata | undefined;

  constructor(load: () => Promise<AuthorityMetadata>) {
    this.#load = load;
  }

  /** The metadata once read, without waiting (`undefined` before the first read completes). */
  get current(): AuthorityMetadata | undefined {
    return this.#value;
  }

  /** The metadata, reading the document on first use. */
  get(): Promise<AuthorityMetadata> {
    if (this.#pending === undefined) {
      const pending = this.#load().then((value) => {
        this.#value = value;
        return value;
      });
      this.#pending = pending;
      pending.catch(() => {
        if (this.#pending === pending) this.#pending = undefined;
      });
    }
    return this.#pending;
  }
}
