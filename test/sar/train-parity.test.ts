/**
 * Training parity with the SAR vectors (SPEC §3–§5, §9): affinities with and without decay, raw logs
 * with repeated pairs, item frequencies, and all seven similarity rows at both thresholds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainFromPath } from '../../src/model/kinds/sar/train/train.js';
import type { Csr, SarModel, SarParams } from '../../src/model/kinds/sar/types.js';
import { sparseDifference } from './compare.js';
import { readVectorJsonl, SLUG_TO_TYPE, vectorPath } from './vectors.js';

const DECAY: Partial<SarParams> = { decayHalfLifeDays: 30 };

async function fit(data: string, params: Partial<SarParams>): Promise<SarModel> {
  return (await trainFromPath(vectorPath(data), params)).model;
}

function row(m: SarModel, csr: Csr, r: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let k = csr.rowPtr[r]; k < csr.rowPtr[r + 1]; k++) out.set(m.items[csr.cols[k]], csr.vals[k]);
  return out;
}

function checkAffinity(m: SarModel, file: string): void {
  const expected = readVectorJsonl<{ user: string; a: Array<[string, number]> }>(file);
  assert.equal(m.users.length, expected.length, `${file}: user count`);
  for (const rec of expected) {
    const u = m.users.indexOf(rec.user);
    assert.ok(u >= 0, `${file}: user ${rec.user} missing`);
    const diff = sparseDifference(row(m, m.aff, u), new Map(rec.a));
    assert.equal(diff, undefined, `${file}: user ${rec.user}: ${diff}`);
    assert.equal(m.aff.rowPtr[u + 1] - m.aff.rowPtr[u], rec.a.length, `${file}: user ${rec.user}: seen pairs`);
  }
}

test('affinity without decay equals affinity/decay0', async () =>
  checkAffinity(await fit('data/train.jsonl', {}), 'affinity/decay0.jsonl'));
test('affinity with 30-day decay equals affinity/decay1', async () =>
  checkAffinity(await fit('data/train.jsonl', DECAY), 'affinity/decay1.jsonl'));
test('repeated raw events are summed (raw_d0)', async () =>
  checkAffinity(await fit('data/raw_events.jsonl', {}), 'affinity/raw_d0.jsonl'));
test('repeated raw events are decayed then summed (raw_d1)', async () =>
  checkAffinity(await fit('data/raw_events.jsonl', DECAY), 'affinity/raw_d1.jsonl'));

test('item frequencies at both thresholds', async () => {
  for (const rec of readVectorJsonl<{ thr: number; freq: Record<string, number> }>('item_frequencies.jsonl')) {
    const m = await fit('data/train.jsonl', { threshold: rec.thr });
    assert.equal(m.items.length, Object.keys(rec.freq).length);
    m.items.forEach((it, i) => assert.equal(m.itemFreq[i], rec.freq[it], `thr ${rec.thr} item ${it}`));
  }
});

for (const thr of [1, 3]) {
  test(`similarity rows of all seven types at threshold ${thr}`, async () => {
    const expected = readVectorJsonl<Record<string, unknown> & { i: string; j: string[] }>(
      `sim/t${thr}.jsonl${thr === 1 ? '.gz' : ''}`,
    );
    for (const [slug, type] of Object.entries(SLUG_TO_TYPE)) {
      const m = await fit('data/train.jsonl', { similarity: type as SarParams['similarity'], threshold: thr });
      for (const rec of expected) {
        const i = m.items.indexOf(rec.i);
        const vals = rec[slug] as number[];
        const diff = sparseDifference(row(m, m.sim, i), new Map(rec.j.map((j, k) => [j, vals[k]])));
        assert.equal(diff, undefined, `${slug} t${thr} row ${rec.i}: ${diff}`);
        // Stored entries are exactly the c_ij ≥ threshold pattern (MI may store an exact 0 there).
        assert.equal(
          m.sim.rowPtr[i + 1] - m.sim.rowPtr[i],
          rec.j.length,
          `${slug} t${thr} row ${rec.i}: stored entries`,
        );
      }
    }
  });
}
