/**
 * Batch views of the event log (`recscore events export`):
 *   jsonl    one stored event per line, as the log holds it
 *   parquet  one row per event (hyparquet-writer, row groups of 100k so memory stays bounded); `context`,
 *            and an answer's impression's `items` and `item_variants`, are JSON columns. Spark, DuckDB and
 *            BigQuery read it.
 *   csv      the Product Recommendations usage format `userId,itemId,time,,weight`: events with an item
 *            and a positive weight (the event's own, else its type's), time as YYYY/MM/DDTHH:MM:SS UTC.
 *            An answer's impression (`items`) is expanded, one row per listed item: a usage row names one
 *            item, and that is what it would have been as one posted impression per item (it only appears
 *            when impressions are weighted: their default weight is 0).
 * Each event has a unique id; with Idempotency-Key the log holds each acknowledged event once, without
 * one a retried batch appears twice with different ids (at-least-once): dedupe by (batch content) is the
 * consumer's choice then.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { ParquetWriter, fileWriter, schemaFromColumnData } from 'hyparquet-writer';
import { itemsOf, type StoredEvent } from './event.js';

export type ExportFormat = 'jsonl' | 'parquet' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'parquet', 'csv'];
const ROW_GROUP = 100_000;

async function put(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

export async function exportJsonl(events: AsyncIterable<StoredEvent>, out: Writable): Promise<number> {
  let n = 0;
  for await (const e of events) {
    await put(out, JSON.stringify(e) + '\n');
    n++;
  }
  return n;
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `2026/12/04T18:09:24`: the usage file's time format, UTC. */
export function usageTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}T${iso.slice(11, 19)}`;
}

export async function exportCsv(
  events: AsyncIterable<StoredEvent>,
  out: Writable,
  weights: ReadonlyMap<string, number>,
): Promise<number> {
  let n = 0;
  for await (const e of events) {
    const w = e.weight ?? weights.get(e.type) ?? 0;
    if (!(w > 0)) continue;
    for (const item of itemsOf(e)) {
      await put(out, `${csvField(e.client_id)},${csvField(item)},${usageTime(e.ts)},,${w}\n`);
      n++;
    }
  }
  return n;
}

type Columns = {
  id: string[];
  type: string[];
  client_id: string[];
  ts: bigint[];
  item: (string | null)[];
  items: (string | null)[];
  item_variants: (string | null)[];
  request_id: (string | null)[];
  position: (number | null)[];
  weight: (number | null)[];
  context: (string | null)[];
};

function emptyColumns(): Columns {
  return {
    id: [],
    type: [],
    client_id: [],
    ts: [],
    item: [],
    items: [],
    item_variants: [],
    request_id: [],
    position: [],
    weight: [],
    context: [],
  };
}

function columnData(c: Columns) {
  return [
    { name: 'id', data: c.id, type: 'STRING' as const, nullable: false },
    { name: 'type', data: c.type, type: 'STRING' as const, nullable: false },
    { name: 'client_id', data: c.client_id, type: 'STRING' as const, nullable: false },
    { name: 'ts', data: c.ts, type: 'TIMESTAMP' as const, nullable: false },
    { name: 'item', data: c.item, type: 'STRING' as const },
    { name: 'items', data: c.items, type: 'JSON' as const },
    { name: 'item_variants', data: c.item_variants, type: 'JSON' as const },
    { name: 'request_id', data: c.request_id, type: 'STRING' as const },
    { name: 'position', data: c.position, type: 'INT32' as const },
    { name: 'weight', data: c.weight, type: 'DOUBLE' as const },
    { name: 'context', data: c.context, type: 'JSON' as const },
  ];
}

export async function exportParquet(events: AsyncIterable<StoredEvent>, file: string): Promise<number> {
  const writer = new ParquetWriter({
    writer: fileWriter(file),
    schema: schemaFromColumnData({ columnData: columnData(emptyColumns()) }),
  });
  let cols = emptyColumns();
  let n = 0;
  const flush = async () => {
    if (cols.id.length > 0) await writer.write({ columnData: columnData(cols), rowGroupSize: ROW_GROUP });
    cols = emptyColumns();
  };
  for await (const e of events) {
    cols.id.push(e.id);
    cols.type.push(e.type);
    cols.client_id.push(e.client_id);
    cols.ts.push(BigInt(e.ts));
    cols.item.push(e.item ?? null);
    cols.items.push(e.items ? JSON.stringify(e.items) : null);
    cols.item_variants.push(e.item_variants ? JSON.stringify(e.item_variants) : null);
    cols.request_id.push(e.request_id ?? null);
    cols.position.push(e.position ?? null);
    cols.weight.push(e.weight ?? null);
    cols.context.push(e.context ? JSON.stringify(e.context) : null);
    if (++n % ROW_GROUP === 0) await flush();
  }
  await flush();
  await writer.finish();
  return n;
}
