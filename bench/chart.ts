/**
 * The bench's chart as hand-written SVG (no browser, no plotting library): per contender, the
 * callback p50 (bar) and p95 (tick) at each latency, app CPU per callback, and Microsoft requests
 * per login, at each concurrency.
 */
import { CONTENDER_LABELS } from './shared.js';
import type { Contender } from './shared.js';

/** What the chart reads of a summary. */
export interface ChartRow {
  contender: Contender;
  concurrency: number;
  latencyMs: number;
  p50: number;
  p95: number;
  cpuMsPerCallback: number;
  microsoftRequestsPerLogin: number;
}

interface Series {
  label: string;
  color: string;
  pick: (contender: Contender) => { value: number; tick?: number } | undefined;
}

const WIDTH = 960;
const LABEL_W = 300;
const BAR_H = 9;
const GAP = 3;
const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1'];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fmt(value: number): string {
  return value >= 10 ? value.toFixed(1) : value >= 1 ? value.toFixed(2) : value.toFixed(3);
}

/** One horizontal bar panel at `y`; returns its SVG and height. */
function panel(
  y: number,
  title: string,
  contenders: Contender[],
  series: Series[],
): { svg: string; height: number } {
  const values = contenders.flatMap((c) =>
    series.flatMap((s) => {
      const v = s.pick(c);
      return v === undefined ? [] : [v.value, v.tick ?? 0];
    }),
  );
  const max = Math.max(1e-9, ...values.filter(Number.isFinite));
  const plotW = WIDTH - LABEL_W - 90;
  const scale = (v: number): number => (Number.isFinite(v) ? (v / max) * plotW : 0);
  const out: string[] = [];
  out.push(`<text x="10" y="${y + 16}" class="title">${esc(title)}</text>`);
  // Legend, on its own line under the title.
  let lx = LABEL_W;
  for (const s of series) {
    out.push(`<rect x="${lx}" y="${y + 25}" width="10" height="10" fill="${s.color}"/>`);
    out.push(`<text x="${lx + 14}" y="${y + 34}" class="small">${esc(s.label)}</text>`);
    lx += 24 + s.label.length * 6.2;
  }
  let row = y + 46;
  const groupH = series.length * (BAR_H + GAP) + 8;
  for (const c of contenders) {
    out.push(
      `<text x="${LABEL_W - 8}" y="${row + groupH / 2}" class="label" text-anchor="end">${esc(CONTENDER_LABELS[c])}</text>`,
    );
    series.forEach((s, i) => {
      const v = s.pick(c);
      const by = row + i * (BAR_H + GAP);
      if (v === undefined || !Number.isFinite(v.value)) return;
      const w = scale(v.value);
      out.push(
        `<rect x="${LABEL_W}" y="${by}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${s.color}"/>`,
      );
      let end = LABEL_W + w;
      if (v.tick !== undefined && Number.isFinite(v.tick)) {
        const tx = LABEL_W + scale(v.tick);
        out.push(
          `<line x1="${tx.toFixed(1)}" x2="${tx.toFixed(1)}" y1="${by - 1}" y2="${by + BAR_H + 1}" stroke="#333" stroke-width="1.5"/>`,
        );
        end = Math.max(end, tx);
      }
      const text = v.tick !== undefined ? `${fmt(v.value)} / ${fmt(v.tick)}` : fmt(v.value);
      out.push(
        `<text x="${(end + 4).toFixed(1)}" y="${by + BAR_H - 1}" class="small">${text}</text>`,
      );
    });
    row += groupH;
  }
  return { svg: out.join('\n'), height: row - y + 10 };
}

/** The whole chart. */
export function chartSVG(rows: ChartRow[], subtitle: string): string {
  const contenders = [...new Set(rows.map((r) => r.contender))];
  const concurrencies = [...new Set(rows.map((r) => r.concurrency))];
  const latencies = [...new Set(rows.map((r) => r.latencyMs))];
  const find = (c: Contender, concurrency: number, latency: number): ChartRow | undefined =>
    rows.find((r) => r.contender === c && r.concurrency === concurrency && r.latencyMs === latency);
  const parts: string[] = [];
  let y = 50;
  for (const latency of latencies) {
    const p = panel(
      y,
      `Callback latency at ${latency} ms emulated Microsoft latency: p50 bar, p95 tick (ms, lower is better)`,
      contenders,
      concurrencies.map((concurrency, i) => ({
        label: `concurrency ${concurrency}`,
        color: COLORS[i % COLORS.length] ?? '#888',
        pick: (c) => {
          const r = find(c, concurrency, latency);
          return r && { value: r.p50, tick: r.p95 };
        },
      })),
    );
    parts.push(p.svg);
    y += p.height;
  }
  const cpuSeries: Series[] = [];
  for (const concurrency of concurrencies)
    for (const latency of latencies)
      cpuSeries.push({
        label: `c${concurrency} @ ${latency} ms`,
        color: COLORS[cpuSeries.length % COLORS.length] ?? '#888',
        pick: (c) => {
          const r = find(c, concurrency, latency);
          return r && { value: r.cpuMsPerCallback };
        },
      });
  const cpu = panel(y, 'App CPU per callback (ms, lower is better)', contenders, cpuSeries);
  parts.push(cpu.svg);
  y += cpu.height;
  const req = panel(y, 'Microsoft requests per login (callback phase)', contenders, [
    {
      label: 'requests',
      color: COLORS[4] ?? '#888',
      pick: (c) => {
        const mine = rows.filter((r) => r.contender === c);
        return mine.length === 0
          ? undefined
          : { value: Math.max(...mine.map((r) => r.microsoftRequestsPerLogin)) };
      },
    },
  ]);
  parts.push(req.svg);
  y += req.height;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${Math.ceil(y)}" viewBox="0 0 ${WIDTH} ${Math.ceil(y)}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    '<style>.title{font-size:14px;font-weight:600}.label{font-size:12px}.small{font-size:10px;fill:#333}</style>',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" class="title" style="font-size:16px">Sign in with Microsoft: callback side, per contender</text>`,
    `<text x="10" y="40" class="small">${esc(subtitle)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
