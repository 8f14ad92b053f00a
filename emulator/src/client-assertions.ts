/**
 * Client assertions at the token endpoint (`private_key_jwt`): a JWT signed with a registered
 * certificate's key (`x5t#S256` names the certificate) or a federated assertion from a registered
 * external issuer. Checks as Microsoft does: signature, `aud` (the token endpoint), `iss`/`sub`,
 * times and a lifetime of at most 10 minutes, `jti` present. Like Microsoft, the same assertion is
 * accepted again within its lifetime.
 */
import { X509Certificate, constants, createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { aadsts } from './aadsts.js';
import type { AadstsError } from './aadsts.js';
import type { EmulatorClient } from './emulator-types.js';

/** `client_assertion_type` of a JWT client assertion. */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The audience of federated assertions Microsoft expects by default. */
export const FEDERATED_AUDIENCE = 'api://AzureADTokenExchange';

/** Longest accepted assertion lifetime (`exp` minus `nbf`/`iat`), in seconds. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 600;

/** Throws when a registration's certificates or federated keys cannot be read. */
export function checkClientCredentials(client: EmulatorClient): void {
  for (const pem of client.certificates ?? []) {
    try {
      new X509Certificate(pem);
    } catch {
      throw new TypeError(`emulator client ${client.clientID} has a certificate that is not PEM`);
    }
  }
  for (const f of client.federatedCredentials ?? []) {
    try {
      createPublicKey(f.publicKey);
    } catch {
      throw new TypeError(
        `emulator client ${client.clientID} has a federated credential whose publicKey is not PEM`,
      );
    }
  }
}

interface Decoded {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  input: Buffer;
  signature: Buffer;
}

function malformed(): AadstsError {
  return aadsts(50027, { detail: 'The client_assertion is not a signed JWT.' });
}

function decode(jwt: string): Decoded {
  const parts = jwt.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) throw malformed();
  const [h, c, s] = parts as [string, string, string];
  try {
    const header: unknown = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    const claims: unknown = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (
      header === null ||
      typeof header !== 'object' ||
      claims === null ||
      typeof claims !== 'object'
    )
      throw malformed();
    return {
      header: header as Record<string, unknown>,
      claims: claims as Record<string, unknown>,
      input: Buffer.from(`${h}.${c}`),
      signature: Buffer.from(s, 'base64url'),
    };
  } catch {
    throw malformed();
  }
}

function signatureValid(d: Decoded, key: KeyObject): boolean {
  const alg = d.header['alg'];
  if (alg === 'RS256') return verify('sha256', d.input, key, d.signature);
  if (alg === 'PS256')
    return verify(
      'sha256',
      d.input,
      {
        key,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
      },
      d.signature,
    );
  return false;
}

function badSignature(reason: string): AadstsError {
  return aadsts(700027, { values: { reason } });
}

function checkTimes(claims: Record<string, unknown>, nowSeconds: number): void {
  const exp = claims['exp'];
  const nbf = typeof claims['nbf'] === 'number' ? claims['nbf'] : claims['iat'];
  const skew = 300;
  const outOfRange = (detail: string): AadstsError => aadsts(700024, { detail });
  if (typeof exp !== 'number') throw outOfRange('The assertion has no exp.');
  if (exp <= nowSeconds - skew)
    throw outOfRange(`Current time: ${nowSeconds}, expiry time of assertion ${exp}.`);
  if (typeof nbf === 'number') {
    if (nbf > nowSeconds + skew) throw outOfRange(`The assertion is not valid before ${nbf}.`);
    if (exp - nbf > MAX_ASSERTION_LIFETIME_SECONDS)
      throw outOfRange(
        `The assertion is valid for ${exp - nbf} seconds; at most ${MAX_ASSERTION_LIFETIME_SECONDS} are allowed.`,
      );
  }
}

/**
 * Checks `client_assertion` for `client` at the token endpoint `tokenURL`. Resolves nothing;
 * throws an `AadstsError` with Microsoft's code when the assertion is refused.
 */
export function checkClientAssertion(
  client: EmulatorClient,
  jwt: string,
  tokenURL: string,
  nowMs: number,
): void {
  const d = decode(jwt);
  const now = Math.floor(nowMs / 1000);
  const alg = d.header['alg'];
  if (alg !== 'RS256' && alg !== 'PS256')
    throw badSignature(`The algorithm ${String(alg)} is not supported.`);
  const iss = d.claims['iss'];
  const federated = (client.federatedCredentials ?? []).filter((f) => f.issuer === iss);
  if (iss !== client.clientID && federated.length > 0) {
    const f = federated.find((x) => x.subject === d.claims['sub']);
    if (f === undefined) throw aadsts(700213, { values: { subject: String(d.claims['sub']) } });
    const audience = f.audience ?? FEDERATED_AUDIENCE;
    const aud = d.claims['aud'];
    if (aud !== audience && !(Array.isArray(aud) && aud.includes(audience)))
      throw aadsts(700212, { values: { audience: String(aud) } });
    if (!signatureValid(d, createPublicKey(f.publicKey)))
      throw badSignature('The signature does not verify with the federated issuer key.');
    checkTimes(d.claims, now);
    return;
  }
  if (
    iss !== client.clientID &&
    iss !== undefined &&
    (client.federatedCredentials ?? []).length > 0
  )
    throw aadsts(700211, {
      values: { issuer: typeof iss === 'string' ? iss : JSON.stringify(iss) },
    });
  const x5t = d.header['x5t#S256'] ?? d.header['x5t'];
  const certificates = (client.certificates ?? []).map((pem) => new X509Certificate(pem));
  const cert = certificates.find((c) => {
    if (d.header['x5t#S256'] !== undefined)
      return Buffer.from(c.fingerprint256.replace(/:/g, ''), 'hex').toString('base64url') === x5t;
    return Buffer.from(c.fingerprint.replace(/:/g, ''), 'hex').toString('base64url') === x5t;
  });
  if (cert === undefined)
    throw badSignature(
      `The key was not found. No certificate with thumbprint ${typeof x5t === 'string' ? x5t : '(none)'} is registered for app '${client.clientID}'.`,
    );
  if (!signatureValid(d, cert.publicKey)) throw badSignature('The signature is invalid.');
  if (iss !== client.clientID || d.claims['sub'] !== client.clientID) throw aadsts(700021);
  const aud = d.claims['aud'];
  if (aud !== tokenURL && !(Array.isArray(aud) && aud.includes(tokenURL)))
    throw aadsts(700022, { values: { tokenEndpoint: tokenURL } });
  if (typeof d.claims['jti'] !== 'string' || d.claims['jti'] === '')
    throw aadsts(50027, { detail: 'The client assertion has no jti.' });
  checkTimes(d.claims, now);
}
