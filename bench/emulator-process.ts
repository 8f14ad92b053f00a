/**
 * The emulator in its own process, so its CPU is not counted in the app's. Commands: setLatency,
 * resetCounts, counts (requests per route and TCP connections accepted since the last reset).
 */
import { appendFileSync } from 'node:fs';
import { startEmulator } from 'microsoft-identity-emulator';
import type { EmulatorRoute } from 'microsoft-identity-emulator';
import { serve } from './ipc.js';
import { BENCH_CLIENT } from './shared.js';

/** What `counts` answers. */
export interface EmulatorCounts {
  requests: Record<EmulatorRoute, number>;
  connections: number;
}

async function main(): Promise<void> {
  const logFile = process.env['BENCH_EMULATOR_LOG'];
  const emulator = await startEmulator({
    clients: [BENCH_CLIENT],
    ...(logFile ? { log: (line: string) => appendFileSync(logFile, `${line}\n`) } : {}),
  });
  serve(
    {
      setLatency: (ms) => emulator.setLatency(Number(ms)),
      resetCounts: () => emulator.resetCounts(),
      counts: (): EmulatorCounts => ({
        requests: emulator.requestCounts(),
        connections: emulator.connections(),
      }),
      exit: async () => {
        await emulator.close();
        setImmediate(() => process.exit(0));
      },
    },
    { url: emulator.url },
  );
}

void main();
