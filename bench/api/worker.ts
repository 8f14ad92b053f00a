/**
 * One contender of the API bench in its own process (a fresh one per round), so its CPU, its heap
 * and its JIT are its own. Commands: `prepare` (set up, check it accepts a token and refuses one
 * with a broken signature), `measure` (validations one at a time: CPU per validation and the
 * latency of each), `heap` (the heap after `bound` and after `multiple` × `bound` distinct tokens).
 */
import { readFileSync } from 'node:fs';
import { serve } from '../ipc.js';
import { API_CONTENDERS } from './shared.js';
import type { ApiContender, ApiSetup, TokenMode } from './shared.js';
import { prepare } from './validators.js';
import type { Validate } from './validators.js';

/** What `measure` answers. */
export interface Measured {
  validations: number;
  cpuMicros: number;
  wallMs: number;
  /** Microseconds per validation. */
  p50: number;
  p99: number;
}

/** What `heap` answers: heap used after forced GC, MB. */
export interface HeapReading {
  afterTokens: number;
  heapMB: number;
}

let tokens: string[] = [];
let validate: Validate | undefined;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? NaN;
}

/** A copy of `token` whose signature no longer matches (one character of it changed). */
function tampered(token: string): string {
  const i = token.lastIndexOf('.') + 10;
  return `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
}

async function onPrepare(arg: unknown): Promise<{ skip?: string }> {
  const { contender, setup } = arg as { contender: ApiContender; setup: ApiSetup };
  if (!API_CONTENDERS.includes(contender)) throw new Error(`unknown contender ${contender}`);
  tokens = JSON.parse(readFileSync(setup.tokensFile, 'utf8')) as string[];
  const prepared = await prepare(contender, setup, tokens[0] ?? '');
  if ('skip' in prepared) return { skip: prepared.skip };
  validate = prepared.validate;
  await validate(tokens[0] ?? '');
  const refused = await validate(tampered(tokens[1] ?? '')).then(
    () => false,
    () => true,
  );
  if (!refused) throw new Error(`${contender} accepted a token with a broken signature`);
  return {};
}

/**
 * `n` validations one at a time (stopping early after `budgetMs`), after `warm` of the same kind:
 * distinct tokens take each token once (the warm-up the first `warm`), a repeated token is the
 * first token every time.
 */
async function onMeasure(arg: unknown): Promise<Measured> {
  const { mode, warm, n, budgetMs } = arg as {
    mode: TokenMode;
    warm: number;
    n: number;
    budgetMs: number;
  };
  const run = validate;
  if (run === undefined) throw new Error('measure before prepare');
  const pick =
    mode === 'repeated'
      ? () => tokens[0] ?? ''
      : (i: number) => tokens[warm + i] ?? tokens[(warm + i) % tokens.length] ?? '';
  if (mode === 'distinct' && warm + n > tokens.length)
    throw new Error(`distinct: ${warm + n} tokens needed, ${tokens.length} made`);
  for (let i = 0; i < warm; i++)
    await run(mode === 'repeated' ? (tokens[0] ?? '') : (tokens[i] ?? ''));
  global.gc?.();
  const latencies = new Float64Array(n);
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  let done = 0;
  while (done < n) {
    const token = pick(done);
    const start = performance.now();
    await run(token);
    latencies[done] = performance.now() - start;
    done += 1;
    if ((done & 255) === 0 && performance.now() - t0 > budgetMs) break;
  }
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  const sorted = latencies.subarray(0, done).sort();
  return {
    validations: done,
    cpuMicros: used.user + used.system,
    wallMs,
    p50: percentile(sorted, 50) * 1000,
    p99: percentile(sorted, 99) * 1000,
  };
}

/** Distinct tokens through the contender: the heap after `bound` of them and after `multiple` × `bound`. */
async function onHeap(arg: unknown): Promise<HeapReading[]> {
  const { bound, multiple } = arg as { bound: number; multiple: number };
  const run = validate;
  if (run === undefined) throw new Error('heap before prepare');
  if (tokens.length < bound * multiple)
    throw new Error(`heap: ${bound * multiple} tokens needed, ${tokens.length} made`);
  const readings: HeapReading[] = [];
  const read = (afterTokens: number): void => {
    global.gc?.();
    readings.push({ afterTokens, heapMB: process.memoryUsage().heapUsed / 1024 / 1024 });
  };
  for (let i = 0; i < bound * multiple; i++) {
    await run(tokens[i] ?? '');
    if (i + 1 === bound || i + 1 === bound * multiple) read(i + 1);
  }
  return readings;
}

serve({ prepare: onPrepare, measure: onMeasure, heap: onHeap }, { pid: process.pid });
