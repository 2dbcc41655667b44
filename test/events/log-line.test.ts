/**
 * The hand-written log line encoder and the aggregates of an answer's impression must be exact: the
 * encoder's text parses to what JSON.stringify of the stored events would, and one impression event with
 * `items` (and `item_variants`) leaves the same counts and sketches as one event per listed item would.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Aggregates } from '../../src/events/aggregates.js';
import { DEFAULT_COMBOS, parseCombos } from '../../src/events/dimensions.js';
import type { PostedEvent } from '../../src/events/event.js';
import { encodeLine } from '../../src/events/log-line.js';
import { impressionOf } from '../../src/events/served-log.js';

const odd = ['a"b', 'back\\slash', 'ünïcödé', 'line\nbreak', '\u2028'];

function sample(): PostedEvent[] {
  const ts = Date.UTC(2026, 11, 4, 12);
  const out: PostedEvent[] = [];
  for (let a = 0; a < 6; a++) {
    out.push(
      impressionOf({
        request_id: a % 2 ? `req-${a}` : undefined,
        client_id: `c${a % 3}`,
        model_version: 'v1',
        served_by: a % 2 ? 'ensemble' : 'fallback',
        reason: a === 2 ? 'breaker_open' : undefined,
        locale: a % 3 ? odd[a % odd.length] : undefined,
        items: Array.from({ length: 4 }, (_, i) => `{item-${(a + i) % 5}${i === 1 ? odd[a % odd.length] : ''}}`),
        variant: a % 2 ? 'exp:a' : undefined,
        item_variants: a === 3 ? ['', 'exp:b', 'exp:b', ''] : undefined,
        ts: ts + a,
      }),
    );
    out.push({ type: 'click', client_id: `c${a}`, ts, item: 'x', weight: -2.5, context: { os: 'Linux' } });
    out.push({ type: 'purchase', client_id: `c${a}`, ts, weight: 0.125 });
  }
  return out;
}

describe('encodeLine', () => {
  it('parses to the stored events JSON.stringify would write, ids b:0…', () => {
    const events = sample();
    for (const k of [null, 'key-1']) {
      const text = encodeLine('0f6c2a1e-8c1b-4a57-9d3e-000000000001', k, 1234, events);
      assert.ok(text.endsWith('}\n'));
      assert.equal(text.indexOf('\n'), text.length - 1, 'one line');
      const b = '0f6c2a1e-8c1b-4a57-9d3e-000000000001';
      const expected = JSON.parse(
        JSON.stringify({ b, k, r: 1234, e: events.map((e, i) => ({ id: `${b}:${i}`, ...e })) }),
      );
      assert.deepEqual(JSON.parse(text), expected);
    }
  });
});

/** An answer's impression as one event per listed item, each with its item, position and variant. */
function perItem(events: readonly PostedEvent[]): PostedEvent[] {
  return events.flatMap((e) => {
    if (e.items === undefined) return [e];
    const { items, item_variants, ...rest } = e;
    return items.map((item, position) => {
      const own = item_variants?.[position];
      return { ...rest, item, position, context: own ? { ...e.context, variant: own } : e.context };
    });
  });
}

describe('Aggregates of an answer impression (items)', () => {
  it('equals one event per listed item: counts and distinct per combination', () => {
    const events = sample();
    assert.ok(events.some((e) => e.item_variants !== undefined));
    const extra = parseCombos('locale+item;served_by+os;variant+locale').slice(1); // less 'none'
    const combos = [...DEFAULT_COMBOS, ...extra];
    const one = new Aggregates(combos);
    one.addAll(perItem(events));
    const all = new Aggregates(combos);
    all.addAll(events);
    const days = ['2026-12-04'];
    const types = ['impression', 'click', 'purchase'];
    for (const combo of combos) {
      assert.deepEqual(all.counts(days, combo), one.counts(days, combo), combo.join('+'));
      for (const [tuple] of one.counts(days, combo)) {
        for (const t of types) {
          const m = (x: string) => x === tuple;
          assert.equal(all.distinct([t], days, combo, m), one.distinct([t], days, combo, m));
        }
      }
    }
    const impressions = all.counts(days, [])?.get('[]')?.get('impression');
    assert.equal(impressions, 6 * 4, 'one impression per listed item');
    const cells = (a: Aggregates) =>
      [...a.cells()].map((c) => [
        c.day,
        c.combo,
        c.tuple,
        c.type,
        c.count,
        Buffer.from(c.sketch.toCompact()).toString('hex'),
      ]);
    assert.deepEqual(cells(all).sort(), cells(one).sort());
    for (const a of [one, all]) {
      assert.equal(
        a.bytes,
        a.memory().reduce((s, m) => s + m.bytes, 0),
        'byte total = the sketches held',
      );
    }
  });

  it('keeps the byte total right while sketches grow from sparse to dense', () => {
    const agg = new Aggregates([[], ['served_by']]);
    for (let i = 0; i < 20_000; i++) {
      agg.add({ type: 'click', client_id: `g${i}`, ts: 0, context: { served_by: i % 3 ? 'a' : 'b' } });
    }
    assert.equal(
      agg.bytes,
      agg.memory().reduce((s, m) => s + m.bytes, 0),
    );
    assert.equal(agg.bytes, 3 * 16_384, 'three dense sketches');
  });

  it('counts an answer over the tuple cap as overflow, item by item', () => {
    const e = impressionOf({ client_id: 'c', model_version: 'v', served_by: 's', items: ['a', 'b', 'c'], ts: 0 });
    const agg = new Aggregates([[], ['served_by']], { maxTuplesPerDay: 0 });
    agg.add(e);
    assert.equal(agg.overflowed, 6);
  });
});

describe('postedEventSchema', () => {
  it('is exported and turns into a JSON Schema (the OpenAPI document is generated from it)', async () => {
    const { z } = await import('zod/v4');
    const { postedEventSchema } = await import('../../src/events/event.js');
    const json = z.toJSONSchema(postedEventSchema) as {
      properties: Record<string, unknown>;
      additionalProperties: boolean;
    };
    assert.deepEqual(Object.keys(json.properties).sort(), [
      'client_id',
      'context',
      'item',
      'position',
      'request_id',
      'timestamp',
      'type',
      'weight',
    ]);
    assert.equal(json.additionalProperties, false);
  });
});
