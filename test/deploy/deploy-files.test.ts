/**
 * The deployment files (issue 16) stay true to the code: every metric the Prometheus alert rules and the
 * Grafana dashboard query exists in the server's registry (a renamed metric would silently never alert),
 * and the Dockerfile keeps its promises (multi-stage, non-root, HEALTHCHECK on /health, the files the
 * server reads at run time). No Docker daemon is needed: the files are read as text.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { createMetrics } from '../../src/metrics/registry.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (p: string) => readFileSync(`${ROOT}${p}`, 'utf8');

/** Metric names in a PromQL expression: recscore's own, Node's default ones, and Prometheus's `up`. */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b((?:recscore|process|nodejs)_[a-z0-9_]+|up)\b(?=\s*[{[)\s]|$)/g)].map((m) => m[1]);
}

function knownNames(): Set<string> {
  const metrics = createMetrics({ defaultMetrics: true });
  const names = new Set<string>(['up']);
  for (const m of metrics.registry.getMetricsAsArray()) {
    const { name, type } = m as unknown as { name: string; type: string };
    names.add(name);
    if (type === 'histogram' || type === 'summary') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
  }
  return names;
}

describe('deploy/ monitoring files', () => {
  const known = knownNames();

  it('alert rules query only metrics the server exports', () => {
    const rules = parse(read('deploy/alerts.yml')) as {
      groups: Array<{ rules: Array<{ alert: string; expr: string }> }>;
    };
    const exprs = rules.groups.flatMap((g) => g.rules);
    assert.ok(exprs.length >= 8);
    for (const r of exprs) {
      const names = metricNames(r.expr);
      assert.ok(names.length > 0, `${r.alert}: no metric found in ${r.expr}`);
      for (const n of names) assert.ok(known.has(n), `${r.alert}: ${n} is not a recscore metric`);
    }
  });

  it('the Grafana dashboard queries only metrics the server exports', () => {
    const dash = JSON.parse(read('deploy/grafana-dashboard.json')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
      templating: { list: Array<{ query: unknown }> };
    };
    const exprs = [
      ...dash.panels.flatMap((p) => p.targets.map((t) => ({ where: p.title, expr: t.expr }))),
      ...dash.templating.list.map((v) => ({ where: 'variable', expr: String(v.query) })),
    ];
    let checked = 0;
    for (const { where, expr } of exprs) {
      for (const n of metricNames(expr)) {
        assert.ok(known.has(n), `${where}: ${n} is not a recscore metric`);
        checked++;
      }
    }
    assert.ok(checked >= 15);
  });
});

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const lines = text.split('\n').filter((l) => !l.trim().startsWith('#'));
  it('is multi-stage, runs as a non-root user and checks /health', () => {
    assert.ok(lines.filter((l) => /^FROM\s/.test(l)).length >= 2, 'multi-stage');
    const user = lines.filter((l) => /^USER\s/.test(l)).at(-1);
    assert.ok(user && !/^USER\s+(root|0)\b/.test(user), `runs as ${user}`);
    assert.match(lines.find((l) => /HEALTHCHECK/.test(l)) ?? '', /HEALTHCHECK/);
    assert.match(text, /\/health`/);
  });
  it('copies what the server reads at run time (compiled code, kernels, page files)', () => {
    for (const dir of ['dist', 'build', 'web', 'node_modules']) {
      assert.match(text, new RegExp(`COPY --from=build /app/${dir} `), dir);
    }
  });
});
