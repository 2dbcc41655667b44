import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { createLogger } from '../../src/log.js';
import { dayOf } from '../../src/events/day.js';
import { EmbeddedEventStore } from '../../src/events/embedded-store.js';
import type { PostedEvent, StoredEvent } from '../../src/events/event.js';
import { usageTime } from '../../src/events/export.js';
import { HllSketch } from '../../src/events/hll/sketch.js';
import { nonLogLines, runCli } from '../parity/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'recscore-events-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { RECSCORE_DATA_DIR: join(dir, 'data'), RECSCORE_LOG_LEVEL: 'warn' };
const now = Date.now();
const today = dayOf(now);

describe('recscore events export / recscore stats', () => {
  const stored: StoredEvent[] = [];
  before(async () => {
    const store = await EmbeddedEventStore.open(env.RECSCORE_DATA_DIR, { logger: createLogger({}, () => {}) });
    const events: PostedEvent[] = [];
    for (let i = 0; i < 250; i++) {
      events.push({
        type: 'impression',
        client_id: `c${i}`,
        ts: now - i,
        item: `item,${i % 4}`,
        position: i % 10,
        context: { locale: i % 2 ? 'de' : 'fr' },
      });
      if (i % 5 === 0)
        events.push({ type: 'click', client_id: `c${i}`, ts: now - i, item: `item,${i % 4}`, request_id: `r${i}` });
      if (i % 25 === 0)
        events.push({ type: 'install', client_id: `c${i}`, ts: now - i, item: `item,${i % 4}`, weight: 9 });
    }
    // Two served answers (the served log's shape): 4 impressions, no locale.
    const served = { type: 'impression', ts: now, request_id: 'ra', context: { served_by: 'ensemble' } };
    events.push({ ...served, client_id: 'c0', items: ['x', 'y', 'z'], item_variants: ['', 'e:b', ''] });
    events.push({ ...served, client_id: 'c1', items: ['x'] });
    const ids = (await store.append(events)).ids;
    events.forEach((e, i) => stored.push({ id: ids[i], ...e }));
    await store.close();
  });

  it('jsonl: every stored event, once, unchanged', async () => {
    const r = await runCli(['events', 'export', '--from', today, '--to', today, '--format', 'jsonl'], { env });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as StoredEvent);
    assert.deepEqual(lines, stored);
  });

  it('parquet: read back with hyparquet, the same rows', async () => {
    const out = join(dir, 'ev.parquet');
    const r = await runCli(['events', 'export', '--from', today, '--to', today, '--format', 'parquet', '--out', out], {
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(out) });
    assert.equal(rows.length, stored.length);
    for (let i = 0; i < rows.length; i++) {
      const e = stored[i];
      const row = rows[i];
      assert.equal(row.id, e.id);
      assert.equal(row.client_id, e.client_id);
      assert.equal(row.type, e.type);
      assert.equal(new Date(row.ts as Date).getTime(), e.ts);
      assert.equal(row.item, e.item ?? null);
      const json = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'string' ? JSON.parse(v) : v);
      assert.deepEqual(json(row.items), e.items ?? null);
      assert.deepEqual(json(row.item_variants), e.item_variants ?? null);
      assert.equal(row.position ?? null, e.position ?? null);
      assert.equal(row.weight ?? null, e.weight ?? null);
      const ctx =
        row.context === null || row.context === undefined
          ? null
          : typeof row.context === 'string'
            ? JSON.parse(row.context)
            : row.context;
      assert.deepEqual(ctx, e.context ?? null);
    }
  });

  it('csv: usage format, weighted events with an item only, quoted where needed', async () => {
    const out = join(dir, 'usage.csv');
    const r = await runCli(['events', 'export', '--from', today, '--to', today, '--format', 'csv', '--out', out], {
      env,
    });
    assert.equal(r.code, 0, r.stderr);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const expected = stored
      .filter((e) => e.type !== 'impression')
      .map((e) => `${e.client_id},"${e.item}",${usageTime(e.ts)},,${e.weight ?? (e.type === 'click' ? 1 : 4)}`);
    assert.deepEqual(lines, expected);
    assert.match(lines[0], /^c0,"item,0",\d{4}\/\d{2}\/\d{2}T\d{2}:\d{2}:\d{2},,1$/);
  });

  it('stats prints what the store counts and writes no snapshot', async () => {
    const snapshot = join(env.RECSCORE_DATA_DIR, 'events', 'aggregates.snapshot');
    const before = statSync(snapshot).mtimeMs;
    const d = await runCli(
      ['stats', 'distinct', '--from', today, '--to', today, '--event', 'impression', '--where', 'locale=de'],
      { env },
    );
    assert.equal(d.code, 0, d.stderr);
    assert.equal(JSON.parse(d.stdout).distinct, 125);
    const e = await runCli(['stats', 'engagement', '--day', today], { env });
    // 250 clients: the sketch's estimate (what PFCOUNT would say), not necessarily 250.
    const est = HllSketch.unionCount([stored.reduce((s, x) => (s.add(x.client_id), s), new HllSketch())]);
    assert.ok(Math.abs(est - 250) <= 250 * 0.0243);
    assert.deepEqual(((j) => [j.dau, j.mau, j.er])(JSON.parse(e.stdout)), [est, est, 1]);
    const c = await runCli(['stats', 'ctr', '--from', today, '--to', today, '--by', 'locale'], { env });
    const rows = JSON.parse(c.stdout).rows;
    assert.equal(statSync(snapshot).mtimeMs, before, 'the CLI wrote no snapshot');
    assert.deepEqual(
      rows.map((x: any) => [x.locale, x.impressions, x.clicks]),
      [
        [null, 4, 50],
        ['de', 125, 0],
        ['fr', 125, 0],
      ],
    );
  });

  for (const [name, args, code, msg] of [
    [
      'unknown format',
      ['events', 'export', '--from', today, '--to', today, '--format', 'xml'],
      2,
      /--format must be one of/,
    ],
    [
      'parquet without --out',
      ['events', 'export', '--from', today, '--to', today, '--format', 'parquet'],
      2,
      /needs --out/,
    ],
    ['missing --from', ['events', 'export', '--to', today], 2, /--from is required/],
    ['bad day', ['events', 'export', '--from', '2026-02-30', '--to', today], 1, /RECSCORE_BAD_QUERY/],
    ['unknown stats kind', ['stats', 'median'], 2, /usage: recscore stats/],
    [
      'bad --where',
      ['stats', 'distinct', '--from', today, '--to', today, '--where', 'locale'],
      2,
      /expected dim=value/,
    ],
  ] as Array<[string, string[], number, RegExp]>) {
    it(`fails clearly: ${name}`, async () => {
      const r = await runCli(args, { env });
      assert.equal(r.code, code, r.stderr);
      assert.match(nonLogLines(r.stderr).join('\n'), msg);
    });
  }
});
