/**
 * Summarizes a V8 CPU profile (`--cpu-prof`, e.g. from `npm run bench -- --cpu-prof=graph`): self
 * time per function and per package/file, and total (inclusive) time of the functions that match
 * an optional filter. Usage: `tsx bench/profile-summary.ts <file.cpuprofile> [filter] [top]`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, filter = '', topArg = '25'] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [filter] [top]');
const top = Number(topArg);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfTime = new Map<number, number>();
profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);

function where(n: ProfileNode): string {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  return pkg ?? (url === '' ? '(native)' : url);
}

function label(n: ProfileNode): string {
  return `${n.callFrame.functionName || '(anonymous)'} ${where(n)}:${n.callFrame.lineNumber + 1}`;
}

const selfByFn = new Map<string, number>();
const selfByWhere = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, t] of selfTime) {
  const n = byId.get(id);
  if (n === undefined) continue;
  selfByFn.set(label(n), (selfByFn.get(label(n)) ?? 0) + t);
  selfByWhere.set(where(n), (selfByWhere.get(where(n)) ?? 0) + t);
  // Inclusive time: count once per distinct matching frame on the stack.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const frame = byId.get(cur);
    if (frame === undefined) break;
    const l = label(frame);
    if (filter !== '' && !l.includes(filter)) continue;
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + t);
  }
}

function print(title: string, m: Map<string, number>): void {
  console.log(`\n${title}`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${(t / 1000).toFixed(1).padStart(9)} ms ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`);
  }
}

console.log(`total sampled: ${(total / 1000).toFixed(0)} ms`);
print('self time by package/file', selfByWhere);
print('self time by function', selfByFn);
if (filter !== '') print(`inclusive time of frames matching "${filter}"`, inclusive);
