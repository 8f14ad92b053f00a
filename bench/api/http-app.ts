/**
 * An API app of the API bench in its own process: Express 5, `passport.authenticate(name, {
 * session: false })` with this package's MicrosoftBearerStrategy or passport-azure-ad's
 * BearerStrategy, and a route that answers the user id as JSON. Commands: `stats` (process CPU),
 * `gc`. Set BENCH_API_CONTENDER and BENCH_API_SETUP (JSON of an ApiSetup).
 */
import express from 'express';
import passport from 'passport';
import type { Strategy as PassportStrategy } from 'passport';
import { serve } from '../ipc.js';
import { HTTP_CONTENDERS } from './shared.js';
import type { ApiSetup, HttpContender } from './shared.js';
import { loadOurs, oursOptions, passportAzureAdStrategy } from './validators.js';

/** What `stats` answers. */
export interface ApiAppStats {
  cpuMicros: number;
  heapUsed: number;
}

function main(): void {
  const contender = process.env['BENCH_API_CONTENDER'] as HttpContender;
  if (!HTTP_CONTENDERS.includes(contender)) throw new Error(`unknown API app ${contender}`);
  const setup = JSON.parse(process.env['BENCH_API_SETUP'] ?? '{}') as ApiSetup;
  let strategy: PassportStrategy;
  let name: string;
  if (contender === 'ours-strategy') {
    const ours = loadOurs();
    if ('skip' in ours) throw new Error(ours.skip);
    strategy = new ours.module.MicrosoftBearerStrategy(oursOptions(setup));
    name = 'microsoft-bearer';
  } else {
    strategy = passportAzureAdStrategy(setup);
    name = 'oauth-bearer';
  }
  passport.use(name, strategy);

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.get('/api', passport.authenticate(name, { session: false }), (req, res) => {
    const user = req.user as { id?: string } | string | undefined;
    res.json({ user: typeof user === 'string' ? user : user?.id });
  });
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    server.keepAliveTimeout = 60_000;
    serve(
      {
        stats: (): ApiAppStats => {
          const cpu = process.cpuUsage();
          return { cpuMicros: cpu.user + cpu.system, heapUsed: process.memoryUsage().heapUsed };
        },
        gc: () => global.gc?.(),
      },
      { url: `http://127.0.0.1:${port}` },
    );
  });
}

main();
