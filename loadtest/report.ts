/**
 * The run's results as Markdown (loadtest/results/latest.md, also printed at the end of a run) and as
 * the rows of the SVG plot. Pure: results in, text out.
 */
import { total } from './body-facts.js';
import type { Check, RunResults, ScenarioResult } from './results.js';
import type { PlotRow } from './svg-plot.js';

const MB = 1024 * 1024;

function checkOf(checks: readonly Check[], scenario: string, prefix: string): Check | undefined {
  return checks.find((c) => c.scenario === scenario && c.check.startsWith(prefix));
}

export function toPlotRows(res: RunResults): PlotRow[] {
  return res.scenarios.map((s) => {
    const ratio = checkOf(res.checks, s.name, 'ratio');
    const p99 = checkOf(res.checks, s.name, 'p99');
    return {
      name: s.name,
      ratio: s.ratio,
      minRatio: ratio?.limit,
      ratioOk: ratio?.ok,
      p99: s.latency.p99,
      p99Bound: p99?.limit,
      p99Ok: p99?.ok,
      ceilingP99: s.ceilingLatency.p99,
    };
  });
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');
const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const mark = (c: Check | undefined) => (c === undefined ? '' : c.skipped ? ' –' : c.ok ? ' ✓' : ' ✗');

function pathsLine(s: ScenarioResult): string {
  const all = total(s.facts.paths);
  if (all === 0) return '–';
  return Object.entries(s.facts.paths)
    .sort((a, b) => b[1] - a[1])
    .map(([p, n]) => `${p} ${((n / all) * 100).toFixed(n / all < 0.01 ? 2 : 1)} %`)
    .join(', ');
}

/** The main table: one row per scenario, the target beside each gated number. */
export function scenarioTable(res: RunResults): string {
  const lines = [
    '| scenario | conns | good req/s | ceiling req/s | ratio (min) | p50 ms | p99 ms (bound) | ceiling p99 ms | ' +
      'errors / non-2xx (all rounds) | good share | CPU µs/req (ceiling) | CPU ratio (max) | rounds (disturbed, ' +
      'repeats) |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const s of res.scenarios) {
    const ratio = checkOf(res.checks, s.name, 'ratio');
    const p99 = checkOf(res.checks, s.name, 'p99');
    const cpu = checkOf(res.checks, s.name, 'CPU');
    const cpuCells = s.cpu
      ? `${f1(s.cpu.perRequestUs)} (${f1(s.cpu.ceilingPerRequestUs)}) | ${f2(s.cpu.ratio)}` +
        `${cpu ? ` (${f2(cpu.limit)})` : ''}${mark(cpu)}`
      : '– | –';
    const errs = [checkOf(res.checks, s.name, 'errors'), checkOf(res.checks, s.name, 'non-2xx')];
    const errMark = errs.some((c) => c && !c.ok) ? ' ✗' : errs.some(Boolean) ? ' ✓' : '';
    lines.push(
      `| ${s.name} | ${s.connections} | ${int(s.goodRps)} | ${int(s.ceilingRps)} | ${f2(s.ratio)}` +
        `${ratio ? ` (${f2(ratio.limit)})` : ''}${mark(ratio)} | ${f2(s.latency.p50)} | ${f2(s.latency.p99)}` +
        `${p99 ? ` (${f1(p99.limit)})` : ''}${mark(p99)} | ${f2(s.ceilingLatency.p99)} | ${s.all.errors} / ` +
        `${s.all.non2xx}${errMark} | ${(s.goodShare * 100).toFixed(1)} % | ${cpuCells} | ${s.rounds} (` +
        `${s.disturbedRounds}, ${s.repeats}) |`,
    );
  }
  return lines.join('\n');
}

export function renderMarkdown(res: RunResults, svgName: string | null): string {
  const missed = res.checks.filter((c) => !c.ok);
  const out: string[] = [
    `# Load test: ${res.mode} run, ${res.startedAt.replace('T', ' ').slice(0, 16)} UTC`,
    '',
    `**Gate: ${res.passed ? 'passed' : 'FAILED'}** — ${res.checks.length - missed.length} of ${res.checks.length} ` +
      `checks met` +
      (res.errors.length ? `, ${res.errors.length} scenario error(s)` : '') +
      `. ${res.machine.cpus} × ${res.machine.cpuModel}, Node ${res.machine.node}, load average at start ` +
      `${res.machine.loadavgAtStart.map((l) => l.toFixed(2)).join(' ')}; ${(res.totalMs / 1000).toFixed(0)} s in ` +
      `all.`,
    '',
    'Targets: `loadtest/targets.json`; method: `loadtest/README.md`. "Good" answers are those served the way the ' +
      "scenario expects (recommendations: by the ensemble). Latencies are the median over rounds of each round's " +
      'percentile, with µs resolution.',
    '',
  ];
  if (svgName) out.push(`![throughput ratio and p99 per scenario](${svgName})`, '');
  out.push(scenarioTable(res), '');
  const skipped = res.checks.filter((c) => c.skipped);
  const index = res.checks.find((c) => c.scenario === 'cpu-index');
  if (index) out.push(`CPU index: ${index.detail}.`, '');
  if (skipped.length) {
    out.push('## Not judged (machine busy)', '');
    for (const c of skipped) out.push(`- ${c.detail}`);
    out.push('');
  }
  if (missed.length || res.errors.length) {
    out.push('## Missed', '');
    for (const c of missed) out.push(`- ${c.detail}`);
    for (const e of res.errors) out.push(`- error: ${e}`);
    out.push('');
  }
  out.push(
    '## How the answers were served',
    '',
    'Shares over the kept rounds; versions and switches over every round (warm-up included).',
    '',
    '| scenario | all req/s | served_by[:reason] shares | model versions (switches) |',
    '|---|--:|---|--:|',
  );
  for (const s of res.scenarios) {
    out.push(
      `| ${s.name} | ${int(s.rps)} | ${pathsLine(s)} | ${Object.keys(s.all.facts.versions).length} (` +
        `${s.all.facts.versionSwitches}) |`,
    );
  }
  out.push('', '## Details', '');
  for (const s of res.scenarios) {
    const extra = Object.entries(s.extra).map(([k, v]) => `${k} ${typeof v === 'number' ? +v.toFixed(2) : v}`);
    const cpu = s.otherCores.map((c) => c.toFixed(2)).join(' ');
    out.push(
      `- **${s.name}** — ${s.title}. ${extra.join('; ')}${extra.length ? '; ' : ''}other processes' cores per round: ` +
        `${cpu}.${s.notes.length ? ` ${s.notes.join(' ')}` : ''}`,
    );
  }
  if (res.rss) {
    const r = res.rss;
    out.push(
      '',
      '## Memory on the large model',
      '',
      '| workers | when | VmRSS MB | RssAnon MB | RssFile MB | RssShmem MB |',
      '|--:|---|--:|--:|--:|--:|',
    );
    for (const s of r.samples)
      out.push(
        `| ${s.workers} | ${s.when} | ${f1(s.rss / MB)} | ${f1(s.anon / MB)} | ${f1(s.file / MB)} | ` +
          `${f1(s.shmem / MB)} |`,
      );
    // A per-worker copy would add at least the model's size.
    const verdict =
      r.extraWorkerBytes < r.modelBytes
        ? 'less than one model: the workers share one copy'
        : 'at least one model: look for a per-worker copy';
    out.push(
      '',
      `The second worker adds ${f1(r.extraWorkerBytes / MB)} MB after the warm-up ` +
        `(${f1(r.extraWorkerIdleBytes / MB)} MB idle); the packed model's memory is ` +
        `${f1(r.modelBytes / MB)} MB — ${verdict}.` +
        `${r.notes.length ? ` ${r.notes.join(' ')}` : ''}`,
    );
  }
  out.push(
    '',
    '## Timings',
    '',
    Object.entries(res.timings)
      .map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`)
      .join(' · '),
    '',
  );
  return out.join('\n');
}
