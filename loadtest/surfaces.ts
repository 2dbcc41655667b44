/**
 * Surfaces under load (issue 15), on the demo model:
 *
 *   node dist/loadtest/surfaces.js [--seconds 2] [--pairs 3]   → loadtest/results/surfaces.tmp/surfaces.{json,md}
 *
 * 1. A three-source surface (TAAR collaborative ×2, locale popularity, a static list; installed filter) at
 *    32 connections: good answers/s (served by the surface) and p99, each as a ratio to a same-run ceiling (a bare
 *    node:http child answering a captured surface body), rounds alternating C S / S C as loadtest/README.md
 *    describes; TAAR's own route in the same run for comparison.
 * 2. The quality factor under 2× overload: the connection count where the surface's p99 first passes its
 *    target is the sustainable load; at twice that, the same surface with and without a p95 target
 *    (`target_p95_ms`): p99, errors, the factor and how often the costliest source was switched off.
 * Prints `uptime`'s load average beside the figures (the machine is shared).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { getText } from './children.js';
import { demoData, REPO_ROOT } from './datasets.js';
import { fireRound, type RoundResult } from './fire.js';
import { recommendPaths, seededRandom } from './paths.js';
import { startCeiling, startRecscore } from './servers.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '2' },
    pairs: { type: 'string', default: '3' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    [
      'node dist/loadtest/surfaces.js [--seconds 2] [--pairs 3]',
      '  Surfaces under load (issue 15) on the demo model; writes loadtest/results/surfaces.tmp/surfaces.{json,md}.',
      '  1. a three-source surface and the TAAR route at 32 connections: good req/s and p99, each as a ratio to a',
      '     same-run ceiling (rounds alternating ceiling/server; --pairs pairs of --seconds rounds);',
      '  2. the same surface at 2× its sustainable load with and without a p95 target: p99, errors, quality factor,',
      '     share of answers with the costliest source off.',
      '  Run on a quiet machine; the load average is printed beside every row.',
      '',
    ].join('\n'),
  );
  process.exit(0);
}
const durationMs = Number(values.seconds) * 1000;
const pairs = Number(values.pairs);
const OUT = join(REPO_ROOT, 'loadtest/results/surfaces.tmp');
const TARGET_P95_MS = 20;

const good = (r: RoundResult, prefix: string) =>
  Object.entries(r.facts.paths)
    .filter(([p]) => p.startsWith(prefix))
    .reduce((a, [, n]) => a + n, 0);
const goodRps = (r: RoundResult, prefix: string) => (good(r, prefix) / r.elapsedMs) * 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function metric(url: string, re: RegExp): Promise<number[]> {
  const { text } = await getText(`${url}/metrics`);
  return [...text.matchAll(re)].map((m) => Number(m[1]));
}

async function main() {
  const data = await demoData();
  const dir = mkdtempSync(join(tmpdir(), 'recscore-surfaces-load-'));
  const three = (target?: number) => ({
    size: 10,
    first_n: 50,
    ...(target ? { target_p95_ms: target } : {}),
    sources: [
      { name: 'collab', kind: 'taar', recommender: 'collaborative', weight: 2 },
      { name: 'locale', kind: 'popularity', scope: 'locale' },
      { name: 'editors', kind: 'static', items: data.guids.slice(0, 20) },
    ],
  });
  const file = join(dir, 'surfaces.json');
  writeFileSync(file, JSON.stringify({ surfaces: { three: three(), three_qf: three(TARGET_P95_MS) } }));
  const server = await startRecscore({
    name: 'recscore-surfaces',
    models: data.models,
    profiles: data.profiles,
    env: { RECSCORE_SURFACES: file },
  });
  const ids = data.clientIds;
  const surfacePaths = (surface: string, seed: number) => {
    const random = seededRandom(seed);
    return () => `/v1/surfaces/${surface}/recommendations/${ids[Math.floor(random() * ids.length)]}`;
  };
  let sample = '';
  for (let i = 0; i < 50 && !sample.includes('"served_by":"surface"'); i++)
    sample = (await getText(server.url + surfacePaths('three', 9)())).text;
  const ceiling = await startCeiling(sample);
  const round = (url: string, next: () => string, connections = 32, pid?: number) =>
    fireRound({ url, connections, durationMs, maxRequests: 10_000_000, nextPath: next, pid });
  try {
    const rows: Record<string, unknown>[] = [];
    // 1. ratio to the ceiling, alternating.
    for (const [name, next, prefix] of [
      ['surface three (3 sources)', surfacePaths('three', 1), 'surface'],
      ['TAAR route (ensemble)', recommendPaths(data, 2), 'ensemble'],
    ] as const) {
      await round(server.url, next); // warm-up
      const ratios: number[] = [];
      const p99Ratios: number[] = [];
      const p99s: number[] = [];
      const rps: number[] = [];
      let errors = 0;
      for (let i = 0; i < pairs; i++) {
        const order = i % 2 === 0 ? ['c', 's'] : ['s', 'c'];
        let c: RoundResult | undefined;
        let s: RoundResult | undefined;
        for (const o of order) {
          if (o === 'c') c = await round(ceiling.url, () => '/');
          else s = await round(server.url, next, 32, server.pid);
        }
        ratios.push(goodRps(s!, prefix) / c!.rps);
        p99Ratios.push(s!.latency.p99 / c!.latency.p99);
        p99s.push(s!.latency.p99);
        rps.push(goodRps(s!, prefix));
        errors += s!.errors + s!.non2xx;
      }
      rows.push({
        scenario: name,
        connections: 32,
        good_rps: median(rps),
        ratio: median(ratios),
        p99_ms: median(p99s),
        p99_ratio: median(p99Ratios),
        errors,
        load: load(),
      });
    }
    // 2. sustainable load: the smallest connection count whose p99 passes the target, then twice that.
    let sustainable = 4;
    for (const conns of [4, 8, 16, 32, 64, 128]) {
      const r = await round(server.url, surfacePaths('three', 3), conns);
      sustainable = conns;
      if (r.latency.p99 > TARGET_P95_MS) break;
    }
    const over = sustainable * 2;
    for (const surface of ['three', 'three_qf']) {
      const offBefore = await metric(
        server.url,
        new RegExp(
          `recscore_surface_steps_total\\{surface="${surface}",stage="source",source="collab",outcome="off"\\} (\\S+)`,
          'g',
        ),
      );
      const r = await round(server.url, surfacePaths(surface, 4), over, server.pid);
      const offAfter = await metric(
        server.url,
        new RegExp(
          `recscore_surface_steps_total\\{surface="${surface}",stage="source",source="collab",outcome="off"\\} (\\S+)`,
          'g',
        ),
      );
      const factor = await metric(
        server.url,
        new RegExp(`recscore_surface_quality_factor\\{surface="${surface}"\\} (\\S+)`, 'g'),
      );
      const served = good(r, 'surface');
      rows.push({
        scenario: `${surface} at 2× sustainable`,
        connections: over,
        good_rps: goodRps(r, 'surface'),
        p99_ms: r.latency.p99,
        errors: r.errors + r.non2xx,
        answers: r.requests,
        served_by_surface: served,
        costliest_off_share: ((offAfter[0] ?? 0) - (offBefore[0] ?? 0)) / Math.max(1, r.requests),
        quality_factor_end: factor[0] ?? null,
        load: load(),
      });
    }
    mkdirSync(OUT, { recursive: true });
    writeFileSync(
      join(OUT, 'surfaces.json'),
      JSON.stringify({ when: new Date().toISOString(), sustainable, rows }, null, 2),
    );
    const md = [
      `# Surfaces load test (${new Date().toISOString()})`,
      '',
      `sustainable: ${sustainable} connections (p99 > ${TARGET_P95_MS} ms above it); overload: ${over}`,
      '',
      '| scenario | connections | good req/s | ratio to ceiling | p99 ms | p99 ÷ ceiling p99 | errors | notes ' +
        '| load avg |',
      '|---|--:|--:|--:|--:|--:|--:|---|---|',
      ...rows.map((r: any) => {
        const notes =
          r.quality_factor_end !== undefined
            ? `factor ${r.quality_factor_end ?? '–'}, collab off in ${(100 * r.costliest_off_share).toFixed(1)} %`
            : '';
        const ratio = r.ratio?.toFixed(3) ?? '–';
        const p99Ratio = r.p99_ratio?.toFixed(1) ?? '–';
        const cells = [
          r.scenario,
          r.connections,
          Math.round(r.good_rps),
          ratio,
          r.p99_ms.toFixed(2),
          p99Ratio,
          r.errors,
        ];
        return `| ${[...cells, notes, r.load].join(' | ')} |`;
      }),
      '',
    ].join('\n');
    writeFileSync(join(OUT, 'surfaces.md'), md);
    process.stdout.write(`${md}\nwritten to ${OUT}\n`);
  } finally {
    await ceiling.stop();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
