/**
 * Micro-benchmark of ID-token verification with a warm key cache: CPU microseconds per
 * `IdTokenVerifier.verify` (signature, claims, issuer, nonce). `tsx bench/verify-micro.ts [n]`.
 */
import { DEFAULT_CLIENT, DEMO_USERS, startEmulator } from '../lib/emulator/index.js';
import { JwksCache } from '../lib/idtoken/jwks.js';
import { IdTokenVerifier } from '../lib/idtoken/verify.js';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? '5000');
  const emulator = await startEmulator();
  try {
    const user = DEMO_USERS.find((u) => u.key === 'work');
    if (user === undefined) throw new Error('no work user');
    const now = Math.floor(Date.now() / 1000);
    const token = await emulator.signIdToken({ ver: '2.0', iss: emulator.issuer(user.tid), sub: 's', aud: DEFAULT_CLIENT.clientId, exp: now + 3600, iat: now, nbf: now, tid: user.tid, oid: user.oid, nonce: 'n' });
    const jwks = new JwksCache({ url: `${emulator.authority('common')}/discovery/v2.0/keys`, timeout: 5000 });
    const verifier = new IdTokenVerifier({ clientID: DEFAULT_CLIENT.clientId, tenantKind: 'common', tenant: 'common', issuerBase: emulator.url, clockTolerance: 300, jwks });
    for (let i = 0; i < 500; i++) await verifier.verify(token, { nonce: 'n' });
    for (const concurrency of [1, 8]) {
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < n; i += concurrency) await Promise.all(Array.from({ length: concurrency }, () => verifier.verify(token, { nonce: 'n' })));
      const used = process.cpuUsage(cpu);
      console.log(`concurrency ${concurrency}: ${((used.user + used.system) / n).toFixed(1)} µs CPU and ${(((performance.now() - t0) * 1000) / n).toFixed(1)} µs wall per verification`);
    }
  } finally {
    await emulator.close();
  }
}

void main();
