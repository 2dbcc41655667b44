/**
 * A catalog file (RECSCORE_CATALOG) through the HTTP app: `category=…` filters by the file's attributes,
 * inline attributes of the surfaces file win over it, diversity reads it, and a bad catalog on reload keeps
 * the old one serving while a good surfaces file still goes in.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SurfacesHolder } from '../../src/pipeline/surfaces/holder.js';
import { syntheticBackend } from '../helpers/fake-backend.js';
import { buildApp } from '../server/start.js';

const dir = mkdtempSync(join(tmpdir(), 'recscore-surfaces-catalog-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ITEMS = ['p1@x', 't1@x', 'p2@x', 'n1@x', 't2@x', 'p3@x'];
const surfacesFile = (inline: Record<string, Record<string, string>> = {}, diversity?: string) => ({
  surfaces: {
    shelf: {
      size: 6,
      filters: { installed: false },
      sources: [{ name: 'fixed', kind: 'static', items: ITEMS }],
      ...(diversity ? { diversity: { by: diversity } } : {}),
    },
  },
  catalog: inline,
});
const CSV = [
  'p1@x,Privacy One,privacy,,lang=en',
  't1@x,Tabs One,tabs,,lang=de',
  'p2@x,Privacy Two,privacy,Blocks trackers,lang=de',
  'n1@x,No Category,',
  't2@x,Tabs Two,tabs',
  'p3@x,Privacy Three,privacy',
].join('\n');

function setup() {
  const b = syntheticBackend();
  const surfacesPath = join(dir, 'surfaces.json');
  const catalogPath = join(dir, 'catalog.csv');
  writeFileSync(surfacesPath, JSON.stringify(surfacesFile()));
  writeFileSync(catalogPath, CSV);
  const holder = new SurfacesHolder(surfacesPath, undefined, { path: catalogPath, maxBytes: 1 << 20 });
  const app = buildApp({
    scorer: b.scorer,
    facts: () => b.facts,
    profiles: b.profiles,
    surfaces: { holder },
  });
  return { holder, app, surfacesPath, catalogPath };
}
const url = (q: string) => `/v1/surfaces/shelf/recommendations/${'c'.repeat(64)}${q}`;

describe('catalog file through the surfaces route', () => {
  it("filters by the file's category and features; unknown attributes are a 400 naming the known ones", async () => {
    const s = setup();
    await s.holder.load(true);
    const r = await s.app.get(url('?category=privacy'));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.results, ['p1@x', 'p2@x', 'p3@x']);
    const both = await s.app.get(url('?category=privacy&lang=de'));
    assert.deepEqual(both.json.results, ['p2@x']);
    const posted = await s.app.postJson(url(''), { filters: { category: 'tabs' } });
    assert.equal(posted.status, 200, posted.text);
    assert.deepEqual(posted.json.results, ['t1@x', 't2@x']);
    const unknown = await s.app.get(url('?colour=red'));
    assert.equal(unknown.status, 400);
    assert.match(unknown.json.error.message, /colour: not a catalog attribute \(.*category.*\)/);
  });

  it('inline attributes win; diversity deals by the merged attribute', async () => {
    const s = setup();
    writeFileSync(s.surfacesPath, JSON.stringify(surfacesFile({ 't2@x': { category: 'privacy' } }, 'category')));
    await s.holder.load(true);
    const r = await s.app.get(url('?category=privacy'));
    assert.deepEqual(r.json.results, ['p1@x', 'p2@x', 't2@x', 'p3@x']);
    const all = await s.app.get(url(''));
    // Groups in first-seen order: privacy (p1 p2 t2 p3), tabs (t1), none (n1).
    assert.deepEqual(all.json.results, ['p1@x', 't1@x', 'n1@x', 'p2@x', 't2@x', 'p3@x']);
  });

  it('a bad catalog on reload is refused with its line and field; the old one keeps serving', async () => {
    const s = setup();
    await s.holder.load(true);
    writeFileSync(s.catalogPath, `${CSV}\nq1@x,Quirky,misc,,colour=red\nq2@x,Quirky,misc,,size`);
    writeFileSync(
      s.surfacesPath,
      JSON.stringify({
        ...surfacesFile(),
        surfaces: { ...surfacesFile().surfaces, more: surfacesFile().surfaces.shelf },
      }),
    );
    const report = await s.holder.load();
    assert.equal(report.ok, false);
    assert.match(report.error!.message, /catalog\.csv:8: field 5 \(feature\): "size" is not <name>=<value>/);
    assert.deepEqual((await s.app.get(url('?category=privacy'))).json.results, ['p1@x', 'p2@x', 'p3@x']);
    assert.equal((await s.app.get(url('?colour=red'))).status, 400, 'the new file is not in');
    assert.equal(
      (await s.app.get(`/v1/surfaces/more/recommendations/${'c'.repeat(64)}`)).status,
      200,
      'surfaces file went in',
    );
    await assert.rejects(s.holder.load(true), /catalog\.csv:8/);
  });

  it('an unchanged catalog file (size and mtime) is not parsed again on reload', async () => {
    const s = setup();
    const mtime = new Date(Date.UTC(2026, 0, 1));
    utimesSync(s.catalogPath, mtime, mtime);
    await s.holder.load(true);
    // Same size, same mtime, different content: only a skipped parse keeps the old attributes.
    writeFileSync(s.catalogPath, CSV.replace('p1@x,Privacy One,privacy', 'p1@x,Privacy One,lockbox'));
    utimesSync(s.catalogPath, mtime, mtime);
    assert.equal((await s.holder.load()).ok, true);
    assert.deepEqual((await s.app.get(url('?category=privacy'))).json.results, ['p1@x', 'p2@x', 'p3@x']);
    utimesSync(s.catalogPath, new Date(mtime.getTime() + 5_000), new Date(mtime.getTime() + 5_000));
    assert.equal((await s.holder.load()).ok, true);
    assert.deepEqual((await s.app.get(url('?category=privacy'))).json.results, ['p2@x', 'p3@x'], 'a touched file is');
  });
});
