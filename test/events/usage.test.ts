/**
 * The event log as SAR usage input (`events:FROM..TO`): which events become usage (items, non-zero
 * weights by type, impressions only when weighted), the days read, id checks and torn lines in the parse
 * report, training from it equal to training from the CSV export of the same days, and `recscore sar train`.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { addDays, dayOf } from '../../src/events/day.js';
import { EmbeddedEventStore } from '../../src/events/embedded-store.js';
import { defaultRules, type PostedEvent } from '../../src/events/event.js';
import { exportCsv } from '../../src/events/export.js';
import { parseEventsUsage } from '../../src/events/usage.js';
import { createLogger } from '../../src/log.js';
import { emptyReport } from '../../src/model/kinds/sar/parse/codes.js';
import type { ParsedEvent } from '../../src/model/kinds/sar/parse/line.js';
import { readEvents } from '../../src/model/kinds/sar/parse/read-events.js';
import { packModel } from '../../src/model/kinds/sar/pack/pack.js';
import { trainFromPath } from '../../src/model/kinds/sar/train/train.js';
import { runCli } from '../parity/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'recscore-events-usage-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const dataDir = join(dir, 'data');
const logger = createLogger({}, () => {});
const now = Date.now();
const today = dayOf(now);
const yesterday = addDays(today, -1);
const weights = defaultRules().weights;
const input = { spec: dataDir, weights };

async function read(spec: string, w = weights) {
  const report = emptyReport();
  const out: ParsedEvent[] = [];
  await readEvents(spec, report, (e) => out.push(e), { events: { spec: dataDir, weights: w } });
  return { report, out };
}

describe('events:FROM..TO as SAR usage', () => {
  before(async () => {
    const store = await EmbeddedEventStore.open(dataDir, { logger });
    const events: PostedEvent[] = [];
    for (let u = 0; u < 40; u++) {
      // A third of the clients' impressions as the served log writes them: one event per answer (`items`).
      const answer = Array.from({ length: 6 }, (_, k) => `item-${(u * 3 + k) % 17}`);
      const at = now - (u % 2) * 86_400_000;
      if (u % 3 === 0) events.push({ type: 'impression', client_id: `u${u}`, ts: at, items: answer });
      for (let k = 0; k < 6; k++) {
        const item = `item-${(u * 3 + k) % 17}`;
        const ts = now - (u % 2) * 86_400_000 - k * 1000; // today and yesterday
        if (u % 3 !== 0) events.push({ type: 'impression', client_id: `u${u}`, ts, item, position: k });
        if ((u + k) % 2 === 0) events.push({ type: 'click', client_id: `u${u}`, ts, item });
        if ((u + k) % 5 === 0) events.push({ type: 'purchase', client_id: `u${u}`, ts, item });
        if ((u + k) % 7 === 0) events.push({ type: 'add_to_cart', client_id: `u${u}`, ts, item, weight: 2.5 });
      }
      events.push({ type: 'click', client_id: `u${u}`, ts: now }); // no item: not usage
      events.push({ type: 'uninstall', client_id: `u${u}`, ts: now, item: 'item-1' }); // weight 0
    }
    events.push({ type: 'click', client_id: 'old', ts: now - 3 * 86_400_000, item: 'item-2' }); // outside
    events.push({ type: 'click', client_id: 'comma', ts: now, item: 'a,b' }); // not a valid SAR item
    await store.append(events);
    await store.close();
  });

  it('parses the range, one day, and refuses malformed specs', () => {
    assert.deepEqual(parseEventsUsage('events:2026-12-01..2026-12-04'), { from: '2026-12-01', to: '2026-12-04' });
    assert.deepEqual(parseEventsUsage('events:2026-12-04'), { from: '2026-12-04', to: '2026-12-04' });
    for (const bad of [
      'events:',
      'events:2026-12-04..',
      'events:2026-12-05..2026-12-04',
      'events:2026-02-30',
      'events:2026-12-01..2026-12-02..2026-12-03',
      'events:yesterday',
      'events:2016-01-01..2026-12-01',
    ]) {
      assert.throws(() => parseEventsUsage(bad), { code: 'RECSCORE_SAR_INPUT' }, bad);
    }
  });

  it('reads items with non-zero weights of the days: clicks, purchases, posted weights; no impressions', async () => {
    const { report, out } = await read(`events:${yesterday}..${today}`);
    assert.ok(out.length > 0);
    assert.ok(out.every((e) => e.item.startsWith('item-') && e.user.startsWith('u')));
    assert.deepEqual([...new Set(out.map((e) => e.rating))].sort(), [1, 2.5, 5]);
    assert.ok(out.every((e) => Number.isInteger(e.timestamp) && Math.abs(e.timestamp * 1000 - now) < 2 * 86_400_000));
    assert.equal(report.successfulLines, out.length);
    assert.equal(report.errors.IllegalCharactersInItemId?.count, 1);
    const todayOnly = await read(`events:${today}`);
    assert.ok(todayOnly.out.length > 0 && todayOnly.out.length < out.length);
    assert.ok(todayOnly.out.every((e) => dayOf(e.timestamp * 1000) === today));
  });

  it("a configured weight brings impressions in, an answer's one per listed item", async () => {
    const w = new Map(weights).set('impression', 0.25);
    const { out } = await read(`events:${yesterday}..${today}`, w);
    assert.equal(out.filter((e) => e.rating === 0.25).length, 40 * 6);
    assert.deepEqual(
      out.filter((e) => e.rating === 0.25 && e.user === 'u3').map((e) => e.item),
      ['item-9', 'item-10', 'item-11', 'item-12', 'item-13', 'item-14'],
    );
  });

  it('the CSV export expands weighted answer impressions into one row per listed item', async () => {
    const store = await EmbeddedEventStore.open(dataDir, { logger, rebuild: false, writeSnapshot: false });
    const csv = new PassThrough();
    const chunks: Buffer[] = [];
    csv.on('data', (c: Buffer) => chunks.push(c));
    const n = await exportCsv(store.read(yesterday, today), csv, new Map(weights).set('impression', 0.25));
    await store.close();
    const rows = Buffer.concat(chunks)
      .toString()
      .split('\n')
      .filter((l) => l.startsWith('u3,') && l.endsWith(',0.25'));
    assert.deepEqual(
      rows.map((l) => l.split(',')[1]),
      ['item-9', 'item-10', 'item-11', 'item-12', 'item-13', 'item-14'],
    );
    assert.ok(n > 40 * 6);
  });

  it('a torn last line is a MalformedLine in the report, the rest is read', async () => {
    const d2 = join(dir, 'torn');
    const store = await EmbeddedEventStore.open(d2, { logger });
    await store.append([{ type: 'click', client_id: 'u1', ts: now, item: 'i1' }]);
    await store.close();
    appendFileSync(join(d2, 'events', `events-${today}.jsonl`), '{"b":"x","k":null,"r":1,"e":[{"id":"x:0","ty');
    const report = emptyReport();
    const out: ParsedEvent[] = [];
    await readEvents(`events:${today}`, report, (e) => out.push(e), { events: { spec: d2, weights } });
    assert.equal(out.length, 1);
    assert.equal(report.errors.MalformedLine?.count, 1);
  });

  it('trains the same model as the CSV export of the same days', async () => {
    const store = await EmbeddedEventStore.open(dataDir, { logger, rebuild: false, writeSnapshot: false });
    const csv = new PassThrough();
    const chunks: Buffer[] = [];
    csv.on('data', (c: Buffer) => chunks.push(c));
    await exportCsv(store.read(yesterday, today), csv, weights);
    await store.close();
    const csvPath = join(dir, 'usage.csv');
    // The comma item is quoted in the CSV (a bad line for SAR): both inputs skip it.
    writeFileSync(csvPath, Buffer.concat(chunks));
    const params = { similarity: 'jaccard' as const, decayHalfLifeDays: 30, referenceTime: Math.floor(now / 1000) };
    const fromCsv = await trainFromPath(csvPath, params);
    const fromLog = await trainFromPath(`events:${yesterday}..${today}`, params, { events: input });
    assert.equal(fromLog.report.successfulLines, fromCsv.report.successfulLines);
    assert.deepEqual(Buffer.from(packModel(fromLog.model)), Buffer.from(packModel(fromCsv.model)));
  });

  it('recscore sar train --events events:FROM..TO reads the configured store', async () => {
    const out = join(dir, 'm.sarm');
    const env = { RECSCORE_DATA_DIR: dataDir, RECSCORE_LOG_LEVEL: 'warn' };
    const r = await runCli(['sar', 'train', '--events', `events:${yesterday}..${today}`, '--out', out], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(out).length > 0);
    const bad = await runCli(['sar', 'train', '--events', 'events:2026-13-01', '--out', out], { env });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /not events:FROM\.\.TO/);
  });
});
