import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng, float32Shortest, javaFloatText } from '../../src/model/synth/index.js';

/** The reference definition: fewest digits p whose toPrecision(p) rounds back to the same float32. */
function reference(x: number): number {
  const f = Math.fround(x);
  if (f === 0) return f;
  let p = 1;
  while (p < 9 && Math.fround(Number(f.toPrecision(p))) !== f) p++;
  return Number(f.toPrecision(p));
}

test('float32Shortest gives the shortest decimal that round-trips as float32', () => {
  assert.equal(float32Shortest(0.1), 0.1);
  assert.equal(float32Shortest(Math.fround(0.1)), 0.1);
  assert.equal(float32Shortest(-0.20533349), -0.20533349);
  assert.equal(float32Shortest(1e-4), 1e-4);
  assert.equal(float32Shortest(0), 0);
  assert.equal(float32Shortest(1 / 3), 0.33333334);
});

test('float32Shortest agrees with the toPrecision reference on random values and bit patterns', () => {
  const prng = new Prng(7, 'float-test');
  const bits = new Uint32Array(1);
  const asFloat = new Float32Array(bits.buffer);
  for (let i = 0; i < 20_000; i++) {
    const x = prng.normal(0, 0.15) * (i % 5 === 0 ? prng.logNormal(0, 5) : 1);
    assert.equal(float32Shortest(x), reference(x), String(x));
    bits[0] = prng.nextU32();
    if (Number.isFinite(asFloat[0])) assert.equal(float32Shortest(asFloat[0]), reference(asFloat[0]));
  }
  // exact halves: both neighbours round-trip; toPrecision takes the larger magnitude
  assert.equal(float32Shortest(-0.0576171875), reference(-0.0576171875));
});

test('javaFloatText spells values as Java Float.toString does, and parses back exactly', () => {
  assert.equal(javaFloatText(1e-4), '1.0E-4');
  assert.equal(javaFloatText(1.935738e-4), '1.935738E-4');
  assert.equal(javaFloatText(-1.935738e-4), '-1.935738E-4');
  assert.equal(javaFloatText(-0.0025415283), '-0.0025415283');
  assert.equal(javaFloatText(0.001), '0.001');
  assert.equal(javaFloatText(3), '3.0');
  assert.equal(javaFloatText(0), '0.0');
  assert.equal(javaFloatText(1e7), '1.0E7');
  assert.equal(javaFloatText(12345678), '1.2345678E7');
  const prng = new Prng(8, 'java-text');
  for (let i = 0; i < 5_000; i++) {
    const v = float32Shortest(prng.normal(0, 0.2) * prng.logNormal(0, 3));
    assert.equal(JSON.parse(javaFloatText(v)), v);
  }
});
