import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { abortable, raceDeadline, settlesWithin, withDeadline } from '../src/deadline.js';

const expired = () => new Error('expired');
const never = () => new Promise<never>(() => {});

describe('withDeadline', () => {
  it('aborts the work signal with the expired error and rejects at the deadline', async () => {
    let seen: AbortSignal | undefined;
    const started = performance.now();
    const keepAlive = setTimeout(() => {}, 1_000);
    await assert.rejects(
      withDeadline(20, (s) => ((seen = s), never()), { expired }),
      /expired/,
    );
    clearTimeout(keepAlive);
    assert.ok(performance.now() - started < 500);
    assert.equal(seen?.aborted, true);
    assert.match(String(seen?.reason), /expired/);
  });

  it('a caller abort rejects with its reason, aborts the work signal; an aborted caller starts nothing', async () => {
    const ac = new AbortController();
    let seen: AbortSignal | undefined;
    const p = withDeadline(10_000, (s) => ((seen = s), never()), { expired, signal: ac.signal });
    ac.abort(new Error('caller gone'));
    await assert.rejects(p, /caller gone/);
    assert.equal(seen?.aborted, true);
    let ran = false;
    await assert.rejects(
      withDeadline(10_000, async () => (ran = true), { expired, signal: ac.signal }),
      /caller gone/,
    );
    assert.equal(ran, false);
  });

  it('passes a result in time; a budget ≤ 0 expires without running the work; a sync throw rejects', async () => {
    assert.equal(await withDeadline(1_000, async () => 5, { expired }), 5);
    let ran = false;
    await assert.rejects(
      withDeadline(0, async () => (ran = true), { expired }),
      /expired/,
    );
    assert.equal(ran, false);
    await assert.rejects(
      withDeadline(
        1_000,
        () => {
          throw new Error('sync');
        },
        { expired },
      ),
      /sync/,
    );
  });
});

describe('raceDeadline and settlesWithin', () => {
  it('rejects at the deadline while the work runs on, and swallows its late failure', async () => {
    let finished = false;
    const work = () =>
      sleep(80).then(() => {
        finished = true;
        throw new Error('late');
      });
    await assert.rejects(raceDeadline(20, work, expired), /expired/);
    assert.equal(finished, false);
    await sleep(120);
    assert.equal(finished, true);
  });

  it('says whether a promise fulfilled in time, never rejects', async () => {
    assert.equal(await settlesWithin(100, sleep(5)), true);
    assert.equal(await settlesWithin(20, sleep(200)), false);
    assert.equal(await settlesWithin(100, Promise.reject(new Error('x'))), false);
  });
});

describe('abortable', () => {
  it('rejects with the mapped reason when the signal aborts, and swallows the late failure', async () => {
    const ac = new AbortController();
    const late = sleep(50).then(() => {
      throw new Error('late');
    });
    const p = abortable(late, ac.signal, () => new Error('aborted read'));
    ac.abort();
    await assert.rejects(p, /aborted read/);
    assert.equal(await abortable(Promise.resolve(3), ac.signal).catch((e: Error) => e.name), 'AbortError');
    assert.equal(await abortable(Promise.resolve(4), undefined), 4);
    await sleep(80); // the late rejection settled without an unhandled rejection failing the run
  });
});
