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

/** Validations of one kind: how many, their CPU and their latencies. */
export interface Measured {
  validations: number;
  cpuMicros: number;
  wallMs: number;
  /** Microseconds per validation. */
  p50: number;
  p99: number;
}

/**
 * What `measure` answers: the contender's validations, and the floor's (the RS256 signature alone)
 * on the same tokens, interleaved with them in chunks in the same process, so that the ratio to the
 * floor compares work done under the same conditions (a shared machine's load moves both alike).
 */
export interface MeasuredPair extends Measured {
  floor: Measured;
}

/** What `heap` answers: heap used after forced GC, MB. */
export interface HeapReading {
  afterTokens: number;
  heapMB: number;
}

let tokens: string[] = [];
let validate: Validate | undefined;
let floor: Validate | undefined;
/** Validations per chunk: the contender's chunk follows the floor's on the same tokens. */
const CHUNK = 128;

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
  const floorPrepared = await prepare('floor', setup, tokens[0] ?? '');
  if ('skip' in floorPrepared) throw new Error('the floor cannot skip');
  floor = floorPrepared.validate;
  await validate(tokens[0] ?? '');
  const refused = await validate(tampered(tokens[1] ?? '')).then(
    () => false,
    () => true,
  );
  if (!refused) throw new Error(`${contender} accepted a token with a broken signature`);
  return {};
}

/** Accumulates the latencies and the CPU of one side of a measurement. */
class Side {
  readonly latencies: Float64Array;
  count = 0;
  cpuMicros = 0;
  wallMs = 0;

  constructor(n: number) {
    this.latencies = new Float64Array(n);
  }

  /** Validates `tokens` one at a time with `run`, recording each. */
  async chunk(run: Validate, chunk: string[]): Promise<void> {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    for (const token of chunk) {
      const start = performance.now();
      await run(token);
      this.latencies[this.count++] = performance.now() - start;
    }
    this.wallMs += performance.now() - t0;
    const used = process.cpuUsage(cpu);
    this.cpuMicros += used.user + used.system;
  }

  result(): Measured {
    const sorted = this.latencies.subarray(0, this.count).sort();
    return {
      validations: this.count,
      cpuMicros: this.cpuMicros,
      wallMs: this.wallMs,
      p50: percentile(sorted, 50) * 1000,
      p99: percentile(sorted, 99) * 1000,
    };
  }
}

/**
 * `n` validations one at a time (stopping early after `budgetMs`), after `warm` of the same kind,
 * in chunks each preceded by the floor's chunk on the same tokens: distinct tokens take each token
 * once (the warm-up the first `warm`), a repeated token is the first token every time.
 */
async function onMeasure(arg: unknown): Promise<MeasuredPair> {
  const { mode, warm, n, budgetMs } = arg as {
    mode: TokenMode;
    warm: number;
    n: number;
    budgetMs: number;
  };
  const run = validate;
  const base = floor;
  if (run === undefined || base === undefined) throw new Error('measure before prepare');
  if (mode === 'distinct' && warm + n > tokens.length)
    throw new Error(`distinct: ${warm + n} tokens needed, ${tokens.length} made`);
  const slice = (from: number, count: number): string[] =>
    mode === 'repeated'
      ? new Array<string>(count).fill(tokens[0] ?? '')
      : tokens.slice(from, from + count);
  const warmUp = slice(0, warm);
  for (const token of warmUp) await base(token);
  for (const token of warmUp) await run(token);
  // Let the collector and its background threads finish before the CPU is read.
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const mine = new Side(n);
  const theirs = new Side(n);
  const t0 = performance.now();
  for (let done = 0; done < n && performance.now() - t0 < budgetMs; done += CHUNK) {
    const chunk = slice(warm + done, Math.min(CHUNK, n - done));
    await theirs.chunk(base, chunk);
    await mine.chunk(run, chunk);
  }
  return { ...mine.result(), floor: theirs.result() };
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
