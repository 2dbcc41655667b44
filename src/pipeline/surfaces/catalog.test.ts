import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Catalog, loadCatalog, MAX_ATTRIBUTES, parseCatalog } from './catalog.js';

const parse = (text: string) => parseCatalog(text.split('\n'), 'cat.csv');

describe('catalog parser', () => {
  it("reads Product Recommendations' CSV: category and features become attributes", async () => {
    const c = await parse(
      [
        'AAA04294,Office Language Pack Online DwnLd,Office',
        'BAB04303,Minecraft DwnLd,Games,, softwaretype=gaming, compatibility=iOS, agegroup=all',
        '',
        'C9F00168,Kiruna Flip Cover,,A cover,hardwaretype=mobile,\r',
      ].join('\n'),
    );
    assert.equal(c.size, 3);
    assert.deepEqual({ ...c.get('AAA04294') }, { category: 'Office' });
    assert.deepEqual(
      { ...c.get('BAB04303') },
      { category: 'Games', softwaretype: 'gaming', compatibility: 'iOS', agegroup: 'all' },
    );
    assert.deepEqual({ ...c.get('C9F00168') }, { hardwaretype: 'mobile' }, 'empty category: no attribute');
    assert.deepEqual([...c.attributes].sort(), [
      'agegroup',
      'category',
      'compatibility',
      'hardwaretype',
      'softwaretype',
    ]);
  });

  it('reads JSONL objects', async () => {
    const c = await parseCatalog(
      ['{"id": "a@x", "category": "privacy", "lang": "en"}', '  ', '{"id": "b@x"}'],
      'cat.jsonl',
    );
    assert.deepEqual({ ...c.get('a@x') }, { category: 'privacy', lang: 'en' });
    assert.deepEqual({ ...c.get('b@x') }, {});
  });

  it('reads a CSV whose first item id is a {uuid} add-on id as CSV, not JSONL', async () => {
    const c = await parse('{7300e2b9-937e-4705-8f59-7f2474699774},Tabs,tabs,,size=s\n@other,Other,media');
    assert.equal(c.size, 2);
    assert.deepEqual({ ...c.get('{7300e2b9-937e-4705-8f59-7f2474699774}') }, { category: 'tabs', size: 's' });
    assert.deepEqual({ ...c.get('@other') }, { category: 'media' });
  });

  const manyFeatures = Array.from({ length: MAX_ATTRIBUTES + 1 }, (_, i) => `f${i}=v`).join(',');
  const cases: Array<[string, string, RegExp]> = [
    ['too few fields', 'a@x,name', /cat\.csv:1: field 3: expected <item id>,<item name>,<item category>/],
    ['an id with a space', 'a b,name,cat', /cat\.csv:1: id: "a b": 1–200 printable ASCII/],
    ['an empty name', 'a@x,,cat', /cat\.csv:1: field 2 \(item name\): 1–255 characters/],
    ['a long category', `a@x,n,${'c'.repeat(256)}`, /cat\.csv:1: field 3 \(item category\): category: value of 1–255/],
    ['a feature without =', 'a@x,n,c,,colour', /cat\.csv:1: field 5 \(feature\): "colour" is not <name>=<value>/],
    ['a description with a comma', 'a@x,n,c,big, red', /cat\.csv:1: field 5 \(feature\): "red" is not <name>=<value>/],
    ['a bad feature name', 'a@x,n,c,,Colour=red', /field 5 \(feature\): attribute name "Colour": a-z 0-9 _/],
    ['an empty feature value', 'a@x,n,c,,colour=', /field 5 \(feature\): colour: value of 1–255 characters/],
    ['a feature twice', 'a@x,n,c,,colour=red,colour=blue', /field 6 \(feature\): colour twice/],
    ['a feature named category', 'a@x,n,c,,category=x', /field 5 \(feature\): category twice/],
    ['too many attributes', `a@x,n,,,${manyFeatures}`, /field 69 \(feature\): more than 64 attributes/],
    ['an id twice', 'a@x,n,c\nb@x,n,c\na@x,m,d', /cat\.csv:3: id: item a@x again \(first on line 1\)/],
    ['JSONL: not JSON', '{"id": "a@x"\n{', /cat\.csv:1: \(line\): not JSON/],
    ['JSONL: not an object', '{"id": "a@x"}\n[1]', /cat\.csv:2: \(line\): not a JSON object/],
    ['JSONL: no id', '{"category": "x"}', /cat\.csv:1: id: missing or not a string/],
    ['JSONL: a number value', '{"id": "a@x", "rank": 3}', /cat\.csv:1: rank: attribute values are strings/],
    ['JSONL: a bad attribute name', '{"id": "a@x", "a-b": "3"}', /cat\.csv:1: a-b: attribute name "a-b"/],
  ];
  for (const [what, text, message] of cases) {
    it(`refuses ${what}, naming line and field`, async () => {
      await assert.rejects(parse(text), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'RECSCORE_SURFACES_INVALID');
        assert.match(e.message, message);
        return true;
      });
    });
  }
});

describe('catalog file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'recscore-catalog-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is refused above its size bound before it is read, and read from disk below it', async () => {
    const path = join(dir, 'c.csv');
    writeFileSync(path, 'a@x,A,privacy\r\nb@x,B,tabs,,lang=en\r\n');
    await assert.rejects(loadCatalog(path, 10), /c\.csv: 36 bytes; at most 10/);
    const c = await loadCatalog(path, 1024);
    assert.deepEqual({ ...c.get('b@x') }, { category: 'tabs', lang: 'en' });
    await assert.rejects(loadCatalog(join(dir, 'none.csv'), 1024), /none\.csv: ENOENT/);
  });

  it('inline attributes win over the file per attribute; the rest of the file entry stays', async () => {
    const file = await parse('a@x,A,privacy,,lang=en\nb@x,B,tabs');
    const merged = file.withInline({ 'a@x': { category: 'security' }, 'z@x': { colour: 'red' } });
    assert.deepEqual({ ...merged.get('a@x') }, { category: 'security', lang: 'en' });
    assert.deepEqual({ ...merged.get('b@x') }, { category: 'tabs' });
    assert.deepEqual({ ...merged.get('z@x') }, { colour: 'red' });
    assert.equal(merged.size, 3);
    assert.ok(merged.attributes.has('colour') && merged.attributes.has('lang'));
    assert.equal(Catalog.EMPTY.withInline({}).size, 0);
  });
});
