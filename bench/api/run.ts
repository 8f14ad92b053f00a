/**
 * The API section of `npm run bench`: access-token validation, the hot path of an API. Each
 * contender validates ~1.25 KB v2 access tokens on a warm key cache, one validation in flight, in
 * a fresh process per round: CPU per validation (validations per second per core) and p50/p99 per
 * validation, with distinct tokens and with one repeated token. Then the Passport round trip over
 * HTTP (Express + passport.authenticate + the strategy), this package's against
 * passport-azure-ad's; a burst of concurrent requests on a cold key cache; the heap after 10× the
 * verified-token cache's bound in distinct tokens.
 *
 * Keys and metadata come from the emulator on 127.0.0.1, through a local HTTPS front for
 * passport-azure-ad (which takes only https metadata). Run alone with `npx tsx bench/api/run.ts`
 * after `npm run build`; `npm run bench` runs it after the login section. Settings in
 * bench/README.md ("API section").
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEMO_USERS, startEmulator } from 'microsoft-identity-emulator';
import { Child } from '../ipc.js';
import { measureHttp, coldBurst } from './http-load.js';
import type { HttpMeasured } from './http-load.js';
import { report } from './report.js';
import type { ApiTarget } from './report.js';
import { API_CONTENDERS, HTTP_CONTENDERS, TLS_CERT, TLS_KEY, makeTokens } from './shared.js';
import type { ApiContender, ApiSetup, HttpContender, TokenMode } from './shared.js';
import { loadOurs } from './validators.js';
import type { HeapReading, MeasuredPair } from './worker.js';

const HERE = __dirname;

function setting(name: string, env: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg?.slice(name.length + 3) ?? process.env[env] ?? fallback;
}

/** The API section's settings (environment or --name=value). */
export function apiSettings() {
  const out = setting(
    'api-out',
    'BENCH_API_OUT',
    path.join(HERE, '..', 'results', 'api-latest.json'),
  );
  const publish = path.resolve(out) === path.join(HERE, '..', 'results', 'api-latest.json');
  return {
    rounds: Number(setting('api-rounds', 'BENCH_API_ROUNDS', '3')),
    /** Validations per batch with distinct tokens (each token once). */
    distinct: Number(setting('api-n', 'BENCH_API_N', '3000')),
    /** Validations per batch with the repeated token. */
    repeated: Number(setting('api-repeat', 'BENCH_API_REPEAT', '200000')),
    warm: Number(setting('api-warm', 'BENCH_API_WARM', '1000')),
    /** A batch stops after this long even if it has not done its validations. */
    budgetMs: Number(setting('api-budget-ms', 'BENCH_API_BUDGET_MS', '1500')),
    httpRequests: Number(setting('api-http-n', 'BENCH_API_HTTP_N', '2000')),
    httpConcurrency: Number(setting('api-http-concurrency', 'BENCH_API_HTTP_CONCURRENCY', '4')),
    burst: Number(setting('api-burst', 'BENCH_API_BURST', '1000')),
    /**
     * The verified-token cache's bound (`cacheSize`) of the heap check's verifier, which validates
     * 10× as many distinct tokens (the default bound, 10,000, would take 100,000 signed tokens).
     */
    cacheBound: Number(setting('api-cache-bound', 'BENCH_API_CACHE_BOUND', '1000')),
    out,
    chart: setting(
      'api-chart',
      'BENCH_API_CHART',
      publish ? path.join(HERE, '..', '..', 'docs', 'performance-api.svg') : '',
    ),
    publish,
  };
}
export type ApiSettings = ReturnType<typeof apiSettings>;

/** One contender's batch in one round and mode. */
export interface ApiBatch extends MeasuredPair {
  contender: ApiContender;
  round: number;
  mode: TokenMode;
}

/** One HTTP app's batch in one round and mode. */
export interface HttpBatch extends HttpMeasured {
  contender: HttpContender;
  round: number;
  mode: TokenMode;
}

/** What bench/results/api-latest.json holds. */
export interface ApiResults {
  date: string;
  machine: string;
  loadAverage: { start: number; end: number };
  settings: Omit<ApiSettings, 'out' | 'chart' | 'publish'>;
  tokenChars: number;
  skipped: Partial<Record<ApiContender, string>>;
  batches: ApiBatch[];
  http: HttpBatch[];
  coldBurst: {
    contender: HttpContender;
    requests: number;
    keySetRequests: number;
    discoveryRequests: number;
    errors: number;
  }[];
  heap: HeapReading[];
  durationSeconds: number;
  /** Written to the JSON file: the targets as the report marked them. */
  targets?: ApiTarget[];
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * An HTTPS front for the emulator's metadata and keys: passport-azure-ad fetches only https URLs.
 * The discovery document's `jwks_uri` is pointed at the front; everything else passes unchanged.
 */
async function httpsFront(
  emulatorURL: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = https.createServer(
    { key: readFileSync(TLS_KEY), cert: readFileSync(TLS_CERT) },
    (req, res) => {
      void (async () => {
        const upstream = await fetch(`${emulatorURL}${req.url ?? '/'}`);
        let body = await upstream.text();
        if (upstream.ok && (req.url ?? '').includes('/.well-known/openid-configuration')) {
          const doc = JSON.parse(body) as { jwks_uri: string };
          doc.jwks_uri = doc.jwks_uri.replace(emulatorURL, front);
          body = JSON.stringify(doc);
        }
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(body);
      })().catch(() => res.writeHead(502).end());
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const front = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: front,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs the API section; returns its markdown (also written next to the JSON). */
export async function runApiBench(settings = apiSettings()): Promise<string> {
  const started = Date.now();
  const loadAtStart = os.loadavg()[0] ?? NaN;
  const user = DEMO_USERS.find((u) => u.key === 'work');
  if (user === undefined) throw new Error('no work demo user');
  const emulator = await startEmulator();
  const front = await httpsFront(emulator.url);
  const work = mkdtempSync(path.join(os.tmpdir(), 'pma-api-bench-'));
  const skipped: ApiResults['skipped'] = {};
  const batches: ApiBatch[] = [];
  const http: HttpBatch[] = [];
  const bursts: ApiResults['coldBurst'] = [];
  let heap: HeapReading[] = [];
  const childEnv = { NODE_EXTRA_CA_CERTS: TLS_CERT };
  try {
    const count = Math.max(
      settings.warm + settings.distinct,
      settings.warm + settings.httpRequests,
      settings.cacheBound * 10,
      settings.burst,
    );
    log(`bench api: signing ${count} distinct access tokens`);
    const tokens = await makeTokens(
      emulator,
      user.tid,
      { oid: user.oid, name: user.displayName, username: user.preferredUsername },
      count,
    );
    const tokensFile = path.join(work, 'tokens.json');
    writeFileSync(tokensFile, JSON.stringify(tokens));
    const setup: ApiSetup = {
      authority: emulator.authority(user.tid),
      issuer: emulator.issuer(user.tid),
      jwksUri: `${emulator.authority(user.tid)}/discovery/v2.0/keys`,
      httpsMetadata: `${front.url}/${user.tid}/v2.0/.well-known/openid-configuration`,
      tenantId: user.tid,
      tokensFile,
    };
    const tokenChars = tokens[0]?.length ?? 0;

    // In process, one validation in flight, a fresh process per contender and round.
    for (let round = 0; round < settings.rounds; round++) {
      const order = API_CONTENDERS.map(
        (_, i) => API_CONTENDERS[(i + round) % API_CONTENDERS.length] as ApiContender,
      );
      for (const contender of order) {
        if (skipped[contender] !== undefined) continue;
        const child = await Child.start(path.join(HERE, 'worker.ts'), childEnv);
        try {
          const prepared = await child.call<{ skip?: string }>('prepare', { contender, setup });
          if (prepared.skip !== undefined) {
            skipped[contender] = prepared.skip;
            log(`  ${contender}: skipped (${prepared.skip})`);
            continue;
          }
          for (const mode of ['distinct', 'repeated'] as const) {
            const m = await child.call<MeasuredPair>('measure', {
              mode,
              warm: settings.warm,
              n: mode === 'distinct' ? settings.distinct : settings.repeated,
              budgetMs: settings.budgetMs,
            });
            batches.push({ contender, round, mode, ...m });
            log(
              `  round ${round + 1} ${contender.padEnd(26)} ${mode.padEnd(8)} ${((m.validations * 1e6) / m.cpuMicros).toFixed(0)} validations/s per core (floor ${((m.floor.validations * 1e6) / m.floor.cpuMicros).toFixed(0)}), p50 ${m.p50.toFixed(1)} µs, p99 ${m.p99.toFixed(1)} µs (${m.validations})`,
            );
          }
        } finally {
          await child.stop();
        }
      }
    }

    // Over HTTP: Express + passport.authenticate + the strategy.
    const oursBuilt = !('skip' in loadOurs());
    const httpContenders = HTTP_CONTENDERS.filter((c) => c !== 'ours-strategy' || oursBuilt);
    const startApp = (contender: HttpContender): Promise<Child> =>
      Child.start(path.join(HERE, 'http-app.ts'), {
        ...childEnv,
        BENCH_API_CONTENDER: contender,
        BENCH_API_SETUP: JSON.stringify(setup),
      });
    const apps = new Map<HttpContender, Child>();
    try {
      for (const c of httpContenders) apps.set(c, await startApp(c));
      for (let round = 0; round < settings.rounds; round++) {
        const order = httpContenders.map(
          (_, i) => httpContenders[(i + round) % httpContenders.length] as HttpContender,
        );
        for (const contender of order)
          for (const mode of ['distinct', 'repeated'] as const) {
            const app = apps.get(contender) as Child;
            const m = await measureHttp(app, tokens, mode, round, settings);
            http.push({ contender, round, mode, ...m });
            log(
              `  http round ${round + 1} ${contender.padEnd(18)} ${mode.padEnd(8)} ${((m.requests * 1e6) / m.appCpuMicros).toFixed(0)} requests/s of app CPU, p50 ${m.p50.toFixed(0)} µs, ${m.errors} errors`,
            );
          }
      }
    } finally {
      for (const app of apps.values()) await app.stop();
    }

    // A cold key cache: a fresh app, `burst` concurrent requests, key-set requests counted.
    for (const contender of httpContenders) {
      const app = await startApp(contender);
      try {
        emulator.resetCounts();
        const b = await coldBurst(app, tokens.slice(0, settings.burst));
        const counts = emulator.requestCounts();
        bursts.push({
          contender,
          requests: settings.burst,
          keySetRequests: counts.jwks,
          discoveryRequests: counts.discovery,
          errors: b.errors,
        });
        log(
          `  cold burst ${contender}: ${settings.burst} requests → ${counts.jwks} key-set request(s), ${counts.discovery} discovery, ${b.errors} errors`,
        );
      } finally {
        await app.stop();
      }
    }

    // The heap after 1× and 10× the cache's bound in distinct tokens.
    if (skipped['ours-verifier'] === undefined) {
      const child = await Child.start(path.join(HERE, 'worker.ts'), childEnv);
      try {
        await child.call('prepare', {
          contender: 'ours-verifier',
          setup: { ...setup, cacheSize: settings.cacheBound },
        });
        heap = await child.call<HeapReading[]>('heap', {
          bound: settings.cacheBound,
          multiple: 10,
        });
        log(
          `  heap: ${heap.map((h) => `${h.afterTokens} tokens ${h.heapMB.toFixed(2)} MB`).join(', ')}`,
        );
      } finally {
        await child.stop();
      }
    }

    const { out, chart, publish, ...recorded } = settings;
    const cpus = os.cpus();
    const results: ApiResults = {
      date: new Date().toISOString(),
      machine: `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, ${os.type()} ${os.release()}, Node ${process.version}`,
      loadAverage: { start: loadAtStart, end: os.loadavg()[0] ?? NaN },
      settings: recorded,
      tokenChars,
      skipped,
      batches,
      http,
      coldBurst: bursts,
      heap,
      durationSeconds: (Date.now() - started) / 1000,
    };
    const { markdown, svg, targets } = report(results);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify({ ...results, targets }, null, 2)}\n`);
    writeFileSync(out.replace(/\.json$/, '.md'), `${markdown}\n`);
    writeFileSync(out.replace(/\.json$/, '.svg'), svg);
    if (chart !== '') writeFileSync(chart, svg);
    if (publish) await publishToDocs(markdown);
    return markdown;
  } finally {
    await front.close();
    await emulator.close();
    rmSync(work, { recursive: true, force: true });
  }
}

const DOCS_PAGE = path.join(HERE, '..', '..', 'docs', 'performance.md');
const DOCS_BEGIN = '<!-- BEGIN api bench results: written by npm run bench -->';
const DOCS_END = '<!-- END api bench results -->';

/** Puts the report (headings one level down, without its title) between the API markers of docs/performance.md. */
async function publishToDocs(markdown: string): Promise<void> {
  const page = readFileSync(DOCS_PAGE, 'utf8');
  const begin = page.indexOf(DOCS_BEGIN);
  const end = page.indexOf(DOCS_END);
  if (begin === -1 || end < begin) return;
  const section = markdown.split('\n').slice(2).join('\n').replace(/^## /gm, '### ');
  const next = `${page.slice(0, begin + DOCS_BEGIN.length)}\n\n${section}\n\n${page.slice(end)}`;
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(DOCS_PAGE)) ?? {};
  writeFileSync(DOCS_PAGE, await prettier.format(next, { ...options, filepath: DOCS_PAGE }));
  log('bench api: updated the API results section of docs/performance.md');
}

if (require.main === module) {
  runApiBench()
    .then((markdown) => process.stdout.write(`${markdown}\n`))
    .catch((err: unknown) => {
      log(`bench api failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exitCode = 1;
    });
}
