/**
 * The WASM ensemble (assembly/ensemble.ts + the bucket top-k of assembly/select.ts) against the TypeScript
 * ensemble (src/kernel/ensemble.ts, run by the ReferenceKernel): identical GUID ids and bit-identical
 * sums for random lists — duplicates inside a list, GUIDs shared by lists, exact ties, weights crowded
 * into one bucket next to an outlier, installed GUIDs, several limits at once.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { EnsembleInput, Ranked } from '../../src/kernel/kernel.js';
import { ReferenceKernel } from '../../src/kernel/reference.js';
import { WasmKernel } from '../../src/kernel/wasm-kernel.js';
import { packModel } from '../../src/kernel/taar-model.js';
import { modelSetArb } from './model-arbitrary.js';
import { tinySet } from './tiny-model.js';

const RUNS = Number(process.env.RECSCORE_FC_RUNS ?? 100);
const SEED = process.env.RECSCORE_FC_SEED === undefined ? undefined : Number(process.env.RECSCORE_FC_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

const bits = (w: Float64Array) => Array.from(new BigUint64Array(w.buffer, w.byteOffset, w.length));

const weightArb = fc.oneof(
  fc.constantFrom(0, -0, 1, 2, 0.5, -1, 0.1, 0.2, 0.3),
  fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }),
);
const coefficientArb = fc.constantFrom(0.795328486, 0.0171285646, 11.9030110946, 1, 0.1, 0);

interface ListSpec {
  entries: Array<[number, number]>;
  coefficient: number;
  crowd: boolean;
}
const listSpecArb = fc.option(
  fc.record({
    entries: fc.array(fc.tuple(fc.nat(), weightArb), { maxLength: 80 }),
    coefficient: coefficientArb,
    crowd: fc.boolean(),
  }),
  { freq: 5 },
);

/** `crowd`: distinct weights within 1e-9 of each other plus one outlier, so one bucket holds them all. */
function toList(spec: ListSpec, nGuids: number): EnsembleInput {
  const ids = Int32Array.from(spec.entries, ([g]) => g % nGuids);
  const weights = Float64Array.from(spec.entries, ([, w], i) =>
    spec.crowd ? (i === 0 ? 1e6 : 1 + ((w * 1e6) % 1) * 1e-9) : w,
  );
  return { list: { ids, weights }, coefficient: spec.coefficient };
}

describe('WASM ensemble = TypeScript ensemble on random lists', { timeout: 120_000 }, () => {
  test('ids and weight bits agree for every limit', () => {
    const seen = { nonEmpty: 0, ties: 0, installedDropped: 0, cut: 0 };
    fc.assert(
      fc.property(
        modelSetArb,
        fc.array(
          fc.tuple(
            fc.tuple(listSpecArb, listSpecArb, listSpecArb),
            fc.array(fc.nat(), { maxLength: 8 }),
            fc.nat(6),
            fc.array(fc.nat(90), { minLength: 1, maxLength: 3 }),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        (set, queries) => {
          const model = packModel(set, 'fc-ensemble');
          const wasm = new WasmKernel(model.memory);
          const ref = new ReferenceKernel(model);
          for (const [specs, inst, extraInstalled, limits] of queries) {
            const lists = specs.map((s) => (s ? toList(s, model.nGuids) : undefined));
            const installed = new Set(inst.map((g) => g % model.nGuids));
            const installedCount = installed.size + extraInstalled;
            const a = wasm.ensemble(lists, installed, installedCount, limits);
            const b = ref.ensemble(lists, installed, installedCount, limits);
            assert.equal(a.length, limits.length);
            limits.forEach((limit, i) => {
              const what =
                `limit ${limit}, installed ${[...installed]} (+${extraInstalled}), ` + `lists ${JSON.stringify(specs)}`;
              assert.deepEqual(Array.from(a[i].ids), Array.from(b[i].ids), `${what}: ids`);
              assert.deepEqual(bits(a[i].weights), bits(b[i].weights), `${what}: weight bits`);
              note(a[i], lists, installed, limit + installedCount, seen);
            });
          }
        },
      ),
      params,
    );
    for (const [what, n] of Object.entries(seen)) assert.ok(n > 0, `no run reached: ${what}`);
  });
});

describe('WASM ensemble = TypeScript ensemble with hundreds of candidates', { timeout: 120_000 }, () => {
  // 400 GUIDs whose id order differs from their code-point order (the tie-break)
  const guids = Array.from({ length: 400 }, (_, i) => `g${(i * 7919) % 1000}`);
  const model = packModel(
    tinySet({ locale: new Map([['xx', guids.map((g, i): [string, number] => [g, i])]]) }),
    'fc-ensemble-big',
  );
  const wasm = new WasmKernel(model.memory);
  const ref = new ReferenceKernel(model);
  const bigListArb = fc.record({
    entries: fc.array(fc.tuple(fc.nat(), weightArb), { minLength: 50, maxLength: 300 }),
    coefficient: coefficientArb,
    crowd: fc.boolean(),
  });

  test('crowded buckets, long exact-tie runs, partial bucket cuts', () => {
    const seen = { nonEmpty: 0, ties: 0, installedDropped: 0, cut: 0, bigBucket: 0 };
    fc.assert(
      fc.property(
        fc.tuple(fc.option(bigListArb), fc.option(bigListArb), fc.option(bigListArb)),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.array(fc.nat(320), { minLength: 1, maxLength: 3 }),
        (specs, inst, limits) => {
          const lists = specs.map((s) => (s ? toList(s, model.nGuids) : undefined));
          const installed = new Set(inst.map((g) => g % model.nGuids));
          const a = wasm.ensemble(lists, installed, installed.size, limits);
          const b = ref.ensemble(lists, installed, installed.size, limits);
          limits.forEach((limit, i) => {
            assert.deepEqual(Array.from(a[i].ids), Array.from(b[i].ids), `limit ${limit}: ids`);
            assert.deepEqual(bits(a[i].weights), bits(b[i].weights), `limit ${limit}: weight bits`);
            note(a[i], lists, installed, limit + installed.size, seen);
          });
        },
      ),
      { ...params, numRuns: Math.max(20, RUNS / 2) },
    );
    for (const [what, n] of Object.entries(seen)) assert.ok(n > 0, `no run reached: ${what}`);
  });
});

function note(
  r: Ranked,
  lists: EnsembleInput[],
  installed: Set<number>,
  perList: number,
  seen: Record<string, number>,
): void {
  if (r.ids.length) seen.nonEmpty++;
  if (r.weights.some((w, i) => i > 0 && w === r.weights[i - 1])) seen.ties++;
  const listed = lists.flatMap((l) => (l ? Array.from(l.list.ids).slice(0, perList) : []));
  if (listed.some((g) => installed.has(g))) seen.installedDropped++;
  if (lists.some((l) => l && l.list.ids.length > perList)) seen.cut++;
  if (r.ids.length > 48 && lists.some((l) => l && l.list.weights[0] === 1e6)) seen.bigBucket++;
}
