/**
 * Summarizes a V8 CPU profile (`--cpu-prof`, e.g. from `npm run bench -- --cpu-prof=graph`): self
 * time per function and per package/file, and total (inclusive) time of the functions that match
 * an optional filter. Idle time is left out.
 *
 * Usage: `tsx bench/profile-summary.ts <file.cpuprofile> [filter] [top] [--phase=callback] [--against=<other.cpuprofile>]`
 * - `--phase=NAME` keeps the samples taken during that phase of every measured batch (`login`,
 *   `callback`, `session-check`; warm-up batches are left out), read from the `phases.<pid>.json`
 *   the bench app writes next to its profile.
 * - `--against=FILE` also reads a second profile (same phase) and lists, per function and per
 *   package, how much more self time the first one spent (run both apps over the same batches).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PhasesFile } from './app.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const USAGE =
  'usage: tsx bench/profile-summary.ts <file.cpuprofile> [filter] [top] [--phase=callback] [--against=<other.cpuprofile>]';
const options = new Map<string, string>();
for (const arg of process.argv.slice(2).filter((a) => a.startsWith('--'))) {
  const match = /^--(phase|against)=(.+)$/.exec(arg);
  if (match === null) throw new Error(`unknown or empty option ${arg}; ${USAGE}`);
  options.set(match[1] as string, match[2] as string);
}
const [file, filter = '', topArg = '25'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (file === undefined) throw new Error(USAGE);
const top = Number(topArg);
const phase = options.get('phase');

/** The [start, end) windows of `phase` in the profile's clock, from the app's phase marks. */
function windowsOf(profileFile: string): [number, number][] | undefined {
  if (phase === undefined) return undefined;
  const pid = /\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(profileFile)?.[1];
  const phasesFile = path.join(path.dirname(profileFile), `phases.${pid ?? ''}.json`);
  if (pid === undefined || !existsSync(phasesFile))
    throw new Error(`--phase needs ${phasesFile}, written by the bench app of a --cpu-prof run`);
  const { marks } = JSON.parse(readFileSync(phasesFile, 'utf8')) as PhasesFile;
  const windows: [number, number][] = [];
  marks.forEach((m, i) => {
    if (m.phase === phase && m.round >= 0) windows.push([m.at, marks[i + 1]?.at ?? Infinity]);
  });
  if (windows.length === 0) throw new Error(`no "${phase}" phase in ${phasesFile}`);
  return windows;
}

interface Summary {
  total: number;
  windows: number;
  selfByFn: Map<string, number>;
  selfByWhere: Map<string, number>;
  inclusive: Map<string, number>;
}

function where(n: ProfileNode): string {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  return pkg ?? (url === '' ? '(native)' : url);
}

function label(n: ProfileNode): string {
  return `${n.callFrame.functionName || '(anonymous)'} ${where(n)}:${n.callFrame.lineNumber + 1}`;
}

function add(m: Map<string, number>, k: string, t: number): void {
  m.set(k, (m.get(k) ?? 0) + t);
}

function summarize(profileFile: string): Summary {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const windows = windowsOf(profileFile);
  const s: Summary = {
    total: 0,
    windows: windows?.length ?? 0,
    selfByFn: new Map(),
    selfByWhere: new Map(),
    inclusive: new Map(),
  };
  let at = profile.startTime;
  let w = 0;
  profile.samples.forEach((id, i) => {
    const t = profile.timeDeltas[i] ?? 0;
    at += t;
    if (windows !== undefined) {
      while (w < windows.length && at >= (windows[w] as [number, number])[1]) w++;
      const current = windows[w];
      if (current === undefined || at < current[0]) return;
    }
    const n = byId.get(id);
    if (n === undefined || n.callFrame.functionName === '(idle)') return;
    s.total += t;
    add(s.selfByFn, label(n), t);
    add(s.selfByWhere, where(n), t);
    // Inclusive time: count once per distinct matching frame on the stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur);
      if (frame === undefined) break;
      const l = label(frame);
      if (filter !== '' && !l.includes(filter)) continue;
      if (seen.has(l)) continue;
      seen.add(l);
      add(s.inclusive, l, t);
    }
  });
  return s;
}

function print(title: string, m: Map<string, number>, total: number): void {
  console.log(`\n${title}`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(
      `${(t / 1000).toFixed(1).padStart(9)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`,
    );
  }
}

const mine = summarize(file);
console.log(
  `sampled, not idle${phase === undefined ? '' : `, ${phase} phase of ${mine.windows} batches`}: ${(mine.total / 1000).toFixed(0)} ms`,
);
print('self time by package/file', mine.selfByWhere, mine.total);
print('self time by function', mine.selfByFn, mine.total);
if (filter !== '')
  print(`inclusive time of frames matching "${filter}"`, mine.inclusive, mine.total);

const againstFile = options.get('against');
if (againstFile !== undefined) {
  const other = summarize(againstFile);
  console.log(
    `\nagainst ${path.basename(againstFile)}: ${(other.total / 1000).toFixed(0)} ms sampled, not idle${phase === undefined ? '' : ` over ${other.windows} batches`}; difference ${((mine.total - other.total) / 1000).toFixed(0)} ms`,
  );
  if (mine.windows !== other.windows)
    console.log(
      `WARNING: the profiles cover ${mine.windows} and ${other.windows} batches; the differences below are not like for like`,
    );
  for (const [title, a, b] of [
    ['self time difference by package/file (this − other)', mine.selfByWhere, other.selfByWhere],
    ['self time difference by function (this − other)', mine.selfByFn, other.selfByFn],
  ] as const) {
    const diff = new Map<string, number>();
    for (const k of new Set([...a.keys(), ...b.keys()]))
      diff.set(k, (a.get(k) ?? 0) - (b.get(k) ?? 0));
    console.log(`\n${title}`);
    for (const [k, t] of [...diff].sort((x, y) => Math.abs(y[1]) - Math.abs(x[1])).slice(0, top)) {
      console.log(
        `${(t / 1000).toFixed(1).padStart(9)} ms  ${((a.get(k) ?? 0) / 1000).toFixed(1).padStart(8)} vs ${((b.get(k) ?? 0) / 1000).toFixed(1).padStart(8)}  ${k}`,
      );
    }
  }
}
