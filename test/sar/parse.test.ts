/**
 * Usage-event parsing: both formats, event-type weights, ISO and epoch times, compression by magic
 * bytes, folders, the parse report's codes and samples, and the bad-line limit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseCsvLine, parseJsonLine } from '../../src/model/kinds/sar/parse/line.js';
import { parseTimestamp } from '../../src/model/kinds/sar/parse/timestamp.js';
import { trainFromPath } from '../../src/model/kinds/sar/train/train.js';
import { isRecscoreError } from '../../src/errors.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'sar-parse-'));

test('timestamps: epoch seconds, ISO 8601 with and without zone, PR slashes; junk is NaN', () => {
  assert.equal(parseTimestamp('1700000000'), 1700000000);
  assert.equal(parseTimestamp('2015-08-04T11:02:52Z'), Date.UTC(2015, 7, 4, 11, 2, 52) / 1000);
  assert.equal(parseTimestamp('2015/08/04T11:02:52'), Date.UTC(2015, 7, 4, 11, 2, 52) / 1000);
  assert.equal(parseTimestamp('2015-08-04T11:02:52+02:00'), Date.UTC(2015, 7, 4, 9, 2, 52) / 1000);
  assert.equal(parseTimestamp('2015-08-04'), Date.UTC(2015, 7, 4) / 1000);
  for (const bad of ['yesterday', '2015-02-30T00:00:00', '2015-13-01', '', '12abc'])
    assert.ok(Number.isNaN(parseTimestamp(bad)), bad);
});

test('CSV lines: event types, explicit weights, and each error code', () => {
  assert.deepEqual(parseCsvLine('u1,i1,1700000000'), { user: 'u1', item: 'i1', rating: 1, timestamp: 1700000000 });
  assert.equal((parseCsvLine('u1,i1,1700000000,Purchase') as { rating: number }).rating, 4);
  assert.equal((parseCsvLine('u1,i1,1700000000,removeshopcart') as { rating: number }).rating, -1);
  assert.equal((parseCsvLine('u1,i1,1700000000,RecommendationClick') as { rating: number }).rating, 2);
  assert.equal((parseCsvLine('u1,i1,1700000000,AddShopCart') as { rating: number }).rating, 3);
  assert.equal((parseCsvLine('u1,i1,1700000000,,2.5') as { rating: number }).rating, 2.5);
  assert.equal(parseCsvLine('u1,i1'), 'MissingFields');
  assert.equal(parseCsvLine('u1,,1700000000'), 'MissingFields');
  assert.equal(parseCsvLine('a,b,c,d,e,f'), 'MalformedLine');
  assert.equal(parseCsvLine('u1,i1,noon'), 'BadTimestampFormat');
  assert.equal(parseCsvLine('u1,i1,1700000000,Teleport'), 'BadWeightFormat');
  assert.equal(parseCsvLine('u1,i1,1700000000,,heavy'), 'BadWeightFormat');
  assert.equal(parseCsvLine(`${'u'.repeat(256)},i1,1700000000`), 'UserIdTooLong');
  assert.equal(parseCsvLine(`u1,${'i'.repeat(451)},1700000000`), 'ItemIdTooLong');
  assert.equal(parseCsvLine('u 1,i1,1700000000'), 'IllegalCharactersInUserId');
  assert.equal(parseCsvLine('u1,i\t1,1700000000'), 'IllegalCharactersInItemId');
});

test('JSONL lines: rating defaults to 1, non-numeric or non-finite ratings are rejected (SPEC §1)', () => {
  assert.deepEqual(parseJsonLine('{"user":"u","item":"i","timestamp":5}'), {
    user: 'u',
    item: 'i',
    rating: 1,
    timestamp: 5,
  });
  assert.equal(
    (parseJsonLine('{"user":"u","item":"i","timestamp":"2015-08-04T00:00:00Z"}') as { timestamp: number }).timestamp,
    1438646400,
  );
  assert.equal(parseJsonLine('{"user":"u","item":"i","rating":"4","timestamp":5}'), 'BadWeightFormat');
  assert.equal(parseJsonLine('{"user":"u","item":"i","rating":null,"timestamp":5}'), 'BadWeightFormat');
  assert.equal(parseJsonLine('{"user":"u","item":"i","rating":1e999,"timestamp":5}'), 'BadWeightFormat');
  assert.equal(parseJsonLine('{"user":"u","timestamp":5}'), 'MissingFields');
  assert.equal(parseJsonLine('{"user":"u","item":"i"'), 'MalformedLine');
  assert.equal(parseJsonLine('[1,2]'), 'MalformedLine');
  assert.equal(parseJsonLine('{"user":"u","item":"i","timestamp":true}'), 'BadTimestampFormat');
});

test('a folder of plain, gzip and bzip2 files is read as one log, with a report of bad lines', async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'a.csv'),
    'userId,itemId,time,eventType\nu1,i1,2015/08/04T11:02:52,Purchase\n\nu1,i2,1438687372\nbroken\nu2,i1,whenever\n',
  );
  writeFileSync(
    join(dir, 'b.log'),
    gzipSync(
      '{"user":"u2","item":"i2","rating":2,"timestamp":1438687372}\r\n' +
        '{"user":"u2","item":"i2","rating":3,"timestamp":1438687372}\n',
    ),
  );
  const bz = spawnSync('bzip2', ['-c'], { input: 'u3,i1,1438687372,,-1\nu3,i1,1438687372,RemoveShopCart\n' });
  const haveBz = bz.status === 0;
  if (haveBz) writeFileSync(join(dir, 'c.csv.bz2'), bz.stdout);
  const { model, report } = await trainFromPath(dir, {});
  assert.equal(report.files, haveBz ? 3 : 2);
  assert.equal(report.totalLines, haveBz ? 8 : 6);
  assert.equal(report.successfulLines, haveBz ? 6 : 4);
  assert.deepEqual(report.errors.MissingFields, { count: 1, sample: { file: 'a.csv', line: 5 } });
  assert.deepEqual(report.errors.BadTimestampFormat, { count: 1, sample: { file: 'a.csv', line: 6 } });
  const a = (u: string, i: string) => {
    const r = model.users.indexOf(u);
    for (let k = model.aff.rowPtr[r]; k < model.aff.rowPtr[r + 1]; k++)
      if (model.items[model.aff.cols[k]] === i) return model.aff.vals[k];
    return undefined;
  };
  assert.equal(a('u1', 'i1'), 4);
  assert.equal(a('u2', 'i2'), 5, 'repeated events are summed');
  if (haveBz) assert.equal(a('u3', 'i1'), -2);
  else t.diagnostic('bzip2 tool absent: the .bz2 part was not exercised');
});

test('more bad lines than --max-bad-lines, or no valid line, fails training with the report', async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = join(dir, 'e.csv');
  writeFileSync(f, 'u1,i1,1\nx\ny\nz\n');
  await assert.rejects(
    trainFromPath(f, {}, { maxBadLines: 2 }),
    (e) => isRecscoreError(e) && e.code === 'RECSCORE_SAR_TRAINING' && /3 bad lines/.test(e.message),
  );
  assert.equal((await trainFromPath(f, {}, { maxBadLines: 3 })).report.successfulLines, 1);
  writeFileSync(f, 'x\n');
  await assert.rejects(trainFromPath(f, {}), (e) => isRecscoreError(e) && /no valid event/.test(e.message));
  await assert.rejects(
    trainFromPath(join(dir, 'missing.csv'), {}),
    (e) => isRecscoreError(e) && e.code === 'RECSCORE_SAR_INPUT',
  );
  writeFileSync(f, Buffer.concat([gzipSync('u1,i1,1\n').subarray(0, 12)]));
  await assert.rejects(trainFromPath(f, {}), (e) => isRecscoreError(e) && e.code === 'RECSCORE_SAR_INPUT');
});

test('the fast path for canonical JSONL lines reads what JSON.parse reads', async () => {
  const fc = (await import('fast-check')).default;
  const id = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,20}$/);
  fc.assert(
    fc.property(
      id,
      id,
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer(),
      (user, item, rating, timestamp) => {
        const line = JSON.stringify({ user, item, rating, timestamp });
        assert.deepEqual(parseJsonLine(line), JSON.parse(line)); // (-0 is written as 0)
        // The same event with another key order goes through JSON.parse and must agree.
        assert.deepEqual(parseJsonLine(JSON.stringify({ timestamp, item, user, rating })), parseJsonLine(line));
      },
    ),
    { numRuns: 500, seed: 7 },
  );
});

test('multi-chunk files (plain and gzip) lose no line, and progress counts every byte once', async (t) => {
  const dir = tmp();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lines: string[] = [];
  for (let n = 0; n < 120_000; n++) lines.push(`user${n % 997},item${n % 131},${1_700_000_000 + n},Click`);
  const text = `${lines.join('\n')}\n`; // ~4.6 MB: several 1 MiB read chunks
  writeFileSync(join(dir, 'a.csv'), text);
  writeFileSync(join(dir, 'b.csv.gz'), gzipSync(text));
  const { statSync } = await import('node:fs');
  const total = statSync(join(dir, 'a.csv')).size + statSync(join(dir, 'b.csv.gz')).size;
  let last = 0;
  const { model, report } = await trainFromPath(
    dir,
    {},
    {
      onBytes: (read, all) => {
        assert.ok(read >= last && all === total);
        last = read;
      },
    },
  );
  assert.equal(last, total);
  assert.equal(report.successfulLines, 240_000);
  assert.equal(model.stats.events, 240_000);
  assert.equal(model.users.length, 997);
});
