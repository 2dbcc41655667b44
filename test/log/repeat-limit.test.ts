/**
 * Repeated warnings and errors are counted, not written (issue 10 #13: with Redis stopped every
 * client_has_addon request wrote one error line, 23k lines in 6 s).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, requestLogger, suppressedLogLines } from '../../src/log.js';
import { createMetrics } from '../../src/metrics/registry.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function capture(repeatWindowMs: number) {
  const lines: any[] = [];
  const log = createLogger({ t: 1 }, (l) => lines.push(JSON.parse(l)), { repeatWindowMs });
  return { lines, log };
}

describe('repeated log lines', () => {
  it('the first of a kind is written, repeats are counted, a summary follows when the window ends', async () => {
    const { lines, log } = capture(150);
    const before = suppressedLogLines().error;
    const child = log.child({ component: 'x' });
    for (let i = 0; i < 1_000; i++)
      (i % 2 ? log : child).error('request failed', { code: 'RECSCORE_PROFILE_STORE', path: `/p/${i}` });
    log.error('request failed', { code: 'RECSCORE_POOL' }); // another code: another kind
    // code from the error
    log.error('request failed', { error: Object.assign(new Error('x'), { code: 'RECSCORE_POOL' }) });
    log.info('info lines are not limited');
    log.info('info lines are not limited');
    assert.equal(lines.filter((l) => l.msg === 'request failed').length, 2);
    assert.equal(lines.filter((l) => l.msg === 'info lines are not limited').length, 2);
    assert.equal(suppressedLogLines().error - before, 1_000);
    await sleep(300);
    const summaries = lines.filter((l) => l.msg === 'repeated log lines suppressed');
    assert.deepEqual(summaries.map((s) => [s.level, s.repeated_msg, s.code, s.suppressed]).sort(), [
      ['error', 'request failed', 'RECSCORE_POOL', 1],
      ['error', 'request failed', 'RECSCORE_PROFILE_STORE', 999],
    ]);
    log.error('request failed', { code: 'RECSCORE_PROFILE_STORE' });
    assert.equal(lines.at(-1).msg, 'request failed', 'a new window writes the first line again');
  });

  it('the count is the metric recscore_log_suppressed_total', async () => {
    const metrics = createMetrics();
    const { log } = capture(60_000);
    const read = async () =>
      Number(/recscore_log_suppressed_total\{level="warn"\} (\d+)/.exec(await metrics.registry.metrics())?.[1]);
    const start = await read();
    for (let i = 0; i < 51; i++) log.warn('profile stage failed', { reason: 'profile-error' });
    assert.equal((await read()) - start, 50);
  });

  it("a request's logger puts its id on every line, its children's too, and shares the repeat window", () => {
    const { lines, log } = capture(60_000);
    const req = requestLogger(log, 'req-1');
    assert.equal(req.requestId, 'req-1');
    req.warn('inside', { code: 'X' });
    req.child({ stage: 'profile' }).error('deeper');
    req.info('no fields');
    log.warn('outside');
    req.warn('outside'); // a repeat of the root's kind: counted, not written
    assert.deepEqual(
      lines.map((l) => [l.msg, l.request_id, l.stage, l.code]),
      [
        ['inside', 'req-1', undefined, 'X'],
        ['deeper', 'req-1', 'profile', undefined],
        ['no fields', 'req-1', undefined, undefined],
        ['outside', undefined, undefined, undefined],
      ],
    );
  });
});

describe('default metric names', () => {
  it("are prom-client's own (no recscore_process_ prefix)", async () => {
    const text = await createMetrics({ defaultMetrics: true }).registry.metrics();
    assert.match(text, /^process_cpu_seconds_total /m);
    assert.match(text, /^nodejs_heap_size_used_bytes /m);
    assert.doesNotMatch(text, /recscore_process_/);
  });
});
