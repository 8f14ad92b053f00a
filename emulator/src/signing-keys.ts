/**
 * Signing keys of the emulator: RSA 2048 keys generated at start, published as a Microsoft-style JWKS
 * (per-key `issuer` property, no `alg`), rotated on demand.
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign as rsaSign,
  constants,
} from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { JWK } from 'jose' with { 'resolution-mode': 'import' };
import { loadJose } from './jose-loader.js';
import { CONSUMER_TENANT_ID } from './users.js';

/** One signing key. `bound` = `'consumer'` for the key whose issuer is the consumer tenant. */
export interface SigningKey {
  kid: string;
  bound: 'template' | 'consumer';
  publicJwk: JWK;
  privateKey: KeyObject;
  publicPem: string;
}

/** Which keys a tenant's JWKS endpoint serves. */
export type KeySet = 'all' | 'template';

function b64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

async function generateKey(bound: SigningKey['bound']): Promise<SigningKey> {
  const jose = await loadJose();
  const { publicKey, privateKey } = await jose.generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  const publicJwk = await jose.exportJWK(publicKey);
  const privateJwk = await jose.exportJWK(privateKey);
  const privateKeyObject = createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' });
  const publicKeyObject = createPublicKey(privateKeyObject);
  const der = publicKeyObject.export({ type: 'spki', format: 'der' });
  // Microsoft kids look like base64url SHA-1 thumbprints (27 chars); x5t carries the same value.
  const kid = b64url(createHash('sha1').update(der).digest());
  return {
    kid,
    bound,
    publicJwk,
    privateKey: privateKeyObject,
    publicPem: publicKeyObject.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const RSA_HASH: Readonly<Record<string, string>> = {
  '256': 'sha256',
  '384': 'sha384',
  '512': 'sha512',
};

/** The emulator's key store. Create with {@link KeyStore.create}. */
export class KeyStore {
  private keys: SigningKey[];
  private activeTemplateKid: string;

  private constructor(keys: SigningKey[], activeTemplateKid: string) {
    this.keys = keys;
    this.activeTemplateKid = activeTemplateKid;
  }

  /** Generates two templated-issuer keys (the first active) and one consumer-bound key. */
  static async create(): Promise<KeyStore> {
    const [a, b, c] = await Promise.all([
      generateKey('template'),
      generateKey('template'),
      generateKey('consumer'),
    ]);
    return new KeyStore([a, b, c], a.kid);
  }

  /** The key signing tokens of `bound` accounts. */
  active(bound: SigningKey['bound']): SigningKey {
    const key =
      bound === 'consumer'
        ? this.keys.find((k) => k.bound === 'consumer')
        : this.keys.find((k) => k.kid === this.activeTemplateKid);
    if (!key) throw new Error(`no active ${bound} key`);
    return key;
  }

  /** Finds a key by kid. */
  byKid(kid: string): SigningKey | undefined {
    return this.keys.find((k) => k.kid === kid);
  }

  /** Adds a templated key, makes it active; `dropOld` removes the other templated keys. Returns the new kid. */
  async rotate(dropOld: boolean): Promise<string> {
    const key = await generateKey('template');
    if (dropOld) this.keys = this.keys.filter((k) => k.bound !== 'template');
    this.keys = [key, ...this.keys];
    this.activeTemplateKid = key.kid;
    return key.kid;
  }

  /** Origin the keys' `issuer` members name instead of the emulator URL (a national cloud's). */
  issuerOrigin: string | undefined;

  /** The JWKS document; `origin` is the emulator URL. */
  jwks(emulatorURL: string, set: KeySet): { keys: Array<Record<string, unknown>> } {
    const origin = this.issuerOrigin ?? emulatorURL;
    return {
      keys: this.keys
        .filter((k) => set === 'all' || k.bound === 'template')
        .map((k) => ({
          kty: 'RSA',
          use: 'sig',
          kid: k.kid,
          x5t: k.kid,
          n: k.publicJwk.n,
          e: k.publicJwk.e,
          issuer:
            k.bound === 'consumer'
              ? `${origin}/${CONSUMER_TENANT_ID}/v2.0`
              : `${origin}/{tenantid}/v2.0`,
        })),
    };
  }

  /**
   * Signs a compact JWS, header `{typ:'JWT', alg, kid}` (default RS256 with the key's own kid). Other
   * algorithms serve forging tests: `RS*`/`PS*` with the RSA key, `HS*` with the public key PEM as HMAC
   * secret, `none` unsigned. `header` is merged last and may misstate `alg`.
   */
  sign(
    claims: Record<string, unknown>,
    key: SigningKey,
    alg = 'RS256',
    kid = key.kid,
    header: Record<string, unknown> = {},
  ): string {
    const protectedHeader = { typ: 'JWT', alg, kid, ...header };
    const input = `${b64url(JSON.stringify(protectedHeader))}.${b64url(JSON.stringify(claims))}`;
    const family = alg.slice(0, 2);
    const hash = RSA_HASH[alg.slice(2)];
    if (alg === 'none') return `${input}.`;
    if (!hash) throw new Error(`unsupported alg ${alg}`);
    let signature: Buffer;
    if (family === 'RS') signature = rsaSign(hash, Buffer.from(input), key.privateKey);
    else if (family === 'PS')
      signature = rsaSign(hash, Buffer.from(input), {
        key: key.privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: Number(alg.slice(2)) / 8,
      });
    else if (family === 'HS') signature = createHmac(hash, key.publicPem).update(input).digest();
    else throw new Error(`unsupported alg ${alg}`);
    return `${input}.${b64url(signature)}`;
  }
}
