/**
 * formatFixed10Width20 must print exactly what Python's `format(w, "020.10f")` prints (SPEC §6.6): the
 * exact binary value rounded half-to-even at 10 decimals, zero-padded to width 20. Expected strings were
 * taken from CPython 3.11; the exact-tie cases are explained inline.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatFixed10Width20, liteRanking, rankString } from './lite-rank.js';

describe('formatFixed10Width20 = Python format(w, "020.10f")', () => {
  test('exact decimal ties round half to even (JS toFixed rounds them up)', () => {
    // 2^-11 = 0.00048828125 exactly: digit 10 is 2, the rest is exactly 5 → stays 2.
    assert.equal(formatFixed10Width20(2 ** -11), '000000000.0004882812');
    assert.equal((2 ** -11).toFixed(10), '0.0004882813'); // why the module does not use toFixed
    // 3·2^-11 = 0.00146484375: digit 10 is 7 (odd) → up to 8.
    assert.equal(formatFixed10Width20(3 * 2 ** -11), '000000000.0014648438');
    assert.equal(formatFixed10Width20(7 * 2 ** -11), '000000000.0034179688');
    // Same ties with an integer part.
    assert.equal(formatFixed10Width20(12345 + 2 ** -11), '000012345.0004882812');
    assert.equal(formatFixed10Width20(12345 + 3 * 2 ** -11), '000012345.0014648438');
    assert.equal(formatFixed10Width20(-(2 ** -11)), '-00000000.0004882812');
  });

  test('around 0.5e-10: the double nearest 5e-11 lies above it, its predecessor below', () => {
    assert.equal(formatFixed10Width20(5e-11), '000000000.0000000001'); // 0x3dcb7cdfd9d7bdbb > 5e-11
    assert.equal(formatFixed10Width20(4.9999999999999995e-11), '000000000.0000000000'); // next double down
    assert.equal(formatFixed10Width20(2 ** -34), '000000000.0000000001'); // 5.82e-11
    assert.equal(formatFixed10Width20(1e-10), '000000000.0000000001');
    assert.equal(formatFixed10Width20(1.5e-10), '000000000.0000000001'); // the double is below 1.5e-10
    assert.equal(formatFixed10Width20(2.5e-10), '000000000.0000000003'); // the double is above 2.5e-10
    assert.equal(formatFixed10Width20(1e-11), '000000000.0000000000');
  });

  test('rounding that carries into the integer part, and one that does not', () => {
    assert.equal(formatFixed10Width20(1 - 2 ** -53), '000000001.0000000000');
    assert.equal(formatFixed10Width20(0.99999999995), '000000000.9999999999'); // the double is below …95
    assert.equal(formatFixed10Width20(0.8999999999999999), '000000000.9000000000');
  });

  test('zero, negative zero, subnormals', () => {
    assert.equal(formatFixed10Width20(0), '000000000.0000000000');
    assert.equal(formatFixed10Width20(-0), '-00000000.0000000000');
    assert.equal(formatFixed10Width20(5e-324), '000000000.0000000000');
    assert.equal(formatFixed10Width20(3 * 5e-324), '000000000.0000000000');
  });

  test('ordinary values', () => {
    assert.equal(formatFixed10Width20(0.1), '000000000.1000000000');
    assert.equal(formatFixed10Width20(1 / 3), '000000000.3333333333');
    assert.equal(formatFixed10Width20(2 / 3), '000000000.6666666667');
    assert.equal(formatFixed10Width20(0.30000000000000004), '000000000.3000000000');
    assert.equal(formatFixed10Width20(0.12345678905), '000000000.1234567891');
    assert.equal(formatFixed10Width20(0.7478143914), '000000000.7478143914');
    assert.equal(formatFixed10Width20(123.456), '000000123.4560000000');
    assert.equal(formatFixed10Width20(-1.5), '-00000001.5000000000');
  });

  test('values of 1e9 and more outgrow the width (the string just gets longer)', () => {
    assert.equal(formatFixed10Width20(1e9), '1000000000.0000000000');
    assert.equal(formatFixed10Width20(999999999.9999999), '999999999.9999998808');
    assert.equal(formatFixed10Width20(12345678901.5), '12345678901.5000000000');
    assert.equal(formatFixed10Width20(1e20), '100000000000000000000.0000000000');
    assert.equal(formatFixed10Width20(1e23), '99999999999999991611392.0000000000');
  });

  test('non-finite values are padded as Python pads them', () => {
    assert.equal(formatFixed10Width20(Infinity), '00000000000000000inf');
    assert.equal(formatFixed10Width20(-Infinity), '-0000000000000000inf');
    assert.equal(formatFixed10Width20(NaN), '00000000000000000nan');
  });
});

describe('rankString and liteRanking', () => {
  test('"{w:020.10f}.{installs:010d}"', () => {
    assert.equal(rankString(0.5, 42), '000000000.5000000000.0000000042');
    assert.equal(rankString(0.25, -5), '000000000.2500000000.-000000005');
    assert.equal(rankString(1e-3, 12345678901), '000000000.0010000000.12345678901');
    assert.equal(rankString(2 ** -11, 0), '000000000.0004882812.0000000000');
  });

  test('sorted by the string: weights equal at 1e-10 fall back to installs, then to input order', () => {
    const top: Array<[string, number, number]> = [
      ['low-installs', 0.3, 5],
      ['same-as-low', 0.3, 5],
      ['high-installs', 0.30000000000000004, 9], // prints as 0.3000000000
      ['best', 0.7, 0],
      ['tie-rounded-down', 2 ** -11, 100],
      ['tie-rounded-up', 0.0004882813, 1],
    ];
    assert.deepEqual(
      liteRanking(top, 10).map(([g]) => g),
      ['best', 'high-installs', 'low-installs', 'same-as-low', 'tie-rounded-up', 'tie-rounded-down'],
    );
    assert.deepEqual(liteRanking(top, 2), [
      ['best', '000000000.7000000000.0000000000'],
      ['high-installs', '000000000.3000000000.0000000009'],
    ]);
    assert.deepEqual(liteRanking(top, 0), []);
  });
});
