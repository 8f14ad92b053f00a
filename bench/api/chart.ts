/**
 * The API bench's chart as hand-written SVG (no browser, no plotting library), on log scales since
 * a cached validation and a full one differ by orders of magnitude: validations per second per
 * core, latency per validation (p50 bar, p99 tick), and the HTTP round trip's requests per second
 * of app CPU, each with distinct tokens and one repeated token.
 */

/** One bar: a value, an optional tick, and the text printed after it. */
export interface ChartBar {
  value: number;
  tick?: number;
  text: string;
}

/** One group of bars (a contender), one bar per series. */
export interface ChartGroup {
  label: string;
  bars: (ChartBar | undefined)[];
}

/** A panel: a title, series names (the legend), groups. */
export interface ChartPanel {
  title: string;
  series: string[];
  groups: ChartGroup[];
}

const WIDTH = 960;
const LABEL_W = 330;
const BAR_H = 10;
const GAP = 3;
const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759'];

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function panelSVG(y: number, panel: ChartPanel): { svg: string; height: number } {
  const values = panel.groups
    .flatMap((g) => g.bars.flatMap((b) => (b === undefined ? [] : [b.value, b.tick ?? b.value])))
    .filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...values, 1e9))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, lo * 10))));
  const plotW = WIDTH - LABEL_W - 150;
  const scale = (v: number): number =>
    Number.isFinite(v) && v > 0
      ? ((Math.log10(v) - Math.log10(lo)) / Math.log10(hi / lo)) * plotW
      : 0;
  const out: string[] = [];
  out.push(`<text x="10" y="${y + 16}" class="title">${esc(panel.title)}</text>`);
  let lx = LABEL_W;
  panel.series.forEach((s, i) => {
    out.push(
      `<rect x="${lx}" y="${y + 25}" width="10" height="10" fill="${COLORS[i] ?? '#888'}"/>`,
    );
    out.push(`<text x="${lx + 14}" y="${y + 34}" class="small">${esc(s)}</text>`);
    lx += 24 + s.length * 6.2;
  });
  let row = y + 46;
  const groupH = panel.series.length * (BAR_H + GAP) + 8;
  const top = row;
  for (const group of panel.groups) {
    out.push(
      `<text x="${LABEL_W - 8}" y="${row + groupH / 2}" class="label" text-anchor="end">${esc(group.label)}</text>`,
    );
    group.bars.forEach((bar, i) => {
      const by = row + i * (BAR_H + GAP);
      if (bar === undefined || !Number.isFinite(bar.value)) {
        out.push(`<text x="${LABEL_W + 4}" y="${by + BAR_H - 1}" class="small">not run</text>`);
        return;
      }
      const w = scale(bar.value);
      out.push(
        `<rect x="${LABEL_W}" y="${by}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${COLORS[i] ?? '#888'}"/>`,
      );
      let end = LABEL_W + w;
      if (bar.tick !== undefined && Number.isFinite(bar.tick)) {
        const tx = LABEL_W + scale(bar.tick);
        out.push(
          `<line x1="${tx.toFixed(1)}" x2="${tx.toFixed(1)}" y1="${by - 1}" y2="${by + BAR_H + 1}" stroke="#333" stroke-width="1.5"/>`,
        );
        end = Math.max(end, tx);
      }
      out.push(
        `<text x="${(end + 4).toFixed(1)}" y="${by + BAR_H - 1}" class="small">${esc(bar.text)}</text>`,
      );
    });
    row += groupH;
  }
  // Decade grid lines and their labels under the bars.
  for (let v = lo; v <= hi * 1.0001; v *= 10) {
    const x = LABEL_W + scale(v);
    out.push(
      `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${top - 4}" y2="${row}" stroke="#ddd" stroke-width="1"/>`,
    );
    out.push(
      `<text x="${x.toFixed(1)}" y="${row + 11}" class="small" text-anchor="middle">${v >= 1000 ? `${v / 1000}k` : v}</text>`,
    );
  }
  return { svg: out.join('\n'), height: row - y + 24 };
}

/** The whole chart. */
export function apiChartSVG(panels: ChartPanel[], subtitle: string): string {
  const parts: string[] = [];
  let y = 50;
  for (const panel of panels) {
    const p = panelSVG(y, panel);
    parts.push(p.svg);
    y += p.height;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${Math.ceil(y)}" viewBox="0 0 ${WIDTH} ${Math.ceil(y)}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    '<style>.title{font-size:14px;font-weight:600}.label{font-size:12px}.small{font-size:10px;fill:#333}</style>',
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="22" class="title" style="font-size:16px">Protecting an API: access-token validation, per contender</text>`,
    `<text x="10" y="40" class="small">${esc(subtitle)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
