/**
 * kill -9 of a real `recscore serve` while clients post events: after a restart on the same data dir, and
 * the clients' retries of the batches whose answer they never got (same Idempotency-Key), every event is
 * in the log exactly once and the rebuilt counts equal a sketch of exactly those clients.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Agent, request } from 'undici';
import { createLogger } from '../../src/log.js';
import { dayOf } from '../../src/events/day.js';
import { Redis } from 'ioredis';
import { EmbeddedEventStore } from '../../src/events/embedded-store.js';
import { createEventStore } from '../../src/events/create-store.js';
import type { EventStore } from '../../src/events/store.js';
import { HllSketch } from '../../src/events/hll/sketch.js';
import { CLI } from '../parity/run-cli.js';
import { vectorServeArgs } from '../helpers/vectors.js';
import { listeningUrl } from '../helpers/serve-child.js';

const dir = mkdtempSync(join(tmpdir(), 'recscore-events-kill-'));
const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function serve(extraEnv: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...vectorServeArgs('off'), '--reload-interval', '0'], {
    env: { ...process.env, RECSCORE_DATA_DIR: dir, RECSCORE_LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const url = await listeningUrl(child, 60_000);
  return { child, url };
}

interface Batch {
  key: string;
  ids: string[];
}

const prefix = `recscore-test:events-kill:${process.pid}:`;
const MODES: Array<[string, Record<string, string>, () => Promise<EventStore>]> = [
  ['embedded', {}, () => EmbeddedEventStore.open(dir, { rebuild: false, logger: createLogger({}, () => {}) })],
  [
    'redis',
    { RECSCORE_EVENTS: 'redis://127.0.0.1:6379', RECSCORE_EVENT_PREFIX: prefix },
    () => createEventStore('redis://127.0.0.1:6379', { prefix, logger: createLogger({}, () => {}) }),
  ],
];

after(async () => {
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('durability of acknowledged events', { timeout: 180_000 }, () => {
  for (const [mode, env, open] of MODES) {
    it(`${mode}: kill -9 while posting: every acknowledged event once after restart, counts rebuilt`, async (t) => {
      const agent = new Agent({ connections: 8, headersTimeout: 10_000, bodyTimeout: 10_000 });
      const post = async (url: string, b: Batch) => {
        const res = await request(`${url}/v1/events`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json', 'idempotency-key': b.key },
          body: JSON.stringify(
            b.ids.map((id, i) => ({ type: i % 3 ? 'impression' : 'click', client_id: id, context: { locale: 'de' } })),
          ),
        });
        const body = (await res.body.json()) as { accepted?: number };
        if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
        return body;
      };

      const a = await serve(env);
      const acked: Batch[] = [];
      const unknown: Batch[] = [];
      let killed = false;
      const loop = async (n: number) => {
        for (let j = 0; !killed; j++) {
          const b = { key: `L${n}-${j}`, ids: Array.from({ length: 40 }, (_, i) => `u${n}x${j}x${i}`) };
          try {
            const r = await post(a.url, b);
            assert.equal(r.accepted, 40);
            acked.push(b);
          } catch {
            unknown.push(b); // no answer: the client does not know whether it was written
            return;
          }
        }
      };
      const loops = [0, 1, 2, 3].map(loop);
      while (acked.length < 60) await new Promise((r) => setTimeout(r, 10));
      a.child.kill('SIGKILL');
      killed = true;
      await Promise.all(loops);
      await new Promise((r) =>
        a.child.exitCode !== null || a.child.signalCode !== null ? r(null) : a.child.once('exit', r),
      );
      assert.ok(acked.length >= 60);
      assert.ok(unknown.length >= 1, 'the kill interrupted requests in flight');

      const b = await serve(env);
      for (const batch of unknown) assert.equal((await post(b.url, batch)).accepted, 40); // the clients' retries
      // a replay of answered batches, as after a lost answer
      for (const batch of acked.slice(0, 5)) assert.equal((await post(b.url, batch)).accepted, 40);

      const expected = new Set([...acked, ...unknown].flatMap((x) => x.ids));
      const today = dayOf(Date.now());
      const res = await request(`${b.url}/v1/stats/distinct?from=${today}&to=${today}`, { dispatcher: agent });
      const distinct = ((await res.body.json()) as { distinct: number }).distinct;
      b.child.kill('SIGTERM');
      await new Promise((r) => b.child.once('exit', r));
      await agent.close();

      const seen = new Map<string, number>();
      const store = await open();
      for await (const e of store.read(today, today)) seen.set(e.client_id, (seen.get(e.client_id) ?? 0) + 1);
      await store.close();
      assert.equal(seen.size, expected.size, 'no event lost, none invented');
      for (const id of expected) assert.equal(seen.get(id), 1, `${id} stored exactly once`);
      const sketch = new HllSketch();
      for (const id of expected) sketch.add(id);
      assert.equal(distinct, sketch.count(), 'distinct count rebuilt from the log');
      t.diagnostic(
        `acknowledged batches ${acked.length}, unanswered at the kill ${unknown.length}, events ${expected.size}`,
      );
    });
  }
});
