/**
 * Micro-benchmark of ID-token verification with a warm key cache: CPU microseconds per
 * `IdTokenVerifier.verify` (synchronous node:crypto signature, claims, issuer, nonce), busy (back to
 * back, one or eight at a time) and after the process sat idle for 10 ms (as it does between
 * Microsoft responses at 20 ms of latency). For scale, the same token's RS256 signature checked
 * alone, with WebCrypto (what jose uses: Node runs it on its thread pool) and with the synchronous
 * `node:crypto` call the verifier makes. Loads the verifier from the compiled build (run `npm run build` first).
 * `tsx bench/verify-micro.ts [n]`.
 */
import { createPublicKey, verify as verifySync, webcrypto } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_CLIENT, DEMO_USERS, startEmulator } from 'microsoft-identity-emulator';
import type { JwksCache as JwksCacheClass } from '../lib/tokens/jwks.js';
import type { IdTokenVerifier as IdTokenVerifierClass } from '../lib/tokens/id-token.js';
import { fromBuild } from './build.js';

// The verifier as published (see build.ts).
const { JwksCache } = fromBuild<{ JwksCache: typeof JwksCacheClass }>('tokens/jwks.js');
const { IdTokenVerifier } = fromBuild<{ IdTokenVerifier: typeof IdTokenVerifierClass }>(
  'tokens/id-token.js',
);

const IDLE_MS = 10;

/** CPU µs per call of `fn`: `n` calls, `concurrency` at a time, back to back. */
async function busy(n: number, concurrency: number, fn: () => Promise<unknown>): Promise<number> {
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i += concurrency)
    await Promise.all(Array.from({ length: concurrency }, fn));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / n;
}

/** CPU µs per call of `fn`, each call after IDLE_MS of idleness. */
async function afterIdle(n: number, fn: () => Promise<unknown>): Promise<number> {
  let total = 0;
  for (let i = 0; i < n; i++) {
    await sleep(IDLE_MS);
    const cpu = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(cpu);
    total += used.user + used.system;
  }
  return total / n;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? '5000');
  const idleN = Math.min(n, 300);
  const emulator = await startEmulator();
  try {
    const user = DEMO_USERS.find((u) => u.key === 'work');
    if (user === undefined) throw new Error('no work user');
    const now = Math.floor(Date.now() / 1000);
    const token = await emulator.signIdToken({
      ver: '2.0',
      iss: emulator.issuer(user.tid),
      sub: 's',
      aud: DEFAULT_CLIENT.clientID,
      exp: now + 3600,
      iat: now,
      nbf: now,
      tid: user.tid,
      oid: user.oid,
      nonce: 'n',
    });
    const jwksURL = `${emulator.authority('common')}/discovery/v2.0/keys`;
    const jwks = new JwksCache({ url: jwksURL, timeout: 5000 });
    const verifier = new IdTokenVerifier({
      clientID: DEFAULT_CLIENT.clientID,
      tenantKind: 'common',
      tenant: 'common',
      issuerBase: emulator.url,
      clockTolerance: 300,
      jwks,
    });

    // The signature alone, for scale: the token's key from the JWKS, as a KeyObject and a CryptoKey.
    const [header = '', payload = '', signature = ''] = token.split('.');
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as {
      kid: string;
    };
    const { keys } = (await (await fetch(jwksURL)).json()) as {
      keys: (JsonWebKey & { kid?: string })[];
    };
    const jwk = keys.find((k) => k.kid === kid);
    if (jwk === undefined) throw new Error(`no key ${kid} in the JWKS`);
    const keyObject = createPublicKey({ key: jwk, format: 'jwk' });
    const cryptoKey = await webcrypto.subtle.importKey(
      'jwk',
      jwk,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    const signingInput = Buffer.from(`${header}.${payload}`);
    const sig = Buffer.from(signature, 'base64url');

    const contenders: [string, () => Promise<unknown>][] = [
      ['IdTokenVerifier.verify (node:crypto)', () => verifier.verify(token, { nonce: 'n' })],
      [
        'signature alone, crypto.subtle.verify',
        async () => {
          if (!(await webcrypto.subtle.verify('RSASSA-PKCS1-v1_5', cryptoKey, sig, signingInput)))
            throw new Error('signature does not verify');
        },
      ],
      [
        'signature alone, synchronous crypto.verify',
        async () => {
          if (!verifySync('sha256', signingInput, keyObject, sig))
            throw new Error('signature does not verify');
        },
      ],
    ];
    console.log(
      `CPU µs per call (Node ${process.version}; ${n} busy calls, ${idleN} after ${IDLE_MS} ms idle)`,
    );
    console.log('| what | busy, 1 at a time | busy, 8 at a time | after idle |');
    console.log('| --- | --- | --- | --- |');
    for (const [name, fn] of contenders) {
      await busy(500, 1, fn);
      const one = await busy(n, 1, fn);
      const eight = await busy(n, 8, fn);
      const idle = await afterIdle(idleN, fn);
      console.log(`| ${name} | ${one.toFixed(1)} | ${eight.toFixed(1)} | ${idle.toFixed(1)} |`);
    }
  } finally {
    await emulator.close();
  }
}

void main();
