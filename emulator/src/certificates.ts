/**
 * X.509 certificates of the emulator: the self-signed certificate of each signing key (the JWKS
 * `x5c`), and the local certificate authority and TLS certificate of `https: true`.
 *
 * node-forge builds the certificate structure (node:crypto reads certificates but cannot write
 * them); node:crypto makes the keys and signs, so no private-key arithmetic runs in JavaScript.
 */
import {
  X509Certificate,
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** A certificate with its private key, both PEM. */
export interface CertificatePair {
  /** The certificate, PEM. */
  certificate: string;
  /** Its private key, PEM (PKCS #8). */
  key: string;
}

/** What goes into a certificate. */
interface CertificateSpec {
  subject: string;
  issuer: string;
  /** Public key of the subject. */
  publicKey: KeyObject;
  /** Key that signs (the issuer's). */
  signingKey: KeyObject;
  days: number;
  extensions: object[];
}

const DAY_MS = 24 * 3600 * 1000;

/** Builds and signs (SHA-256 with RSA, by node:crypto) a certificate; returns it as PEM. */
function buildCertificate(spec: CertificateSpec): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(
    spec.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  );
  // A positive 16-byte serial (the first bit clear).
  cert.serialNumber = `0${randomBytes(16).toString('hex').slice(1)}`;
  const now = Date.now();
  // An hour back, for clocks a little behind.
  cert.validity.notBefore = new Date(now - 3600 * 1000);
  cert.validity.notAfter = new Date(now + spec.days * DAY_MS);
  cert.setSubject([{ name: 'commonName', value: spec.subject }]);
  cert.setIssuer([{ name: 'commonName', value: spec.issuer }]);
  cert.setExtensions(spec.extensions);
  const oid = forge.pki.oids['sha256WithRSAEncryption'] ?? '1.2.840.113549.1.1.11';
  cert.signatureOid = oid;
  cert.siginfo.algorithmOid = oid;
  // Present in node-forge (pki.getTBSCertificate), missing from its type definitions.
  const pki = forge.pki as typeof forge.pki & {
    getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1;
  };
  const tbs = pki.getTBSCertificate(cert);
  cert.tbsCertificate = tbs;
  const der = Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary');
  cert.signature = sign('sha256', der, spec.signingKey).toString('binary');
  return forge.pki.certificateToPem(cert);
}

/** The DER bytes of a PEM certificate. */
export function certificateDer(pem: string): Buffer {
  return new X509Certificate(pem).raw;
}

/** Base64url SHA-1 thumbprint of a certificate (the JWK `x5t`). */
export function sha1Thumbprint(pem: string): string {
  return createHash('sha1').update(certificateDer(pem)).digest('base64url');
}

// One certificate per signing key, so emulators sharing keys (EmulatorOptions.keys) share it too.
const signingCertificates = new WeakMap<KeyObject, string>();

/**
 * The self-signed certificate of a signing key, as Microsoft publishes one per key in `x5c`
 * (subject `CN=accounts.accesscontrol.windows.net`, valid about five years).
 */
export function signingCertificate(privateKey: KeyObject): string {
  let pem = signingCertificates.get(privateKey);
  if (pem === undefined) {
    const name = 'accounts.accesscontrol.windows.net';
    pem = buildCertificate({
      subject: name,
      issuer: name,
      publicKey: createPublicKey(privateKey),
      signingKey: privateKey,
      days: 5 * 365,
      extensions: [],
    });
    signingCertificates.set(privateKey, pem);
  }
  return pem;
}

/** Subject and issuer name of the emulator's local certificate authority. */
export const CA_NAME = 'microsoft-identity-emulator local CA';

/** A new local certificate authority (RSA 2048, valid ten years). */
export function createCertificateAuthority(privateKey: KeyObject): CertificatePair {
  const certificate = buildCertificate({
    subject: CA_NAME,
    issuer: CA_NAME,
    publicKey: createPublicKey(privateKey),
    signingKey: privateKey,
    days: 3650,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  return { certificate, key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** The subjectAltName entry of a host name or IP address (IPv6 without brackets). */
function altName(host: string): { type: number; value?: string; ip?: string } {
  return isIP(host) === 0 ? { type: 2, value: host } : { type: 7, ip: host };
}

/**
 * A TLS server certificate for `hosts` (DNS names and IP addresses), issued by `ca`, valid
 * 397 days (the longest browsers accept).
 */
export function issueServerCertificate(
  ca: CertificatePair,
  hosts: readonly string[],
  leafKey: KeyObject,
): CertificatePair {
  const caCert = forge.pki.certificateFromPem(ca.certificate);
  const unique = [...new Set(hosts.map((h) => h.toLowerCase().replace(/^\[|\]$/g, '')))];
  const certificate = buildCertificate({
    subject: unique[0] ?? 'localhost',
    issuer: CA_NAME,
    publicKey: createPublicKey(leafKey),
    signingKey: createPrivateKey(ca.key),
    days: 397,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: unique.map(altName) },
      {
        name: 'authorityKeyIdentifier',
        keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes(),
      },
    ],
  });
  return { certificate, key: leafKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}
