/**
 * The embedded store's snapshot: its aggregates and idempotency keys as of given byte offsets of the day
 * logs, so that opening the store reads only the log written after the snapshot instead of all of it. The
 * log stays the truth: a missing, unreadable or inconsistent snapshot only means a full rebuild.
 *
 * File `<dir>/aggregates.snapshot`, JSON lines, replaced atomically (write temp, fsync, rename):
 *   {"v":3,"positions":{"<arrival day>":<bytes applied>,…},"keys":[[key,at,batch,n],…]}
 *   [day, combination, tuple, type, count, base64 of HllSketch.toCompact()]   (one line per cell)
 *   {"s":[day, client, [[item, impressions], …]]}                            (one line per client and day:
 *                                                                              shown.ts, least recent first)
 *   {"u":[day, client, [[item, usage weight], …]]}                          (recent(): the same, per client)
 * An older snapshot (v1 before the shown counts, v2 before the recent ones) is not used: the full rebuild
 * then counts them too.
 */
import { open, readFile, rename } from 'node:fs/promises';
import { HllSketch } from './hll/sketch.js';

export interface SnapshotKey {
  key: string;
  at: number;
  batch: string;
  n: number;
}

export interface SnapshotCell {
  day: string;
  combo: string;
  tuple: string;
  type: string;
  count: number;
  sketch: HllSketch;
}

export interface SnapshotShown {
  day: string;
  client: string;
  items: Array<[string, number]>;
}

export interface Snapshot {
  positions: Record<string, number>;
  keys: SnapshotKey[];
  cells: SnapshotCell[];
  shown: SnapshotShown[];
  recent: SnapshotShown[];
}

/** Serializes synchronously (a consistent view of state in this tick), then writes the bytes. */
export function encodeSnapshot(
  positions: Record<string, number>,
  keys: Iterable<SnapshotKey>,
  cells: Iterable<SnapshotCell>,
  shown: Iterable<SnapshotShown> = [],
  recent: Iterable<SnapshotShown> = [],
) {
  const parts: string[] = [
    JSON.stringify({ v: 3, positions, keys: [...keys].map((k) => [k.key, k.at, k.batch, k.n]) }),
  ];
  for (const c of cells) {
    parts.push(
      JSON.stringify([c.day, c.combo, c.tuple, c.type, c.count, Buffer.from(c.sketch.toCompact()).toString('base64')]),
    );
  }
  for (const c of shown) parts.push(JSON.stringify({ s: [c.day, c.client, c.items] }));
  for (const c of recent) parts.push(JSON.stringify({ u: [c.day, c.client, c.items] }));
  return Buffer.from(parts.join('\n') + '\n');
}

export async function writeSnapshot(path: string, bytes: Buffer): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`; // two processes on one dir never share a temp file
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
}

/** The snapshot at `path`, or null when there is none; throws on any inconsistency (caller rebuilds). */
export async function readSnapshot(path: string): Promise<Snapshot | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  if (!text.endsWith('\n')) throw new Error('snapshot is truncated');
  const lines = text.slice(0, -1).split('\n');
  const head = JSON.parse(lines[0]) as { v: number; positions: Record<string, number>; keys: unknown[] };
  if (head.v !== 3 || typeof head.positions !== 'object' || !Array.isArray(head.keys))
    throw new Error('snapshot header');
  const keys = head.keys.map((k) => {
    const [key, at, batch, n] = k as [string, number, string, number];
    if (typeof key !== 'string' || typeof batch !== 'string' || !Number.isInteger(n)) throw new Error('snapshot key');
    return { key, at, batch, n };
  });
  const cells: SnapshotCell[] = [];
  const shown: SnapshotShown[] = [];
  const recent: SnapshotShown[] = [];
  for (const line of lines.slice(1)) {
    const row = JSON.parse(line) as unknown;
    if (!Array.isArray(row)) {
      const r = row as { s?: [string, string, Array<[string, number]>]; u?: [string, string, Array<[string, number]>] };
      const [day, client, items] = r.s ?? r.u ?? [];
      if (typeof day !== 'string' || typeof client !== 'string' || !Array.isArray(items))
        throw new Error('snapshot shown');
      (r.s ? shown : recent).push({ day, client, items });
      continue;
    }
    const [day, combo, tuple, type, count, b64] = row as [string, string, string, string, number, string];
    if (typeof b64 !== 'string' || !Number.isInteger(count)) throw new Error('snapshot cell');
    cells.push({ day, combo, tuple, type, count, sketch: HllSketch.fromCompact(Buffer.from(b64, 'base64')) });
  }
  return { positions: head.positions, keys, cells, shown, recent };
}
