/**
 * The regression gate: scenario results against loadtest/targets.json. Pure: no I/O, so the unit tests
 * exercise every rule. A missed check says which target and by how much.
 */
import { countMatching, pathMatches, total } from './body-facts.js';
import type { Check, RssResult, ScenarioResult } from './results.js';
import type { ScenarioTarget, Targets } from './targets.js';

const MB = 1024 * 1024;

function fmt(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  return a >= 100 ? n.toFixed(0) : a >= 10 ? n.toFixed(1) : a >= 1 ? n.toFixed(2) : n.toFixed(3);
}

/** `actual ≥ limit` (or ≤ for `atMost`), with the shortfall in absolute and relative terms. */
export function bound(
  scenario: string,
  check: string,
  actual: number,
  limit: number,
  atMost: boolean,
  unit = '',
): Check {
  const ok = Number.isFinite(actual) && (atMost ? actual <= limit : actual >= limit);
  const op = atMost ? (ok ? '≤' : '>') : ok ? '≥' : '<';
  let detail = `${scenario}: ${check} ${fmt(actual)}${unit} ${op} ${fmt(limit)}${unit}`;
  if (!ok && Number.isFinite(actual)) {
    const by = Math.abs(actual - limit);
    const rel = limit !== 0 ? ` (${fmt((by / Math.abs(limit)) * 100)} %)` : '';
    detail += ` — ${atMost ? 'over' : 'short'} by ${fmt(by)}${unit}${rel}`;
  }
  return { scenario, check, ok, actual, limit, detail };
}

/**
 * Throughput, p99, the good-answer share (answers fall back when scoring misses its budget) and version
 * switches within a round measure the machine as much as the code when other processes take the CPU: they
 * are judged only when at most half of the kept rounds were disturbed. CPU per request and the invariants
 * are judged always.
 */
export function timingJudged(r: ScenarioResult): boolean {
  return r.disturbedRounds <= r.rounds / 2;
}

function notJudged(c: Check, r: ScenarioResult): Check {
  const cores = r.otherCores.map((x) => x.toFixed(2)).join(' ');
  return {
    ...c,
    ok: true,
    skipped: true,
    detail:
      `${c.detail} — not judged: ${r.disturbedRounds} of ${r.rounds} rounds disturbed (other processes' cores ` +
      `${cores})`,
  };
}

/**
 * How much the CPU bounds listed in `cpuLoadAllowance` grow with the neighbours' load. The CPU per answer
 * of recscore (a large working set, two threads handing batches over) inflates faster with other
 * processes' load than the bare ceiling's, so the ratios drift up: measured on unmodified code, the cpu
 * index went from 4.7-5.1 with others at 1.1-1.2 cores to 5.4-6.0 at 1.65-1.85 (loadtest/README.md).
 * 1 when the scenario has no allowance or did not report the load.
 */
export function loadAllowance(r: ScenarioResult, t: ScenarioTarget): number {
  const a = t.cpuLoadAllowance;
  const others = r.extra.otherCoresMedian;
  if (!a || typeof others !== 'number' || !Number.isFinite(others)) return 1;
  return 1 + a.perCore * Math.max(0, others - a.aboveCores);
}

export function checkScenario(r: ScenarioResult, t: ScenarioTarget): Check[] {
  const out: Check[] = [];
  const n = r.name;
  const timing: Check[] = [];
  if (t.minRatio !== undefined) timing.push(bound(n, 'ratio to ceiling', r.ratio, t.minRatio, false));
  if (t.p99) {
    const limit = r.ceilingLatency.p99 * t.p99.k + t.p99.plusMs;
    timing.push(
      bound(
        n,
        `p99 (≤ ceiling p99 ${fmt(r.ceilingLatency.p99)} ms × ${t.p99.k} + ${t.p99.plusMs})`,
        r.latency.p99,
        limit,
        true,
        ' ms',
      ),
    );
  }
  if (t.minGoodShare !== undefined) timing.push(bound(n, 'good-answer share', r.goodShare, t.minGoodShare, false));
  // A switch seen inside a round needs the reload to finish within it: on a starved machine it spans rounds
  // (both versions are still seen, which minVersions checks always).
  if (t.minVersionSwitches !== undefined)
    timing.push(bound(n, 'version switches', r.all.facts.versionSwitches, t.minVersionSwitches, false));
  out.push(...(timingJudged(r) ? timing : timing.map((c) => notJudged(c, r))));
  if (t.maxCpuRatio !== undefined) {
    const c = r.cpu;
    const what = `CPU per request ÷ ceiling's (${fmt(c?.perRequestUs)} µs ÷ ${fmt(c?.ceilingPerRequestUs)} µs)`;
    out.push(bound(n, what, c?.ratio ?? Number.NaN, t.maxCpuRatio, true));
  }
  // Invariants are checked over every round of the scenario, performance over the kept rounds.
  const all = r.all;
  out.push(bound(n, 'errors', all.errors, t.maxErrors, true));
  if (t.maxNon2xx !== undefined) out.push(bound(n, 'non-2xx', all.non2xx, t.maxNon2xx, true));
  if (t.allowPaths) {
    const paths = all.facts.paths;
    const stray = total(paths) - countMatching(paths, t.allowPaths);
    const others = Object.keys(paths).filter((p) => !t.allowPaths!.some((a) => pathMatches(p, a)));
    const c = bound(n, `answers outside [${t.allowPaths.join(', ')}]`, stray, 0, true);
    if (!c.ok) c.detail += `: ${others.map((p) => `${p} ×${paths[p]}`).join(', ')}`;
    out.push(c);
  }
  for (const p of t.requirePaths ?? [])
    out.push(bound(n, `answers matching ${p}`, countMatching(all.facts.paths, [p]), 1, false));
  if (t.minVersions !== undefined)
    out.push(bound(n, 'model versions seen', Object.keys(all.facts.versions).length, t.minVersions, false));
  const allowance = loadAllowance(r, t);
  for (const [key, [min, max]] of Object.entries(t.extra ?? {})) {
    const v = r.extra[key];
    const actual = typeof v === 'number' ? v : Number.NaN;
    if (min !== null) out.push(bound(n, key, actual, min, false));
    if (max === null) continue;
    if (allowance !== 1 && t.cpuLoadAllowance?.keys.includes(key)) {
      const what = `${key} (≤ ${fmt(max)} × ${allowance.toFixed(3)} for other processes' load)`;
      out.push(bound(n, what, actual, max * allowance, true));
    } else out.push(bound(n, key, actual, max, true));
  }
  return out;
}

export function checkRss(r: RssResult, t: NonNullable<Targets['rss']>): Check[] {
  const extraMb = r.extraWorkerBytes / MB;
  return [
    bound('rss', 'extra worker RSS', extraMb, t.maxExtraWorkerMb, true, ' MB'),
    bound(
      'rss',
      `extra worker RSS ÷ model size (${fmt(r.modelBytes / MB)} MB)`,
      r.extraWorkerBytes / r.modelBytes,
      t.maxExtraWorkerShareOfModel,
      true,
    ),
  ];
}

/**
 * The CPU index: the geometric mean of the CPU ratios of the scenarios that score (each is noisy on a
 * shared machine, partly independently; their mean is sharper than any one). Left out when a listed
 * scenario did not run (`--only`).
 */
export function checkCpuIndex(scenarios: readonly ScenarioResult[], t: NonNullable<Targets['cpuIndex']>): Check[] {
  const ratios = t.scenarios.map((name) => scenarios.find((s) => s.name === name)?.cpu?.ratio);
  if (ratios.some((r) => r === undefined)) return [];
  const gm = Math.exp(ratios.reduce<number>((a, r) => a + Math.log(r ?? Number.NaN), 0) / ratios.length);
  return [bound('cpu-index', `geometric mean of the CPU ratios of ${t.scenarios.join(', ')}`, gm, t.max, true)];
}

/** Every check of the scenarios that ran; a scenario without a target gets a failing check. */
export function evaluate(scenarios: readonly ScenarioResult[], rss: RssResult | null, targets: Targets): Check[] {
  const out: Check[] = [];
  if (targets.cpuIndex) out.push(...checkCpuIndex(scenarios, targets.cpuIndex));
  for (const r of scenarios) {
    const t = targets.scenarios[r.name];
    if (t) out.push(...checkScenario(r, t));
    else
      out.push({
        scenario: r.name,
        check: 'target',
        ok: false,
        actual: 0,
        limit: 0,
        detail: `${r.name}: no entry in targets.json`,
      });
  }
  if (rss && targets.rss) out.push(...checkRss(rss, targets.rss));
  return out;
}
