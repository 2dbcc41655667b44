/**
 * The embedded log's unsynced appends (the served log's): a group of only unsynced lines is written
 * without an fdatasync, a group holding one synced line (a posted batch) is synced, and every line is
 * readable either way.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { dayOf } from '../../src/events/day.js';
import { JsonlLog } from '../../src/events/jsonl-log.js';
import { encodeLine } from '../../src/events/log-line.js';
import { createLogger } from '../../src/log.js';

const dir = mkdtempSync(join(tmpdir(), 'recscore-jsonl-sync-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('JsonlLog sync option', () => {
  it('syncs a group only when one of its lines asks for it', async () => {
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const original = proto.datasync;
    let syncs = 0;
    proto.datasync = function (this: unknown) {
      syncs++;
      return original.call(this);
    };
    try {
      const log = new JsonlLog(
        join(dir, 'events'),
        createLogger({}, () => {}),
      );
      await log.init();
      const now = Date.now();
      const line = (b: string) => encodeLine(b, null, now, [{ type: 'click', client_id: b, ts: now }]);
      await log.append(now, line('u1'), false);
      await Promise.all([log.append(now, line('u2'), false), log.append(now, line('u3'), false)]);
      assert.equal(syncs, 0, 'unsynced lines alone: no fdatasync');
      await log.append(now, line('s1'));
      assert.equal(syncs, 1, 'a synced line is synced');
      const before = syncs;
      await Promise.all([log.append(now, line('u4'), false), log.append(now, line('s2'))]);
      assert.ok(syncs > before, 'a group with a synced line is synced');
      await log.close();
      const ids = [];
      for await (const l of log.lines(dayOf(now))) ids.push(l.e[0].client_id);
      assert.deepEqual(ids, ['u1', 'u2', 'u3', 's1', 'u4', 's2']);
    } finally {
      proto.datasync = original;
    }
  });
});
