/**
 * Signing keys of the emulator: RSA 2048 keys generated at start (or given), published as a
 * Microsoft-style JWKS (per-key `issuer` member, no `alg`), added, removed and rotated on demand.
 */
import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  sign as rsaSign,
  constants,
} from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { loadJose } from './jose-loader.js';
import { certificateDer, sha1Thumbprint, signingCertificate } from './certificates.js';
import type { TenantPath } from './tenants.js';
import type { EmulatorJwk, EmulatorSigningKey } from './emulator-types.js';
import { CONSUMER_TENANT_ID } from './users.js';

/** A published key and the tenant paths whose JWKS lists it (`null`: every path). */
interface Published {
  key: EmulatorSigningKey;
  tenants: readonly string[] | null;
}

function b64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** A fresh RSA 2048 private key. */
async function generatePrivateKey(): Promise<KeyObject> {
  const jose = await loadJose();
  const { privateKey } = await jose.generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  return createPrivateKey({ key: (await jose.exportJWK(privateKey)) as JsonWebKey, format: 'jwk' });
}

/** The signing key of an RSA private key: kid (SHA-1 thumbprint unless given) and Microsoft-shaped JWK. */
export function signingKeyOf(
  privateKey: KeyObject,
  issuer: string | null,
  kid?: string,
): EmulatorSigningKey {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa')
    throw new TypeError('emulator signing keys must be RSA private keys (KeyObject)');
  const publicKey = createPublicKey(privateKey);
  // As Microsoft's: a self-signed certificate per key in x5c, x5t its base64url SHA-1 thumbprint,
  // and the kid the same value unless given.
  const certificate = signingCertificate(privateKey);
  const x5t = sha1Thumbprint(certificate);
  const id = kid ?? x5t;
  const { n, e } = publicKey.export({ format: 'jwk' });
  const jwk: EmulatorJwk = {
    kty: 'RSA',
    use: 'sig',
    kid: id,
    x5t,
    n: n ?? '',
    e: e ?? '',
    x5c: [certificateDer(certificate).toString('base64')],
  };
  if (issuer !== null) jwk.issuer = issuer;
  return Object.freeze({ kid: id, privateKey, publicKey, jwk: Object.freeze(jwk) });
}

const RSA_HASH: Readonly<Record<string, string>> = {
  '256': 'sha256',
  '384': 'sha384',
  '512': 'sha512',
};

/** The identity a tenant name in {@link PublishKeyOptions.tenants} stands for. */
function tenantIdentity(name: string): string {
  const lower = name.toLowerCase();
  return lower === CONSUMER_TENANT_ID ? 'consumers' : lower;
}

/** The emulator's key store. Create with {@link KeyStore.create}. */
export class KeyStore {
  private published: Published[];
  private activeTemplateKid: string;
  /** The issuer member of templated keys: `${origin}/{tenantid}/v2.0`. */
  readonly templatedIssuer: string;
  /** The issuer member of the consumer-bound key. */
  readonly consumerIssuer: string;

  private constructor(origin: string, published: Published[], activeTemplateKid: string) {
    this.templatedIssuer = `${origin}/{tenantid}/v2.0`;
    this.consumerIssuer = `${origin}/${CONSUMER_TENANT_ID}/v2.0`;
    this.published = published;
    this.activeTemplateKid = activeTemplateKid;
  }

  /** Generates (or takes) the private keys of the initial key set, before the origin is known. */
  static async privateKeys(given: readonly KeyObject[] = []): Promise<KeyObject[]> {
    for (const key of given) signingKeyOf(key, null);
    return Promise.all(
      [0, 1, 2].map((i) => {
        const key = given[i];
        return key === undefined ? generatePrivateKey() : Promise.resolve(key);
      }),
    );
  }

  /**
   * Two templated-issuer keys (the first active), published at every tenant path, and one
   * consumer-bound key, published at `common` and `consumers`.
   */
  static create(origin: string, privateKeys: readonly KeyObject[]): KeyStore {
    const [a, b, c] = privateKeys;
    if (!a || !b || !c) throw new Error('emulator: three initial keys expected');
    const store = new KeyStore(origin, [], '');
    const first = signingKeyOf(a, store.templatedIssuer);
    store.published = [
      { key: first, tenants: null },
      { key: signingKeyOf(b, store.templatedIssuer), tenants: null },
      { key: signingKeyOf(c, store.consumerIssuer), tenants: ['common', 'consumers'] },
    ];
    store.activeTemplateKid = first.kid;
    return store;
  }

  /** Makes a key (not published); `issuer` `undefined` = templated, `null` = no issuer member. */
  async createKey(issuer: string | null | undefined, kid?: string): Promise<EmulatorSigningKey> {
    return signingKeyOf(
      await generatePrivateKey(),
      issuer === undefined ? this.templatedIssuer : issuer,
      kid,
    );
  }

  /** The published keys, in key-set order. */
  list(): EmulatorSigningKey[] {
    return this.published.map((p) => p.key);
  }

  /** Publishes `key` at the end of the set, or in place of a published key with its kid. */
  publish(key: EmulatorSigningKey, tenants?: readonly string[]): void {
    const entry: Published = { key, tenants: tenants ? tenants.map(tenantIdentity) : null };
    const at = this.published.findIndex((p) => p.key.kid === key.kid);
    if (at === -1) this.published.push(entry);
    else this.published[at] = entry;
  }

  /** Removes a key from the set; `false` when no key has this kid. */
  unpublish(kid: string): boolean {
    const before = this.published.length;
    this.published = this.published.filter((p) => p.key.kid !== kid);
    return this.published.length !== before;
  }

  /**
   * The key signing tokens of personal accounts (`consumer`: the first published key bound to the
   * consumer tenant) or of the others (`template`: the active templated key, else the first published one).
   */
  active(bound: 'template' | 'consumer'): EmulatorSigningKey {
    const keys = this.list();
    const key =
      bound === 'consumer'
        ? keys.find((k) => k.jwk.issuer === this.consumerIssuer)
        : (keys.find((k) => k.kid === this.activeTemplateKid) ??
          keys.find((k) => k.jwk.issuer === this.templatedIssuer));
    if (!key) throw new Error(`no published ${bound} key`);
    return key;
  }

  /** Finds a published key by kid. */
  byKid(kid: string): EmulatorSigningKey | undefined {
    return this.list().find((k) => k.kid === kid);
  }

  /** Adds a templated key first in the set and makes it active; `dropOld` removes the other templated keys. Returns the new kid. */
  async rotate(dropOld: boolean): Promise<string> {
    const key = await this.createKey(undefined);
    if (dropOld)
      this.published = this.published.filter((p) => p.key.jwk.issuer !== this.templatedIssuer);
    this.published = [{ key, tenants: null }, ...this.published];
    this.activeTemplateKid = key.kid;
    return key.kid;
  }

  /** The JWKS document of a tenant path. */
  jwks(tenant: TenantPath): { keys: Array<Record<string, unknown>> } {
    return {
      keys: this.published
        .filter((p) => p.tenants === null || p.tenants.includes(tenant.identity))
        .map((p) => ({ ...p.key.jwk })),
    };
  }

  /**
   * The v1 key set of a tenant path (`/{tenant}/discovery/keys`): the same keys as the v2 set but
   * those bound to the consumer tenant (personal accounts have no v1 tokens), with no `issuer`
   * members, as Microsoft's v1 key set.
   */
  jwksV1(tenant: TenantPath): { keys: Array<Record<string, unknown>> } {
    return {
      keys: this.jwks(tenant)
        .keys.filter((k) => k['issuer'] !== this.consumerIssuer)
        .map(({ issuer: _issuer, ...rest }) => rest),
    };
  }

  /**
   * Signs a compact JWS, header `{typ:'JWT', alg, kid}` (default RS256 with the key's own kid). Other
   * algorithms serve forging tests: `RS*`/`PS*` with the RSA key, `HS*` with the public key PEM as HMAC
   * secret, `none` unsigned. `header` is merged last and may misstate `alg`.
   */
  sign(
    claims: Record<string, unknown>,
    key: EmulatorSigningKey,
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
    else if (family === 'HS') {
      const pem = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      signature = createHmac(hash, pem).update(input).digest();
    } else throw new Error(`unsupported alg ${alg}`);
    return `${input}.${b64url(signature)}`;
  }
}
