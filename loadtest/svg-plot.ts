/**
 * The run's plot, as a self-contained SVG (no dependency): one row per scenario, on the left its good
 * answers/s as a ratio to the ceiling with the target's minimum as a tick, on the right its p99 with the
 * target's bound as a tick and the ceiling's own p99 as a grey mark. Bars are green when the check
 * passed, red when it missed, grey without a target. The project's aim, when given, is a dashed line
 * across each panel.
 */

export interface PlotRow {
  name: string;
  ratio: number;
  minRatio?: number;
  ratioOk?: boolean;
  p99: number;
  p99Bound?: number;
  p99Ok?: boolean;
  ceilingP99: number;
}

const LABEL_W = 190;
const PANEL_W = 320;
const GAP = 50;
const ROW_H = 26;
const TOP = 64;
const BOTTOM = 40;

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** The smallest 1, 2 or 5 × 10^k at or above v (v > 0), for axis ends. */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v * (1 - 1e-9)) return m * p;
  return 10 * p;
}

const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);

function color(ok: boolean | undefined): string {
  return ok === undefined ? '#9e9e9e' : ok ? '#2e7d32' : '#c62828';
}

function axis(x0: number, max: number, y: number, height: number, unit: string): string {
  const out: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const x = x0 + (PANEL_W * i) / 4;
    out.push(`<line x1="${x}" y1="${y}" x2="${x}" y2="${y + height}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${x}" y="${y + height + 16}" text-anchor="middle" class="t">${+v.toPrecision(3)}${unit}</text>`);
  }
  return out.join('');
}

export interface Aim {
  ratio: number;
  p99Ms: number;
}

export function renderSvg(rows: readonly PlotRow[], title: string, aim?: Aim): string {
  const height = TOP + rows.length * ROW_H + BOTTOM;
  const width = LABEL_W + 2 * PANEL_W + GAP + 20;
  const xR = LABEL_W;
  const xP = LABEL_W + PANEL_W + GAP;
  const maxR = niceCeil(
    Math.max(1, aim?.ratio ?? 0, ...rows.flatMap((r) => [r.ratio, r.minRatio ?? 0]).filter(finite)),
  );
  const maxP = niceCeil(
    Math.max(1, aim?.p99Ms ?? 0, ...rows.flatMap((r) => [r.p99, r.p99Bound ?? 0, r.ceilingP99]).filter(finite)),
  );
  const sx = (v: number, max: number, x0: number) => x0 + (Math.max(0, Math.min(v, max)) / max) * PANEL_W;
  const plotH = rows.length * ROW_H;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="sans-serif">`,
    '<style>.t{font-size:11px;fill:#424242}.h{font-size:13px;font-weight:bold;fill:#212121}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="20" class="h">${escapeXml(title)}</text>`,
    `<text x="${xR}" y="${TOP - 12}" class="h">good answers/s ÷ ceiling (tick: target minimum)</text>`,
    `<text x="${xP}" y="${TOP - 12}" class="h">p99 ms (tick: bound, grey: ceiling p99)</text>`,
    axis(xR, maxR, TOP, plotH, ''),
    axis(xP, maxP, TOP, plotH, ''),
  ];
  rows.forEach((r, i) => {
    const y = TOP + i * ROW_H;
    const mid = y + ROW_H / 2;
    parts.push(`<text x="${LABEL_W - 8}" y="${mid + 4}" text-anchor="end" class="t">${escapeXml(r.name)}</text>`);
    if (finite(r.ratio)) {
      const w = sx(r.ratio, maxR, xR) - xR;
      parts.push(
        `<rect x="${xR}" y="${y + 5}" width="${w.toFixed(1)}" height="${ROW_H - 10}" fill="${color(r.ratioOk)}` +
          `"><title>${escapeXml(`${r.name}: ratio ${r.ratio.toFixed(3)}`)}</title></rect>`,
      );
      parts.push(`<text x="${(xR + w + 4).toFixed(1)}" y="${mid + 4}" class="t">${r.ratio.toFixed(2)}</text>`);
    }
    if (finite(r.minRatio)) {
      const x = sx(r.minRatio, maxR, xR).toFixed(1);
      parts.push(`<line x1="${x}" y1="${y + 2}" x2="${x}" y2="${y + ROW_H - 2}" stroke="#000" stroke-width="2"/>`);
    }
    if (finite(r.p99)) {
      const w = sx(r.p99, maxP, xP) - xP;
      parts.push(
        `<rect x="${xP}" y="${y + 5}" width="${w.toFixed(1)}" height="${ROW_H - 10}" fill="${color(r.p99Ok)}"><title>` +
          `${escapeXml(`${r.name}: p99 ${r.p99.toFixed(2)} ms`)}</title></rect>`,
      );
      parts.push(`<text x="${(xP + w + 4).toFixed(1)}" y="${mid + 4}" class="t">${r.p99.toFixed(1)}</text>`);
    }
    if (finite(r.ceilingP99)) {
      const x = sx(r.ceilingP99, maxP, xP).toFixed(1);
      parts.push(
        `<rect x="${(Number(x) - 2).toFixed(1)}" y="${y + 3}" width="4" height="${ROW_H - 6}" fill="#757575"/>`,
      );
    }
    if (finite(r.p99Bound)) {
      const x = sx(r.p99Bound, maxP, xP).toFixed(1);
      parts.push(`<line x1="${x}" y1="${y + 2}" x2="${x}" y2="${y + ROW_H - 2}" stroke="#000" stroke-width="2"/>`);
    }
  });
  if (aim) {
    for (const [x, label] of [
      [sx(aim.ratio, maxR, xR), `aim ${aim.ratio}`],
      [sx(aim.p99Ms, maxP, xP), `aim ${aim.p99Ms} ms`],
    ] as const) {
      parts.push(
        `<line x1="${x.toFixed(1)}" y1="${TOP - 4}" x2="${x.toFixed(1)}" y2="${TOP + plotH}" stroke="#1565c0" ` +
          `stroke-dasharray="4 3"/>`,
      );
      parts.push(
        `<text x="${(x + 3).toFixed(1)}" y="${TOP - 2}" class="t" style="fill:#1565c0">${escapeXml(label)}</text>`,
      );
    }
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
