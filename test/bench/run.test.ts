/**
 * Smoke test of `npm run bench` at a tiny size: it compiles the sources under test into
 * bench/.build/dist (the bench measures a compiled build), runs every contender at 0 and 20 ms and
 * at concurrency 2 and 16, and checks the report: a table per concurrency and latency, every target
 * marked met or missed, the request counts that do not depend on timing, the SVG chart, and the
 * profile tooling on a --cpu-prof run. Nothing here is timed.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { PhasesFile } from '../../bench/app.js';
import type { ApiResults } from '../../bench/api/run.js';
import { API_CONTENDERS, API_LABELS } from '../../bench/api/shared.js';
import type { BenchResults } from '../../bench/run.js';
import { requestsPerLogin } from '../../bench/shared.js';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
/** Longest a bench run may take here before it is killed (the whole run takes about 45 s). */
const RUN_TIMEOUT_MS = 180_000;
const CONTENDER_ROWS = [
  "this strategy, 'graph'",
  "this strategy, 'graph', cookie store",
  "this strategy, 'id_token'",
  'passport-microsoft',
  'passport-oauth2 + Graph /me',
  'openid-client (verified ID token, no Graph)',
  'floor (token POST + Graph GET)',
];
const CONCURRENCIES = [2, 16];
const LATENCIES = [0, 20];

/** The rows of the markdown table that follows `heading`. */
function tableAfter(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`${heading}\n`);
  expect(start, `${heading} in the report`).to.be.greaterThan(-1);
  const rows: string[] = [];
  for (const line of markdown.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    rows.push(line);
  }
  return rows.slice(2);
}

describe('npm run bench (smoke run at a tiny size)', function () {
  this.timeout(RUN_TIMEOUT_MS + 60_000);
  let out: string;
  let build: string;
  let stdout: string;
  let json: BenchResults;

  before(async () => {
    out = mkdtempSync(path.join(os.tmpdir(), 'pma-bench-'));
    // Inside the repository, so the build resolves passport-oauth2 and jose from node_modules; a
    // folder of its own, so runs side by side (another Node version) do not share one.
    mkdirSync(path.join(ROOT, 'bench', '.build'), { recursive: true });
    build = mkdtempSync(path.join(ROOT, 'bench', '.build', 'dist-'));
    await run(
      process.execPath,
      [
        require.resolve('typescript/bin/tsc'),
        '-p',
        path.join(ROOT, 'tsconfig.build.json'),
        '--outDir',
        build,
      ],
      { cwd: ROOT },
    );
    // Coverage is for the tests' own assertions; the bench's child processes stay out of it.
    const { NODE_V8_COVERAGE: _coverage, ...parentEnv } = process.env;
    const env = {
      ...parentEnv,
      BENCH_DIST: build,
      BENCH_N: '10',
      BENCH_N_LATENCY: '6',
      BENCH_ROUNDS: '2',
      BENCH_LATENCIES: '0,20',
      BENCH_CONCURRENCY: '2,16',
      BENCH_CHART: path.join(out, 'chart-copy.svg'),
      BENCH_HEAP_LOGINS: '2000',
      BENCH_BURST: '12',
      BENCH_CPU_PROF: 'graph',
      BENCH_OUT: path.join(out, 'bench.json'),
      BENCH_SECTIONS: 'login',
    };
    ({ stdout } = await run(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'bench', 'run.ts')],
      {
        cwd: ROOT,
        env,
        maxBuffer: 16 * 1024 * 1024,
        timeout: RUN_TIMEOUT_MS,
        killSignal: 'SIGKILL',
      },
    ));
    json = JSON.parse(readFileSync(path.join(out, 'bench.json'), 'utf8')) as BenchResults;
  });

  after(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(build, { recursive: true, force: true });
  });

  it('prints a table per concurrency and latency with every contender, no errors, and writes the same markdown next to the JSON', () => {
    for (const concurrency of CONCURRENCIES)
      for (const latency of LATENCIES) {
        const rows = tableAfter(
          stdout,
          `## ${latency} ms emulated latency per Microsoft response, concurrency ${concurrency}`,
        );
        expect(rows.map((r) => r.split('|')[1]?.trim())).to.deep.equal(CONTENDER_ROWS);
        for (const row of rows) expect(row.split('|').at(-2)?.trim(), row).to.equal('0');
      }
    expect(readFileSync(path.join(out, 'bench.md'), 'utf8')).to.equal(stdout);
  });

  it('writes an SVG chart next to the JSON, and its copy, with every contender in each panel', () => {
    const svg = readFileSync(path.join(out, 'bench.svg'), 'utf8');
    expect(readFileSync(path.join(out, 'chart-copy.svg'), 'utf8')).to.equal(svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
    expect(svg.trimEnd().endsWith('</svg>')).to.equal(true);
    // Two latency panels, the CPU panel and the requests panel.
    expect(svg.match(/class="title">/g)).to.have.length(4);
    for (const label of CONTENDER_ROWS)
      expect(svg.split(`>${label.replace(/&/g, '&amp;')}</text>`), label).to.have.length(5);
    expect(svg).to.include('concurrency 16');
    expect(svg).to.not.match(/NaN|undefined/);
  });

  it('marks every target met or MISSED, in the printed table and in the JSON', () => {
    const rows = tableAfter(stdout, '## Targets');
    // Per concurrency: four CPU targets per latency (three per callback, the cookie store's per
    // login) and two latency targets at 20 ms; then the request count, the cold burst and the heap.
    const expected = CONCURRENCIES.length * (4 * LATENCIES.length + 2) + 3;
    expect(rows).to.have.length(expected);
    expect(json.targets).to.have.length(expected);
    expect(rows.filter((r) => r.includes('concurrency 16'))).to.have.length(10);
    const cookieStore = rows.filter((r) => r.startsWith('| cookie login store: app CPU per login'));
    expect(cookieStore).to.have.length(CONCURRENCIES.length * LATENCIES.length);
    for (const row of cookieStore)
      expect(row).to.match(
        / ms \(median of per-round differences; medians \d+\.\d{3} vs \d+\.\d{3} ms\)/,
      );
    rows.forEach((row, i) => {
      const result = row.split('|').at(-2)?.trim();
      expect(result, row).to.be.oneOf(['met', 'MISSED']);
      expect(result === 'met', row).to.equal(json.targets[i]?.met);
    });
  });

  it('counts exactly one Microsoft request per login for id_token and openid-client and two for the others, in every batch', () => {
    expect(json.summaries).to.have.length(CONCURRENCIES.length * LATENCIES.length * 7);
    for (const s of json.summaries) {
      expect(s.errors, s.contender).to.equal(0);
      const expected = requestsPerLogin(s.contender);
      expect(s.microsoftRequestsPerLogin, s.contender).to.equal(expected);
      expect(s.maxMicrosoftRequestsPerLogin, s.contender).to.equal(expected);
    }
    expect(json.targets.find((t) => t.target.startsWith("'id_token': exactly 1"))?.met).to.equal(
      true,
    );
  });

  it('rotates the contenders over the rounds', () => {
    const order = (concurrency: number, round: number): string[] =>
      json.batches
        .filter((b) => b.concurrency === concurrency && b.latencyMs === 0 && b.round === round)
        .map((b) => b.contender);
    for (const concurrency of CONCURRENCIES) {
      expect(order(concurrency, 0)).to.deep.equal([
        'graph',
        'cookie-store',
        'id_token',
        'passport-microsoft',
        'passport-oauth2',
        'openid-client',
        'floor',
      ]);
      expect(order(concurrency, 1)).to.deep.equal([
        'cookie-store',
        'id_token',
        'passport-microsoft',
        'passport-oauth2',
        'openid-client',
        'floor',
        'graph',
      ]);
    }
  });

  it('makes one JWKS request for the cold burst and reports the heap after 1k and after all logins', () => {
    expect(json.extras.coldBurst).to.deep.equal({ logins: 12, jwksRequests: 1, errors: 0 });
    expect(json.extras.heap.map((h) => h.afterLogins)).to.deep.equal([1000, 2000]);
    for (const h of json.extras.heap) expect(h.heapMB).to.be.within(1, 200);
  });

  it('writes phase marks beside the CPU profiles, and profile-summary cuts a profile to the callback phase', async () => {
    const prof = path.join(out, 'prof');
    const files = readdirSync(prof);
    // Only the measured 'graph' app is profiled (not the fresh apps of the cold-burst and heap checks).
    const phaseFiles = files.filter((f) => f.startsWith('phases.'));
    expect(phaseFiles).to.have.length(1);
    const phases = JSON.parse(
      readFileSync(path.join(prof, phaseFiles[0] ?? ''), 'utf8'),
    ) as PhasesFile;
    expect(phaseFiles[0]).to.equal(`phases.${phases.pid}.json`);
    expect(phases.contender).to.equal('graph');
    // A warm-up (round -1) and 2 rounds at each of 2 latencies and 2 concurrencies, each batch
    // marked four times.
    expect(phases.marks.map((m) => `${m.phase}@${m.round}`).slice(0, 8)).to.deep.equal([
      'login@-1',
      'callback@-1',
      'session-check@-1',
      'end@-1',
      'login@0',
      'callback@0',
      'session-check@0',
      'end@0',
    ]);
    expect(phases.marks.filter((m) => m.phase === 'callback' && m.round >= 0)).to.have.length(8);
    const profile = files.find((f) => f.endsWith('.cpuprofile') && f.includes(`.${phases.pid}.0.`));
    expect(profile, 'the main thread profile of that app').to.be.a('string');
    const summary = async (...args: string[]): Promise<string> =>
      (
        await run(
          process.execPath,
          [
            '--import',
            'tsx',
            path.join(ROOT, 'bench', 'profile-summary.ts'),
            path.join(prof, profile ?? ''),
            'dist',
            '5',
            ...args,
          ],
          { cwd: ROOT },
        )
      ).stdout;
    const sampled = (text: string): number => Number(/: (\d+) ms\n/.exec(text)?.[1]);
    const whole = await summary();
    const callbackOnly = await summary('--phase=callback');
    expect(callbackOnly).to.include('callback phase of 8 batches');
    expect(sampled(callbackOnly)).to.be.greaterThan(0).and.lessThan(sampled(whole));
  });
  describe('API section', () => {
    let apiStdout: string;
    let api: ApiResults;
    /** Whether the build under test has the API half (before it, its contenders skip). */
    let oursBuilt: boolean;

    before(async () => {
      const { NODE_V8_COVERAGE: _coverage, ...parentEnv } = process.env;
      ({ stdout: apiStdout } = await run(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'bench', 'run.ts')],
        {
          cwd: ROOT,
          env: {
            ...parentEnv,
            BENCH_DIST: build,
            BENCH_SECTIONS: 'api',
            BENCH_API_ROUNDS: '1',
            BENCH_API_N: '150',
            BENCH_API_REPEAT: '300',
            BENCH_API_WARM: '20',
            BENCH_API_HTTP_N: '60',
            BENCH_API_BURST: '100',
            BENCH_API_CACHE_BOUND: '40',
            BENCH_API_OUT: path.join(out, 'api.json'),
            BENCH_API_CHART: path.join(out, 'api-copy.svg'),
          },
          maxBuffer: 16 * 1024 * 1024,
          timeout: RUN_TIMEOUT_MS,
          killSignal: 'SIGKILL',
        },
      ));
      api = JSON.parse(readFileSync(path.join(out, 'api.json'), 'utf8')) as ApiResults;
      const index = require(path.join(build, 'index.js')) as Record<string, unknown>;
      oursBuilt =
        typeof index['MicrosoftAccessTokenVerifier'] === 'function' &&
        typeof index['MicrosoftBearerStrategy'] === 'function';
    });

    it('validates ~1.25 KB tokens with every contender in both modes, this package skipped only while its build has no API half', () => {
      expect(api.tokenChars).to.be.within(1200, 1300);
      const skipped = Object.keys(api.skipped).sort();
      expect(skipped).to.deep.equal(oursBuilt ? [] : ['ours-strategy', 'ours-verifier']);
      for (const contender of API_CONTENDERS.filter((c) => !skipped.includes(c)))
        for (const mode of ['distinct', 'repeated'])
          expect(
            api.batches.filter((b) => b.contender === contender && b.mode === mode),
            `${contender} ${mode}`,
          ).to.have.length(1);
      for (const heading of [
        '## In process, distinct tokens (each validated once)',
        '## In process, one repeated token',
      ]) {
        const rows = tableAfter(apiStdout, heading);
        expect(rows.map((r) => r.split('|')[1]?.trim())).to.deep.equal(
          API_CONTENDERS.filter((c) => !skipped.includes(c)).map((c) => API_LABELS[c]),
        );
      }
      expect(readFileSync(path.join(out, 'api.md'), 'utf8')).to.equal(apiStdout);
    });

    it('answers every HTTP request with 200, and marks every target met or MISSED (n/a only for what did not run)', () => {
      expect(api.http.length).to.be.greaterThan(0);
      for (const b of api.http)
        expect(b.errors, `${b.contender} ${b.mode} ${b.firstError ?? ''}`).to.equal(0);
      const rows = tableAfter(apiStdout, '## Targets');
      expect(rows).to.have.length(7);
      expect(api.targets).to.have.length(7);
      rows.forEach((row, i) => {
        const result = row.split('|').at(-2)?.trim();
        expect(result, row).to.be.oneOf(oursBuilt ? ['met', 'MISSED'] : ['n/a']);
        expect(result === 'met', row).to.equal(api.targets?.[i]?.met === true);
      });
    });

    it('makes one key-set request for a burst on a cold key cache, and reads the heap after 1x and 10x the cache bound', () => {
      const ours = api.coldBurst.find((b) => b.contender === 'ours-strategy');
      if (oursBuilt) {
        expect(ours).to.include({ requests: 100, keySetRequests: 1, errors: 0 });
        expect(api.heap.map((h) => h.afterTokens)).to.deep.equal([40, 400]);
      } else {
        expect(ours).to.equal(undefined);
        expect(api.heap).to.deep.equal([]);
      }
      const theirs = api.coldBurst.find((b) => b.contender === 'passport-azure-ad');
      expect(theirs).to.include({ requests: 100, errors: 0 });
    });

    it('writes the API chart next to the JSON, and its copy, with every contender that ran', () => {
      const svg = readFileSync(path.join(out, 'api.svg'), 'utf8');
      expect(readFileSync(path.join(out, 'api-copy.svg'), 'utf8')).to.equal(svg);
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
      expect(svg.match(/class="title">/g)).to.have.length(3);
      for (const c of API_CONTENDERS.filter((c) => api.skipped[c] === undefined))
        expect(svg.split(`>${API_LABELS[c].replace(/&/g, '&amp;')}</text>`), c).to.have.length(3);
      expect(svg).to.not.match(/NaN|undefined/);
    });
  });
});
