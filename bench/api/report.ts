/**
 * The API section's report: medians over the rounds, ratios computed within each round, the
 * targets marked met or MISSED (n/a when a contender they need did not run), the markdown and the
 * chart.
 */
import { apiChartSVG } from './chart.js';
import type { ChartPanel } from './chart.js';
import type { ApiBatch, ApiResults, HttpBatch } from './run.js';
import { API_CONTENDERS, API_LABELS, HTTP_CONTENDERS, HTTP_LABELS } from './shared.js';
import type { ApiContender, HttpContender, TokenMode } from './shared.js';
import type { Measured } from './worker.js';

const MODES: TokenMode[] = ['distinct', 'repeated'];

export interface ApiTarget {
  target: string;
  measured: string;
  met: boolean | null;
}

function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? (v[mid] ?? NaN) : ((v[mid - 1] ?? NaN) + (v[mid] ?? NaN)) / 2;
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

const perCore = (b: Measured): number => (b.validations * 1e6) / b.cpuMicros;
/** A batch's validations per CPU second over those of the floor's chunks interleaved with it. */
const vsFloor = (b: ApiBatch): number => perCore(b) / perCore(b.floor);
const perAppCore = (b: HttpBatch): number => (b.requests * 1e6) / b.appCpuMicros;

/** Median over rounds of `pick(a) / pick(b)`, a and b the batches of two contenders in one round. */
function ratio<B extends { round: number; mode: TokenMode; contender: string }>(
  batches: B[],
  mine: string,
  other: string,
  mode: TokenMode,
  otherMode: TokenMode,
  pick: (b: B) => number,
): number {
  const rounds = [...new Set(batches.map((b) => b.round))];
  return median(
    rounds.map((r) => {
      const a = batches.find((b) => b.round === r && b.contender === mine && b.mode === mode);
      const o = batches.find((b) => b.round === r && b.contender === other && b.mode === otherMode);
      return a && o ? pick(a) / pick(o) : NaN;
    }),
  );
}

export function report(results: ApiResults): {
  markdown: string;
  svg: string;
  targets: ApiTarget[];
} {
  const { batches, http } = results;
  const of = (c: ApiContender, mode: TokenMode): ApiBatch[] =>
    batches.filter((b) => b.contender === c && b.mode === mode);
  const httpOf = (c: HttpContender, mode: TokenMode): HttpBatch[] =>
    http.filter((b) => b.contender === c && b.mode === mode);
  const ran = API_CONTENDERS.filter((c) => batches.some((b) => b.contender === c));
  const lines: string[] = [];
  lines.push('# Benchmark: protecting an API, access-token validation');
  lines.push('');
  lines.push(
    `Machine: ${results.machine}; 1-minute load average ${fixed(results.loadAverage.start, 1)} at the start, ${fixed(results.loadAverage.end, 1)} at the end. v2 access tokens of ${results.tokenChars} characters, RS256, warm key cache, one validation in flight, each contender in a fresh process per round, ${results.settings.rounds} interleaved rounds (medians; ratios are medians of per-round ratios).`,
  );
  for (const [c, why] of Object.entries(results.skipped))
    lines.push('', `Skipped: ${API_LABELS[c as ApiContender]}: ${why}.`);
  for (const mode of MODES) {
    lines.push(
      '',
      `## In process, ${mode === 'distinct' ? 'distinct tokens (each validated once)' : 'one repeated token'}`,
      '',
    );
    lines.push(
      '| contender | validations/s per core | p50 µs | p99 µs | ÷ floor (same process) | floor validations/s per core | ÷ passport-azure-ad | validations |',
    );
    lines.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const c of ran) {
      const mine = of(c, mode);
      lines.push(
        `| ${API_LABELS[c]} | ${fixed(median(mine.map(perCore)), 0)} | ${fixed(median(mine.map((b) => b.p50)), 1)} | ${fixed(median(mine.map((b) => b.p99)), 1)} | ${fixed(median(mine.map(vsFloor)), 2)}× | ${fixed(median(mine.map((b) => perCore(b.floor))), 0)} | ${fixed(ratio(batches, c, 'passport-azure-ad', mode, mode, perCore), 2)}× | ${fixed(median(mine.map((b) => b.validations)), 0)} |`,
      );
    }
  }
  const httpRan = HTTP_CONTENDERS.filter((c) => http.some((b) => b.contender === c));
  lines.push(
    '',
    `## Over HTTP: Express 5 + passport.authenticate + the strategy, ${results.settings.httpConcurrency} requests in flight`,
    '',
  );
  lines.push(
    '| app | tokens | requests/s of app CPU | requests/s | p50 µs | p99 µs | app CPU µs/request | ÷ passport-azure-ad (app CPU) | errors |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const c of httpRan)
    for (const mode of MODES) {
      const mine = httpOf(c, mode);
      lines.push(
        `| ${HTTP_LABELS[c]} | ${mode} | ${fixed(median(mine.map(perAppCore)), 0)} | ${fixed(median(mine.map((b) => (b.requests * 1000) / b.wallMs)), 0)} | ${fixed(median(mine.map((b) => b.p50)), 0)} | ${fixed(median(mine.map((b) => b.p99)), 0)} | ${fixed(median(mine.map((b) => b.appCpuMicros / b.requests)), 1)} | ${fixed(ratio(http, c, 'passport-azure-ad', mode, mode, perAppCore), 2)}× | ${mine.reduce((s, b) => s + b.errors, 0)} |`,
      );
    }

  const targets: ApiTarget[] = [];
  const ratioTarget = (
    text: string,
    value: number,
    limit: number,
    strict: boolean,
    needs: boolean,
    detail: string,
  ): void => {
    targets.push({
      target: text,
      measured: needs ? `${fixed(value, 2)}× (${detail})` : 'not run',
      met: needs ? (strict ? value > limit : value >= limit) : null,
    });
  };
  const has = (c: ApiContender): boolean => ran.includes(c);
  const floorRate = (c: ApiContender, mode: TokenMode): string =>
    fixed(median(of(c, mode).map((b) => perCore(b.floor))), 0);
  const medianRate = (c: ApiContender, mode: TokenMode): string =>
    fixed(median(of(c, mode).map(perCore)), 0);
  ratioTarget(
    'MicrosoftAccessTokenVerifier, distinct tokens: ≥ 0.85× the floor',
    median(of('ours-verifier', 'distinct').map(vsFloor)),
    0.85,
    false,
    has('ours-verifier'),
    `${medianRate('ours-verifier', 'distinct')} vs ${floorRate('ours-verifier', 'distinct')} validations/s per core`,
  );
  ratioTarget(
    'MicrosoftAccessTokenVerifier, one repeated token: ≥ 10× the floor',
    median(of('ours-verifier', 'repeated').map(vsFloor)),
    10,
    false,
    has('ours-verifier'),
    `${medianRate('ours-verifier', 'repeated')} vs ${floorRate('ours-verifier', 'repeated')} validations/s per core`,
  );
  ratioTarget(
    "MicrosoftBearerStrategy in process, one repeated token: ≥ 3× passport-azure-ad's",
    ratio(batches, 'ours-strategy', 'passport-azure-ad', 'repeated', 'repeated', perCore),
    3,
    false,
    has('ours-strategy') && has('passport-azure-ad'),
    `${medianRate('ours-strategy', 'repeated')} vs ${medianRate('passport-azure-ad', 'repeated')} validations/s per core`,
  );
  ratioTarget(
    "MicrosoftBearerStrategy in process, distinct tokens: ahead of passport-azure-ad's (> 1×)",
    ratio(batches, 'ours-strategy', 'passport-azure-ad', 'distinct', 'distinct', perCore),
    1,
    true,
    has('ours-strategy') && has('passport-azure-ad'),
    `${medianRate('ours-strategy', 'distinct')} vs ${medianRate('passport-azure-ad', 'distinct')} validations/s per core`,
  );
  const httpRate = (c: HttpContender): string =>
    fixed(median(httpOf(c, 'repeated').map(perAppCore)), 0);
  ratioTarget(
    "Over HTTP, one repeated token: ≥ 1.3× passport-azure-ad's requests per second of app CPU",
    ratio(http, 'ours-strategy', 'passport-azure-ad', 'repeated', 'repeated', perAppCore),
    1.3,
    false,
    httpRan.includes('ours-strategy') && httpRan.includes('passport-azure-ad'),
    `${httpRate('ours-strategy')} vs ${httpRate('passport-azure-ad')}`,
  );
  const burst = results.coldBurst.find((b) => b.contender === 'ours-strategy');
  targets.push({
    target: `${results.settings.burst} concurrent requests on a cold key cache: 1 key-set request`,
    measured: burst
      ? `${burst.keySetRequests} key-set request(s), ${burst.discoveryRequests} discovery, ${burst.errors} errors`
      : 'not run',
    met: burst ? burst.keySetRequests === 1 && burst.errors === 0 : null,
  });
  const [first, last] = [results.heap[0], results.heap[results.heap.length - 1]];
  const growth = first && last ? last.heapMB - first.heapMB : NaN;
  targets.push({
    target: `heap after 10× the verified-token cache's bound (${results.settings.cacheBound}) in distinct tokens within 2 MB of after 1×`,
    measured:
      first && last
        ? `${fixed(first.heapMB, 2)} MB → ${fixed(last.heapMB, 2)} MB (${growth >= 0 ? '+' : ''}${fixed(growth, 2)} MB)`
        : 'not run',
    met: first && last ? growth <= 2 : null,
  });

  lines.push('', '## Targets', '', '| target | measured | result |', '| --- | --- | --- |');
  for (const t of targets)
    lines.push(
      `| ${t.target} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'met' : 'MISSED'} |`,
    );
  lines.push('', '## Extras', '');
  for (const b of results.coldBurst)
    lines.push(
      `- Cold key cache, ${HTTP_LABELS[b.contender]}: ${b.requests} concurrent requests made ${b.keySetRequests} key-set and ${b.discoveryRequests} discovery request(s), ${b.errors} errors`,
    );
  lines.push(
    '',
    `Columns: validations per second per core are validations per second of process CPU (user + system, every thread); p50 and p99 are per validation, one in flight. The floor is the RS256 signature alone: \`crypto.verify\` with a \`KeyObject\` made once, on the same tokens. Run: \`npm run bench\` (API section ${fixed(results.durationSeconds, 0)} s here).`,
  );

  const panels: ChartPanel[] = [
    {
      title: 'In process: validations per second per core (log scale, higher is better)',
      series: MODES.map((m) => (m === 'distinct' ? 'distinct tokens' : 'one repeated token')),
      groups: ran.map((c) => ({
        label: API_LABELS[c],
        bars: MODES.map((mode) => {
          const v = median(of(c, mode).map(perCore));
          const f = median(of(c, mode).map(vsFloor));
          return Number.isFinite(v)
            ? { value: v, text: `${fixed(v, 0)} (${fixed(f, 2)}× floor)` }
            : undefined;
        }),
      })),
    },
    {
      title: 'In process: µs per validation, p50 bar, p99 tick (log scale, lower is better)',
      series: MODES.map((m) => (m === 'distinct' ? 'distinct tokens' : 'one repeated token')),
      groups: ran.map((c) => ({
        label: API_LABELS[c],
        bars: MODES.map((mode) => {
          const p50 = median(of(c, mode).map((b) => b.p50));
          const p99 = median(of(c, mode).map((b) => b.p99));
          return Number.isFinite(p50)
            ? { value: p50, tick: p99, text: `${fixed(p50, 1)} / ${fixed(p99, 1)}` }
            : undefined;
        }),
      })),
    },
    {
      title:
        'Over HTTP (Express + passport.authenticate): requests per second of app CPU (log scale, higher is better)',
      series: MODES.map((m) => (m === 'distinct' ? 'distinct tokens' : 'one repeated token')),
      groups: httpRan.map((c) => ({
        label:
          c === 'ours-strategy' ? 'MicrosoftBearerStrategy' : 'passport-azure-ad BearerStrategy',
        bars: MODES.map((mode) => {
          const v = median(httpOf(c, mode).map(perAppCore));
          return Number.isFinite(v) ? { value: v, text: fixed(v, 0) } : undefined;
        }),
      })),
    },
  ];
  const svg = apiChartSVG(
    panels,
    `${results.machine}. Medians of ${results.settings.rounds} interleaved rounds; ${results.tokenChars}-character v2 tokens. ${results.date}`,
  );
  return { markdown: lines.join('\n'), svg, targets };
}
