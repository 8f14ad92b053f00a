/**
 * One contender's app, in its own process: Express 5 + express-session + Passport 0.7 with
 * GET /login, GET /login/callback and GET /me (answers the session user, then ends the session so
 * the memory store does not grow), or for the floor a bare node:http server that only makes the
 * two Microsoft requests a login needs. Reports CPU time and heap over IPC.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import { serve } from './ipc.js';
import { BENCH_CLIENT, CONTENDERS, SCOPE } from './shared.js';
import type { Contender } from './shared.js';
import { strategyFor } from './strategies.js';

/** What `stats` answers. */
export interface AppStats {
  /** process.cpuUsage() user + system, microseconds. */
  cpuMicros: number;
  heapUsed: number;
}

interface SessionUser {
  id: string;
}

const contender = process.env['BENCH_CONTENDER'] as Contender;
if (!CONTENDERS.includes(contender))
  throw new Error(`BENCH_CONTENDER must be one of ${CONTENDERS.join(', ')}`);
const emulatorURL = process.env['BENCH_EMULATOR_URL'] ?? '';
const authorizationURL = `${emulatorURL}/common/oauth2/v2.0/authorize`;
const tokenURL = `${emulatorURL}/common/oauth2/v2.0/token`;
const graphMe = `${emulatorURL}/v1.0/me`;

async function passportApp(
  which: Exclude<Contender, 'floor'>,
  appURL: string,
): Promise<express.Express> {
  const pp = new passport.Passport();
  pp.use('microsoft', await strategyFor(which, emulatorURL, appURL));
  pp.serializeUser((user: Express.User, done) => done(null, user));
  pp.deserializeUser((user: Express.User, done) => done(null, user));
  const app = express();
  app.use(
    session({ secret: 'bench-session-secret-0123456789', resave: false, saveUninitialized: false }),
  );
  app.use(pp.initialize());
  app.use(pp.session());
  app.get('/login', pp.authenticate('microsoft'));
  app.get(
    '/login/callback',
    pp.authenticate('microsoft', { failureRedirect: '/failed' }),
    (_req: Request, res: Response) => res.redirect('/'),
  );
  app.get('/me', (req: Request, res: Response, next: NextFunction) => {
    const user = req.user as SessionUser | undefined;
    req.session.destroy((err: unknown) => (err ? next(err) : res.json({ id: user?.id ?? null })));
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res
      .status(500)
      .json({ error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  });
  return app;
}

/** The floor: a framework-free server that makes only the token POST and the Graph GET. */
function floorApp(): (req: IncomingMessage, res: ServerResponse) => void {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const scope = SCOPE.join(' ');
  const request = (
    url: string,
    method: 'GET' | 'POST',
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  return (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const redirectURI = `${url.origin}/login/callback`;
    if (url.pathname === '/login') {
      const q = new URLSearchParams({
        client_id: BENCH_CLIENT.clientID,
        response_type: 'code',
        redirect_uri: redirectURI,
        scope,
      });
      res.writeHead(302, { location: `${authorizationURL}?${q.toString()}` }).end();
      return;
    }
    if (url.pathname === '/login/callback') {
      const form = new URLSearchParams({
        grant_type: 'authorization_code',
        code: url.searchParams.get('code') ?? '',
        redirect_uri: redirectURI,
        client_id: BENCH_CLIENT.clientID,
        client_secret: BENCH_CLIENT.clientSecret,
        scope,
      }).toString();
      request(
        tokenURL,
        'POST',
        {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': String(Buffer.byteLength(form)),
        },
        form,
      )
        .then((token) => {
          const accessToken = (JSON.parse(token.body) as { access_token: string }).access_token;
          return request(graphMe, 'GET', { authorization: `Bearer ${accessToken}` });
        })
        .then((me) => {
          const id = (JSON.parse(me.body) as { id: string }).id;
          res
            .writeHead(302, {
              location: '/',
              'set-cookie': `uid=${encodeURIComponent(id)}; Path=/; HttpOnly`,
            })
            .end();
        })
        .catch((err: unknown) => res.writeHead(500).end(String(err)));
      return;
    }
    if (url.pathname === '/me') {
      const cookie = /(?:^|;\s*)uid=([^;]*)/.exec(req.headers.cookie ?? '')?.[1];
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: cookie === undefined ? null : decodeURIComponent(cookie) }));
      return;
    }
    res.writeHead(404).end();
  };
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run with --expose-gc');
  for (let i = 0; i < 4; i++) collect();
}

/** A phase of a batch (`login`, `callback`, `session-check`, `end`) and its round (-1 = warm-up). */
export interface PhaseMark {
  phase: string;
  round: number;
  /** When it began, in µs of the monotonic clock that V8 profiles use. */
  at: number;
}

/**
 * `phases.<pid>.json`, written next to the profile of a `--cpu-prof` run, so that
 * `bench/profile-summary.ts --phase=callback` can keep the callback phase alone.
 */
export interface PhasesFile {
  pid: number;
  contender: Contender;
  marks: PhaseMark[];
}

const marks: PhaseMark[] = [];
const profileDir = process.execArgv
  .find((a) => a.startsWith('--cpu-prof-dir='))
  ?.slice('--cpu-prof-dir='.length);
if (profileDir !== undefined) {
  process.on('exit', () => {
    mkdirSync(profileDir, { recursive: true });
    const file: PhasesFile = { pid: process.pid, contender, marks };
    writeFileSync(path.join(profileDir, `phases.${process.pid}.json`), JSON.stringify(file));
  });
}

async function main(): Promise<void> {
  // Listen first: openid-client's strategy is configured with its absolute callback URL.
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) =>
    void res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  handler =
    contender === 'floor' ? floorApp() : await passportApp(contender, `http://127.0.0.1:${port}`);
  const stats = (mark?: unknown): AppStats => {
    if (profileDir !== undefined && mark !== null && typeof mark === 'object') {
      const { phase, round } = mark as Partial<PhaseMark>;
      if (typeof phase === 'string' && typeof round === 'number')
        marks.push({ phase, round, at: Number(process.hrtime.bigint() / 1000n) });
    }
    const cpu = process.cpuUsage();
    return { cpuMicros: cpu.user + cpu.system, heapUsed: process.memoryUsage().heapUsed };
  };
  serve(
    {
      stats,
      gc: (): AppStats => {
        gc();
        return stats();
      },
    },
    { url: `http://127.0.0.1:${port}` },
  );
}

void main();
