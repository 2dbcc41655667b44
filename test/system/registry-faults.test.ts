/**
 * Training faults through a real `recscore serve` (issue #13): a log of bad lines fails its model with the parse
 * report; kill -9 during training, then a restart: the model ends Completed or Failed with a reason, never stuck.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { haveVectors } from '../helpers/vectors.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, cli, dataDir, finished, killChildren, serve, until } from '../helpers/registry-serve.js';

describe('registry training faults', { skip: !haveVectors && 'vectors not found', timeout: 300_000 }, () => {
  after(killChildren);

  it('a log of bad lines fails its model with the parse report', async () => {
    const data = await dataDir();
    writeFileSync(join(data, 'bad.jsonl'), Array.from({ length: 300 }, (_, i) => `not json ${i}`).join('\n'));
    const s = await serve(data);
    try {
      const r = (await api(s.url, 'POST', '/api/models', { usage: 'bad.jsonl' })).json;
      const done = await finished(s.url, r.id);
      assert.equal(done.modelStatus, 'Failed');
      assert.match(done.modelStatusMessage, /RECSCORE_SAR_TRAINING/);
      assert.equal(done.statistics.parseReport.successfulLines, 0);
      assert.ok(Object.keys(done.statistics.parseReport.errors).length > 0);
    } finally {
      await s.stop();
    }
  });

  it('kill -9 during training, restart: the model ends Completed or Failed with a reason, never stuck', async () => {
    const data = await dataDir();
    const synth = await cli([
      'sar',
      'synth',
      '--users',
      '20000',
      '--items',
      '3000',
      '--events',
      '400000',
      '--out',
      join(data, 'big.jsonl'),
    ]);
    assert.equal(synth.code, 0, synth.stderr);
    const first = await serve(data);
    const r = (await api(first.url, 'POST', '/api/models', { usage: 'big.jsonl', supportThreshold: 1 })).json;
    await until('training to start', async () =>
      (await api(first.url, 'GET', `/api/models/${r.id}`)).json.modelStatus === 'InProgress' ? true : undefined,
    );
    await first.stop('SIGKILL');
    const second = await serve(data);
    try {
      const done = await finished(second.url, r.id);
      assert.ok(done.modelStatus === 'Completed' || /interrupted/i.test(done.modelStatusMessage), JSON.stringify(done));
      if (done.modelStatus === 'Completed') assert.equal(done.statistics.numberOfUsageEvents, 400_000);
      assert.match(second.err(), /training: (re-queued|failed) a lost job/, 'the restart found the lost job');
    } finally {
      await second.stop();
    }
  });
});
