import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate } from '../../loadtest/gate.js';
import { renderMarkdown, scenarioTable, toPlotRows } from '../../loadtest/report.js';
import { escapeXml, niceCeil, renderSvg } from '../../loadtest/svg-plot.js';
import { parseTargets } from '../../loadtest/targets.js';
import { runResults, scenarioResult } from './fixtures.js';

const targets = parseTargets({
  aim: { recommendRatio: 0.6, p99Ms: 10, connections: 32, note: '' },
  scenarios: { recommend: { minRatio: 0.2, p99: { k: 2, plusMs: 10 } }, related: { minRatio: 0.1 } },
});

function results() {
  const scenarios = [
    scenarioResult(),
    scenarioResult({ name: 'related', ratio: 0.5, latency: { p50: 1, p90: 2, p99: 3, p999: 4, max: 5 } }),
  ];
  const checks = evaluate(scenarios, null, targets);
  return runResults(scenarios, { checks, passed: checks.every((c) => c.ok) });
}

describe('load-test report and plot', () => {
  it('plot rows carry the targets and whether each was met', () => {
    const rows = toPlotRows(results());
    assert.deepEqual(rows[0], {
      name: 'recommend',
      ratio: 0.099,
      minRatio: 0.2,
      ratioOk: false,
      p99: 12,
      p99Bound: 14,
      p99Ok: true,
      ceilingP99: 2,
    });
    assert.equal(rows[1].p99Bound, undefined);
  });

  it('the SVG is one well-formed document with a bar per number and escaped labels', () => {
    const rows = toPlotRows(results());
    rows.push({ name: 'a<b>&"c"', ratio: 0.3, p99: 4, ceilingP99: 1 });
    const svg = renderSvg(rows, 'run <1>', { ratio: 0.6, p99Ms: 10 });
    assert.equal((svg.match(/stroke-dasharray/g) ?? []).length, 2);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, /<\/svg>\n$/);
    assert.ok(svg.includes('a&lt;b&gt;&amp;&quot;c&quot;'));
    assert.ok(svg.includes('run &lt;1&gt;'));
    assert.ok(!/&(?!(lt|gt|amp|quot|apos);)/.test(svg), 'every & starts an entity');
    for (const [, inner] of svg.matchAll(/<text[^>]*>(.*?)<\/text>/g)) assert.ok(!inner.includes('<'), inner);
    // 3 ratio bars + 3 p99 bars (with a <title>), red for the missed ratio, green for the met p99
    assert.equal((svg.match(/<rect [^>]*><title>/g) ?? []).length, 6);
    assert.ok(svg.includes('fill="#c62828"><title>recommend: ratio'));
    assert.ok(svg.includes('fill="#2e7d32"><title>recommend: p99'));
    // opening and closing tags balance
    const open = (svg.match(/<(rect|text|line|title|style|svg)\b/g) ?? []).length;
    const selfClosed = (svg.match(/\/>/g) ?? []).length;
    const closed = (svg.match(/<\/(rect|text|line|title|style|svg)>/g) ?? []).length;
    assert.equal(open, selfClosed + closed);
  });

  it('axis ends are 1, 2 or 5 × 10^k', () => {
    assert.equal(niceCeil(0.7), 1);
    assert.equal(niceCeil(1), 1);
    assert.equal(niceCeil(1.2), 2);
    assert.equal(niceCeil(37), 50);
    assert.equal(niceCeil(0), 1);
    assert.equal(escapeXml(`<'&">`), '&lt;&apos;&amp;&quot;&gt;');
  });

  it('the Markdown names the verdict, links the plot and marks each target', () => {
    const md = renderMarkdown(results(), 'latest.svg');
    assert.match(md, /\*\*Gate: FAILED\*\*/);
    assert.ok(md.includes('![throughput ratio and p99 per scenario](latest.svg)'));
    assert.match(md, /\| recommend \| 32 \| 2,970 \| 30,000 \| 0\.10 \(0\.20\) ✗ \| 3\.00 \| 12\.00 \(14\.0\) ✓ \|/);
    assert.match(md, /## Missed\n\n- recommend: ratio to ceiling 0\.099 < 0\.200/);
    assert.equal(scenarioTable(results()).split('\n').length, 4);
  });
});
