/**
 * Emulated latency under concurrency (regression: every delayed response listened on one abort
 * signal, so more than ten in flight printed MaxListenersExceededWarning).
 */
import { expect } from 'chai';
import { startEmulator } from '../src/index.js';

describe('emulator: latency with many requests in flight', () => {
  it('delays 30 concurrent responses without a listener-limit warning, and close() still ends them', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w);
    };
    process.on('warning', onWarning);
    const emulator = await startEmulator({ latencyMs: 40 });
    try {
      const statuses = await Promise.all(
        Array.from({ length: 30 }, () =>
          fetch(`${emulator.url}/common/discovery/v2.0/keys`).then((r) => r.status),
        ),
      );
      expect(statuses.every((s) => s === 200)).to.equal(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).to.have.length(0);
    } finally {
      process.off('warning', onWarning);
      await emulator.close();
    }
  });
});
