/**
 * Strategy-only CPU per callback, without Express: each contender's Passport strategy is driven in
 * this process the way Passport drives it (Object.create(strategy) with the actions attached) on a
 * plain request object with a session, against the emulator in a child process. Useful to find
 * where a strategy spends its time (`node --cpu-prof --import tsx bench/callback-micro.ts`).
 *
 * Loads this strategy from the compiled build, like the bench (run `npm run build` first).
 * `tsx bench/callback-micro.ts [n] [contenders]`, e.g. `tsx bench/callback-micro.ts 2000 graph,passport-microsoft`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Strategy as PassportStrategy } from 'passport';
import { LoadClient, pool } from './client.js';
import { Child } from './ipc.js';
import { ACCOUNTS } from './shared.js';
import type { Contender } from './shared.js';
import type { PhaseMark, PhasesFile } from './app.js';
import { strategyFor } from './strategies.js';

// Under `node --cpu-prof --cpu-prof-dir=DIR`, the times each measured callback phase began and
// ended go to DIR/phases.<pid>.json, so `profile-summary.ts --phase=callback` keeps them alone.
const marks: PhaseMark[] = [];
const profileDir = process.execArgv
  .find((a) => a.startsWith('--cpu-prof-dir='))
  ?.slice('--cpu-prof-dir='.length);
if (profileDir !== undefined) {
  process.on('exit', () => {
    mkdirSync(profileDir, { recursive: true });
    const contender = (process.argv[3]?.split(',')[0] ?? 'graph') as Contender;
    const file: PhasesFile = { pid: process.pid, contender, marks };
    writeFileSync(path.join(profileDir, `phases.${process.pid}.json`), JSON.stringify(file));
  });
}
const mark = (phase: string, round: number): void => {
  marks.push({ phase, round, at: Number(process.hrtime.bigint() / 1000n) });
};

type Outcome =
  | { action: 'redirect'; url: string }
  | { action: 'success' }
  | { action: 'fail' | 'error'; detail: string };

interface FakeRequest {
  method: string;
  url: string;
  originalUrl: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  session: Record<string, unknown>;
  connection: object;
  socket: object;
}

function fakeRequest(pathAndQuery: string, session: Record<string, unknown>): FakeRequest {
  const url = new URL(pathAndQuery, 'http://127.0.0.1:3000');
  return {
    method: 'GET',
    url: pathAndQuery,
    originalUrl: pathAndQuery,
    headers: { host: '127.0.0.1:3000' },
    query: Object.fromEntries(url.searchParams),
    session,
    connection: {},
    socket: {},
  };
}

function run(strategy: PassportStrategy, req: FakeRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = Object.create(strategy) as {
      authenticate(req: FakeRequest, options: object): void;
      redirect(url: string): void;
      success(): void;
      fail(challenge?: unknown): void;
      error(err: unknown): void;
    };
    s.redirect = (url) => resolve({ action: 'redirect', url });
    s.success = () => resolve({ action: 'success' });
    s.fail = (challenge) => resolve({ action: 'fail', detail: JSON.stringify(challenge) });
    s.error = (err) => resolve({ action: 'error', detail: String(err) });
    s.authenticate(req, {});
  });
}

/** A sign-in through the emulator's page, returning the callback path and query. */
async function signIn(client: LoadClient, authorizeURL: string, account: string): Promise<string> {
  const pending = await client.signInPage(authorizeURL, account);
  const url = new URL(pending);
  return `${url.pathname}${url.search}`;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? '1000');
  const contenders = (process.argv[3] ?? 'graph,id_token,passport-microsoft,passport-oauth2').split(
    ',',
  ) as Exclude<Contender, 'floor'>[];
  const emulator = await Child.start(path.join(__dirname, 'emulator-process.ts'), {});
  const emulatorURL = (emulator.info as { url: string }).url;
  const client = new LoadClient();
  try {
    for (let round = 0; round < 3; round++) {
      for (const contender of contenders) {
        const strategy = await strategyFor(contender, emulatorURL, 'http://127.0.0.1:3000');
        const logins = await pool(n, 8, async (i) => {
          const session: Record<string, unknown> = {};
          const start = await run(strategy, fakeRequest('/login', session));
          if (start.action !== 'redirect') throw new Error(`${contender} /login: ${start.action}`);
          return {
            session,
            callback: await signIn(client, start.url, ACCOUNTS[i % ACCOUNTS.length] ?? 'work'),
          };
        });
        mark('callback', round - 1);
        const cpu = process.cpuUsage();
        const t0 = performance.now();
        const outcomes = await pool(n, 8, (i) =>
          run(strategy, fakeRequest(logins[i]?.callback ?? '', logins[i]?.session ?? {})),
        );
        const used = process.cpuUsage(cpu);
        mark('idle', round - 1);
        const bad = outcomes.find((o) => o.action !== 'success');
        if (bad !== undefined) throw new Error(`${contender}: ${JSON.stringify(bad)}`);
        if (round > 0) {
          console.log(
            `${contender.padEnd(20)} ${((used.user + used.system) / 1000 / n).toFixed(3)} ms CPU per callback, ${((performance.now() - t0) / n).toFixed(3)} ms wall`,
          );
        }
      }
    }
  } finally {
    client.close();
    await emulator.stop();
  }
}

void main();
