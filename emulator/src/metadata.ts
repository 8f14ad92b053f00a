/**
 * Discovery document, JWKS, logout and the `/error?code=n` lookup page.
 */
import type { Core, Exchange } from './context.js';
import { aadsts, aadstsText } from './aadsts.js';
import { aadErrorBody, newTrace } from './error-bodies.js';
import { header, originMatches, sendHtml, sendJson, sendRedirect } from './http-helpers.js';
import { errorCodePage, signedOutPage } from './pages.js';
import { customerIssuer, endpointSegment, resolveTenant, v1Issuer } from './tenants.js';
import type { TenantPath } from './tenants.js';

function tenantNotFound(core: Core, ex: Exchange, segment: string): void {
  const trace = newTrace(header(ex.req, 'client-request-id'));
  const err = aadsts(90002, { values: { tenant: segment }, error: 'invalid_tenant' });
  sendJson(ex.res, 400, aadErrorBody(core.url, err.error, err.code, err.message, trace));
}

/** The OpenID configuration of a tenant path, with every URL on the emulator. */
export function discoveryDocument(origin: string, tenant: TenantPath): Record<string, unknown> {
  const base = `${origin}/${endpointSegment(tenant)}`;
  const issuer =
    customerIssuer(origin, tenant) ??
    (tenant.tid === null ? `${origin}/{tenantid}/v2.0` : `${origin}/${tenant.tid}/v2.0`);
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${origin}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: tenant.kind === 'tenant' ? 'NA' : null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: new URL(origin).host,
    rbac_url: 'https://pas.windows.net',
  };
}

/**
 * The v1 OpenID configuration of a workforce tenant path (`/{tenant}/.well-known/openid-configuration`):
 * issuer `<origin>/{tenantid}/` (`https://sts.windows.net/{tenantid}/` at Microsoft) or, for one
 * tenant, `<origin>/<tid>/`; keys at `/{tenant}/discovery/keys`. The emulator serves these two
 * documents for API token validation; its token endpoint is the v2 one.
 */
export function discoveryDocumentV1(origin: string, tenant: TenantPath): Record<string, unknown> {
  const base = `${origin}/${endpointSegment(tenant)}`;
  return {
    token_endpoint: `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    jwks_uri: `${base}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: v1Issuer(origin, tenant.tid ?? '{tenantid}'),
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${base}/oauth2/authorize`,
    device_authorization_endpoint: `${base}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'nonce'],
    check_session_iframe: `${base}/oauth2/checksession`,
    userinfo_endpoint: `${origin}/${endpointSegment(tenant)}/openid/userinfo`,
    tenant_region_scope: tenant.kind === 'tenant' ? 'NA' : null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: new URL(origin).host,
  };
}

/** The `iss` of tokens issued under a tenant path for a user's tenant. */
export function issuerOf(
  core: Pick<Core, 'url' | 'issuer'>,
  tenant: TenantPath,
  tid: string,
): string {
  return customerIssuer(core.url, tenant) ?? core.issuer(tid);
}

const METADATA_CACHE = {
  'Cache-Control': 'max-age=86400, private',
  'Access-Control-Allow-Origin': '*',
};

/** `GET /{tenant}/v2.0/.well-known/openid-configuration`. */
export function handleDiscovery(core: Core, ex: Exchange, segment: string): void {
  const tenant = resolveTenant(segment, core);
  if (!tenant) {
    tenantNotFound(core, ex, segment);
    return;
  }
  sendJson(ex.res, 200, discoveryDocument(core.url, tenant), METADATA_CACHE);
}

/** A workforce tenant path (v1 documents exist for those only), else `undefined` after a 400 answer. */
function workforceTenant(core: Core, ex: Exchange, segment: string): TenantPath | undefined {
  const tenant = resolveTenant(segment, core);
  if (!tenant || tenant.kind === 'b2c' || tenant.kind === 'external-id') {
    tenantNotFound(core, ex, segment);
    return undefined;
  }
  return tenant;
}

/** `GET /{tenant}/.well-known/openid-configuration` (v1 metadata). */
export function handleDiscoveryV1(core: Core, ex: Exchange, segment: string): void {
  const tenant = workforceTenant(core, ex, segment);
  if (tenant) sendJson(ex.res, 200, discoveryDocumentV1(core.url, tenant), METADATA_CACHE);
}

/** `GET /{tenant}/discovery/keys` (v1 key set: no `issuer` members). */
export function handleJwksV1(core: Core, ex: Exchange, segment: string): void {
  const tenant = workforceTenant(core, ex, segment);
  if (tenant) sendJson(ex.res, 200, core.keys.jwksV1(tenant), METADATA_CACHE);
}

/** `GET /{tenant}/discovery/v2.0/keys`. */
export function handleJwks(core: Core, ex: Exchange, segment: string): void {
  const tenant = resolveTenant(segment, core);
  if (!tenant) {
    tenantNotFound(core, ex, segment);
    return;
  }
  sendJson(ex.res, 200, core.keys.jwks(tenant), METADATA_CACHE);
}

/**
 * `GET|POST /{tenant}/oauth2/v2.0/logout`: redirects to `post_logout_redirect_uri` (with `state`) when its
 * origin is the origin of a registered redirect URI (loopback port ignored), else shows a signed-out page.
 */
export async function handleLogout(core: Core, ex: Exchange): Promise<void> {
  const params = ex.req.method === 'POST' ? new URLSearchParams(ex.body) : ex.url.searchParams;
  const target = params.get('post_logout_redirect_uri');
  if (target && core.clients.some((c) => c.redirectUris.some((r) => originMatches(r, target)))) {
    const url = new URL(target);
    const state = params.get('state');
    if (state !== null) url.searchParams.set('state', state);
    sendRedirect(ex.res, url.toString());
    return;
  }
  sendHtml(ex.res, 200, signedOutPage());
}

/** `GET /error?code=n`. */
export function handleErrorLookup(ex: Exchange): void {
  const code = (ex.url.searchParams.get('code') ?? '').replace(/[^0-9]/g, '');
  sendHtml(ex.res, 200, errorCodePage(code, aadstsText(Number(code))));
}

/**
 * `GET /{tenant}/discovery/instance` (MSAL's instance discovery, `cloudDiscoveryMetadata`): the
 * emulator's own cloud, as Microsoft answers for its own: the tenant's discovery document, and one
 * metadata entry whose aliases are the emulator's host names. An `authorization_endpoint` on
 * another host is `invalid_instance` (AADSTS50049), as at Microsoft.
 */
export function handleInstanceDiscovery(
  core: Core,
  ex: Exchange,
  segment: string,
  aliases: readonly string[],
): void {
  const given = ex.url.searchParams.get('authorization_endpoint');
  let tenant = segment;
  if (given !== null) {
    let target: URL | undefined;
    try {
      target = new URL(given);
    } catch {
      target = undefined;
    }
    if (target === undefined || !aliases.includes(target.host.toLowerCase())) {
      const trace = newTrace(header(ex.req, 'client-request-id'));
      sendJson(
        ex.res,
        400,
        aadErrorBody(core.url, 'invalid_instance', 50049, 'Unknown or invalid instance.', trace),
      );
      return;
    }
    tenant = target.pathname.split('/').filter(Boolean)[0] ?? segment;
  }
  const host = new URL(core.url).host;
  sendJson(
    ex.res,
    200,
    {
      tenant_discovery_endpoint: `${core.url}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [...aliases] }],
    },
    METADATA_CACHE,
  );
}
