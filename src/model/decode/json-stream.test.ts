import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ModelError } from '../../errors.js';
import { jsonBatches } from './json-batches.js';
import { JsonSplitter, type JsonBatch } from './json-stream.js';

/** Feeds `text` in pieces of `size` characters (every split point, for size 1) and gathers the elements. */
function split(text: string, size = 1, batchChars = 8): { container?: string; keys: string[]; values: unknown[] } {
  const keys: string[] = [];
  const values: unknown[] = [];
  let container: string | undefined;
  const s = new JsonSplitter(
    'f.json',
    (b: JsonBatch) => {
      container = b.container;
      assert.equal(b.first, values.length);
      if (b.keys) keys.push(...b.keys);
      values.push(...b.values);
    },
    { batchChars },
  );
  for (let i = 0; i < text.length; i += size) s.push(text.slice(i, i + size));
  s.end();
  return { container, keys, values };
}

function rejects(text: string, detail: RegExp, size = 1): void {
  for (const n of [size, text.length || 1]) {
    assert.throws(
      () => split(text, n),
      (e: unknown) => {
        assert.ok(e instanceof ModelError, String(e));
        assert.equal(e.code, 'RECSCORE_MODEL_DECODE');
        assert.equal(e.file, 'f.json');
        assert.match(e.message, /invalid JSON near byte \d+/);
        assert.match(e.message, detail);
        return true;
      },
      `${JSON.stringify(text)} in pieces of ${n}`,
    );
  }
}

describe('JsonSplitter', () => {
  test('array elements of every kind, split at every character', () => {
    const doc = ' [ 1 , -2.5e3,"a\\"]b" ,{"k":[1,{"x":"}"}]}, [[]],true,null ,"\\\\",{}]\n';
    for (const size of [1, 2, 3, 7, doc.length]) {
      const r = split(doc, size);
      assert.equal(r.container, 'array');
      assert.deepEqual(r.values, JSON.parse(doc));
    }
  });

  test('object entries keep keys, escapes and duplicates as JSON.parse gives them', () => {
    const doc = '{"a": 1, "b\\u0022c": {"]": "["}, "a": [2], "\\\\": "x"}';
    const r = split(doc, 1);
    assert.equal(r.container, 'object');
    assert.deepEqual(r.keys, ['a', 'b"c', 'a', '\\']);
    assert.deepEqual(r.values, [1, { ']': '[' }, [2], 'x']);
  });

  test('empty containers report which container they were', () => {
    assert.deepEqual(split('[]'), { container: 'array', keys: [], values: [] });
    assert.deepEqual(split(' { \n} '), { container: 'object', keys: [], values: [] });
  });

  test('a scalar top level is parsed whole', () => {
    assert.deepEqual(split(' "x" ', 1), { container: 'scalar', keys: [], values: ['x'] });
    assert.deepEqual(split('5', 1), { container: 'scalar', keys: [], values: [5] });
  });

  test('malformed input is RECSCORE_MODEL_DECODE with a byte offset', () => {
    rejects('', /empty document/);
    rejects('  ', /empty document/);
    rejects('[1, 2', /unexpected end/);
    rejects('[1, "ab', /unexpected end/);
    rejects('{"a": 1', /unexpected end/);
    rejects('{"a"', /unexpected end/);
    rejects('[1] x', /after the end/);
    rejects('[1][2]', /after the end/);
    rejects('[1 2]', /expected ','/);
    rejects('[1,]', /expected a value/);
    rejects('{"a" 1}', /expected ':'/);
    rejects('{a: 1}', /expected a key/);
    rejects('[NaN]', /./);
    rejects('[{"a": 1,}]', /./);
    rejects('[[1}]', /./);
    rejects('tru', /./);
  });

  test('the offset counts UTF-8 bytes, not characters', () => {
    assert.throws(() => split('["é€", x]'), /near byte 10/);
  });
});

describe('jsonBatches', () => {
  const gather = async (chunks: Uint8Array[]) => {
    const values: unknown[] = [];
    for await (const b of jsonBatches('f.json', chunks)) values.push(...b.values);
    return values;
  };

  test('a multi-byte character split across chunks', async () => {
    const bytes = Buffer.from('["héllo €", "𝄞"]', 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      assert.deepEqual(await gather([bytes.subarray(0, cut), bytes.subarray(cut)]), ['héllo €', '𝄞']);
    }
  });

  test('invalid UTF-8 is a decode error', async () => {
    await assert.rejects(
      gather([Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d])]),
      (e: unknown) => e instanceof ModelError && e.code === 'RECSCORE_MODEL_DECODE' && /UTF-8/.test(e.message),
    );
    await assert.rejects(gather([Buffer.from([0x5b, 0x22, 0xe2, 0x82])]), /UTF-8/);
  });
});
