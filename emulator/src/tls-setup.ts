/**
 * TLS material of `https: true`: the local certificate authority kept in a folder and reused
 * across runs (created on first use), and a server certificate it issues for the emulator's names.
 */
import { X509Certificate, createPrivateKey, generateKeyPair } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createCertificateAuthority, issueServerCertificate } from './certificates.js';
import type { CertificatePair } from './certificates.js';
import type { EmulatorHttpsOptions } from './emulator-types.js';

/** File of the CA certificate (what `NODE_EXTRA_CA_CERTS` names). */
export const CA_CERTIFICATE_FILE = 'ca.pem';
/** File of the CA private key followed by its certificate (readable by the owner only). */
export const CA_KEY_FILE = 'ca-key.pem';

/** What the HTTPS server needs, and what the emulator reports. */
export interface TlsMaterial {
  certificate: string;
  key: string;
  caCertificate: string | undefined;
  caCertificatePath: string | undefined;
}

/**
 * The default folder of the local CA: the OS cache folder's `microsoft-identity-emulator`
 * (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on
 * Windows).
 */
export function defaultCaDirectory(): string {
  const name = 'microsoft-identity-emulator';
  if (process.platform === 'win32')
    return join(process.env['LOCALAPPDATA'] ?? join(homedir(), 'AppData', 'Local'), name);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', name);
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), name);
}

function newRsaKey(): Promise<KeyObject> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048 }, (err, _publicKey, privateKey) => {
      if (err) reject(err);
      else resolve(privateKey);
    });
  });
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----\r?\n?/g;

/** The stored CA pair if it is usable (a CA certificate matching its key, valid 30 more days). */
function readCa(file: string): CertificatePair | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const blocks = [...text.matchAll(PEM_BLOCK)].map((m) => ({ type: m[1], pem: m[0] }));
  const key = blocks.find((b) => b.type?.endsWith('PRIVATE KEY'))?.pem;
  const certificate = blocks.find((b) => b.type === 'CERTIFICATE')?.pem;
  if (key === undefined || certificate === undefined) return undefined;
  try {
    const x509 = new X509Certificate(certificate);
    const soon = Date.now() + 30 * 24 * 3600 * 1000;
    if (!x509.ca || new Date(x509.validTo).getTime() < soon) return undefined;
    if (!x509.checkPrivateKey(createPrivateKey(key))) return undefined;
  } catch {
    return undefined;
  }
  return { certificate, key };
}

/** Writes `text` to `file` through a temporary file and a rename (never a half-written file). */
function writeAtomically(file: string, text: string, mode: number): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}

/**
 * The CA kept in `directory`: read when usable, else created. Creation is exclusive (a hard link),
 * so emulators starting together end up with the same CA.
 */
export async function loadOrCreateCa(
  directory: string,
): Promise<{ ca: CertificatePair; certificatePath: string }> {
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new Error(
      `emulator https: cannot create the CA folder ${directory} (${(err as NodeJS.ErrnoException).code ?? String(err)}); choose another with https.caDirectory (--ca-dir, EMULATOR_CA_DIR)`,
      { cause: err },
    );
  }
  const keyFile = join(directory, CA_KEY_FILE);
  const certificatePath = join(directory, CA_CERTIFICATE_FILE);
  let ca = readCa(keyFile);
  for (let attempt = 0; ca === undefined && attempt < 3; attempt++) {
    const created = createCertificateAuthority(await newRsaKey());
    const tmp = `${keyFile}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, `${created.key}${created.certificate}`, { mode: 0o600 });
    try {
      try {
        linkSync(tmp, keyFile);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        // Another emulator made one first (then use it), or an unusable one is in the way.
        if (readCa(keyFile) === undefined) {
          unlinkSync(keyFile);
          linkSync(tmp, keyFile);
        }
      }
    } finally {
      unlinkSync(tmp);
    }
    ca = readCa(keyFile);
  }
  if (ca === undefined)
    throw new Error(`emulator: could not create a local certificate authority in ${directory}`);
  chmodSync(keyFile, 0o600);
  let current: string | undefined;
  try {
    current = readFileSync(certificatePath, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== ca.certificate) writeAtomically(certificatePath, ca.certificate, 0o644);
  return { ca, certificatePath };
}

// Server certificates by CA and names, so that emulators started one after another in a test
// run do not each generate a key.
const issued = new Map<string, Promise<CertificatePair>>();

/** The TLS material for `https` and the names the server certificate must carry. */
export async function tlsMaterial(
  https: true | EmulatorHttpsOptions,
  hosts: readonly string[],
): Promise<TlsMaterial> {
  const options: EmulatorHttpsOptions = https === true ? {} : https;
  if (options.certificate !== undefined || options.key !== undefined) {
    if (options.certificate === undefined || options.key === undefined)
      throw new TypeError('emulator https: certificate and key must be given together');
    try {
      new X509Certificate(options.certificate);
      createPrivateKey(options.key);
    } catch (err) {
      throw new TypeError(
        `emulator https: certificate or key is not PEM (${err instanceof Error ? err.message : String(err)})`,
        { cause: err },
      );
    }
    return {
      certificate: options.certificate,
      key: options.key,
      caCertificate: options.caCertificate,
      caCertificatePath: undefined,
    };
  }
  const { ca, certificatePath } = await loadOrCreateCa(options.caDirectory ?? defaultCaDirectory());
  const id = `${ca.certificate}\n${[...hosts].sort().join(' ')}`;
  let leaf = issued.get(id);
  if (leaf === undefined) {
    leaf = newRsaKey().then((key) => issueServerCertificate(ca, hosts, key));
    issued.set(id, leaf);
    void leaf.catch(() => issued.delete(id));
  }
  return {
    ...(await leaf),
    caCertificate: ca.certificate,
    caCertificatePath: certificatePath,
  };
}
