/**
 * The embedded store's global sketch memory cap (RECSCORE_EVENT_SKETCH_MB): over it, a day's new segments
 * are refused — counted, reported once per day and combination in the log — existing ones keep counting,
 * `none` keeps every event, and memory stops growing with new segments; the byte account matches the
 * sketches' own sizes through adds, restores and retention drops.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Aggregates } from '../../src/events/aggregates.js';
import { DEFAULT_COMBOS } from '../../src/events/dimensions.js';
import { dayOf } from '../../src/events/day.js';
import { EmbeddedEventStore } from '../../src/events/embedded-store.js';
import type { PostedEvent } from '../../src/events/event.js';
import { createLogger } from '../../src/log.js';

const dir = mkdtempSync(join(tmpdir(), 'recscore-events-cap-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const DAY = 86_400_000;
const t0 = Date.UTC(2026, 11, 1, 12);

function events(n: number, ts: number, items = 5_000): PostedEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    type: i % 3 ? 'impression' : 'click',
    client_id: `c${i}`,
    ts,
    item: `item-${i % items}`,
    context: { locale: `l${i % 50}`, os: i % 2 ? 'Linux' : 'Windows' },
  }));
}

const memBytes = (a: Aggregates) => a.memory().reduce((s, m) => s + m.bytes, 0);

describe('sketch memory cap', () => {
  it('refuses new segments over the cap; none keeps every event; memory stops growing', () => {
    const refusals: Array<[string, string, number]> = [];
    const cap = 64 * 1024;
    const agg = new Aggregates(DEFAULT_COMBOS, { maxBytes: cap, onRefuse: (d, c, n) => refusals.push([d, c, n]) });
    const batch = events(20_000, t0);
    for (let i = 0; i < batch.length; i += 1000) agg.addAll(batch.slice(i, i + 1000));
    assert.ok(agg.refused > 0);
    assert.equal(
      refusals.reduce((s, r) => s + r[2], 0),
      agg.refused,
    );
    assert.ok(refusals.every(([d, c]) => d === '2026-12-01' && c !== 'none'));
    assert.equal(agg.bytes, memBytes(agg));
    const none = agg.counts(['2026-12-01'], []);
    const total = [...none.values()].reduce((s, m) => s + [...m.values()].reduce((a, b) => a + b, 0), 0);
    assert.equal(total, batch.length);
    // No new cell once over the cap: more events of new segments leave the cell count alone.
    const cells = [...agg.cells()].length;
    const more = events(5_000, t0).map((e) => ({ ...e, item: `new-${e.item}`, context: { locale: 'zz', os: 'BeOS' } }));
    agg.addAll(more);
    assert.equal([...agg.cells()].length, cells);
    // Bounded: every cell at most 16 KiB, cells fixed.
    assert.ok(agg.bytes <= cells * 16 * 1024);
  });

  it('accounts bytes through restore and retention', () => {
    const agg = new Aggregates(DEFAULT_COMBOS);
    agg.addAll(events(3_000, t0 - DAY));
    agg.addAll(events(3_000, t0));
    assert.equal(agg.bytes, memBytes(agg));
    const copy = new Aggregates(DEFAULT_COMBOS);
    for (const c of agg.cells()) copy.restore(c.day, c.combo, c.tuple, c.type, c.count, c.sketch);
    assert.equal(copy.bytes, agg.bytes);
    agg.dropBefore(dayOf(t0));
    assert.equal(agg.bytes, memBytes(agg));
    assert.ok(agg.bytes < copy.bytes && agg.bytes > 0);
  });

  it('embedded store: refusals counted and logged once per day and combination, never thrown', async () => {
    const lines: string[] = [];
    const logger = createLogger({}, (l) => lines.push(l));
    const counted = new Map<string, number>();
    const store = await EmbeddedEventStore.open(join(dir, 'data'), {
      logger,
      maxSketchBytes: 32 * 1024,
      snapshotIntervalMs: 0,
      onSegmentRefused: (c, n) => counted.set(c, (counted.get(c) ?? 0) + n),
    });
    const now = Date.now();
    for (let b = 0; b < 5; b++)
      await store.append(events(1_000, now).map((e) => ({ ...e, client_id: `${b}-${e.client_id}` })));
    assert.ok(counted.size > 0);
    const warnings = lines.filter((l) => l.includes('sketch memory cap'));
    assert.equal(warnings.length, counted.size);
    assert.ok(store.sketchBytes < 32 * 1024 + 7 * 2 * 16 * 1024 * 50);
    assert.equal((await store.distinct(['impression', 'click'], [dayOf(now)], [], () => true)) > 4_500, true);
    await store.close();
  });
});
