import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EmbeddedProfileStore } from '../../src/profile/embedded-store.js';
import { createLogger } from '../../src/log.js';
import { createProfileStore } from '../../src/profile/create-store.js';
import { runProfileStoreCases, type StoredRecord } from './store.case.js';
import { VECTORS } from '../helpers/vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'recscore-embedded-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const quiet = createLogger({}, () => {});
let n = 0;

function writeFile(lines: string[], name = `p${n++}.jsonl`): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const hasBzip2 = spawnSync('bzip2', ['--help']).error === undefined;
function bzip(path: string): string {
  const res = spawnSync('bzip2', ['-k', '-f', path]);
  assert.equal(res.status, 0, String(res.stderr));
  return path + '.bz2';
}

// The vectors' format: {"client_id", "profile"}, so any stored value can be written as it is.
const asLines = (records: StoredRecord[]) =>
  records.map((r) => JSON.stringify({ client_id: r.clientId, profile: r.value }));

runProfileStoreCases('embedded .jsonl', {
  create: (records) => EmbeddedProfileStore.load(writeFile(asLines(records)), { logger: quiet }),
});

if (hasBzip2) {
  runProfileStoreCases('embedded .jsonl.bz2', {
    create: (records) => EmbeddedProfileStore.load(bzip(writeFile(asLines(records))), { logger: quiet }),
  });
}

const rejectsInvalidAt = (line: number) => (e: any) =>
  e.code === 'RECSCORE_PROFILE_INVALID' && e.details.line === line && e.message.includes(`:${line}:`);

describe('embedded store loading', () => {
  it('reads the vectors profiles.jsonl as is, skipping profile: null', async () => {
    const store = await createProfileStore(join(VECTORS, 'profiles.jsonl'), { logger: quiet });
    assert.equal(store.kind, 'embedded');
    assert.equal((store as EmbeddedProfileStore).size, 286);
    assert.equal(await store.get('9fbbe10779e8d6c8d01ce5d41ab5bced71239962a17b2e4e77f555bd9d8861ab'), null);
    await store.close();
  });

  it('reads raw BigTable payload lines (profiles_raw.jsonl), GCP field names included', async () => {
    const store = await EmbeddedProfileStore.load(join(VECTORS, 'profiles_raw.jsonl'), { logger: quiet });
    const etl = await store.get('etl-format-050d3e4c5c04850be88a');
    assert.equal(etl?.geo_city, 'Sofia');
    assert.equal(etl?.unique_tlds, 35);
    assert.deepStrictEqual(await store.get('empty-payload'), {
      client_id: 'empty-payload',
      geo_city: '',
      subsession_length: 0,
      locale: '',
      os: '',
      installed_addons: [],
      disabled_addons_ids: [],
      bookmark_count: 0,
      tab_open_count: 0,
      total_uri: 0,
      unique_tlds: 0,
    });
    await store.close();
  });

  it(
    'reads plain client_info lines, blank lines, CRLF and a last line without newline; the last duplicate ' + 'wins',
    async () => {
      const path = join(dir, 'plain.jsonl');
      writeFileSync(
        path,
        '{"client_id":"a","installed_addons":["x"]}\r\n\n  \n{"client_id":"b","locale":"de"}\n' +
          '{"client_id":"a","installed_addons":["y"]}',
      );
      const store = await EmbeddedProfileStore.load(path, { logger: quiet });
      assert.deepStrictEqual((await store.get('a'))?.installed_addons, ['y']);
      assert.deepStrictEqual({ ...(await store.get('b')) }, { client_id: 'b', installed_addons: [], locale: 'de' });
    },
  );

  it('returns frozen profiles, so a caller cannot change what the next request reads', async () => {
    const store = await EmbeddedProfileStore.load(writeFile(['{"client_id":"a","installed_addons":["x"]}']), {
      logger: quiet,
    });
    const a = (await store.get('a'))!;
    assert.throws(() => a.installed_addons.push('z'), TypeError);
    assert.throws(() => ((a as any).locale = 'fr'), TypeError);
  });

  it('fails the load on a malformed line, naming the line number', async () => {
    const good = '{"client_id":"a","installed_addons":[]}';
    const cases: Array<[string, number]> = [
      ['{not json', 2],
      ['[1,2]', 2],
      ['{"installed_addons":[]}', 2],
      ['{"client_id":"has space"}', 2],
      ['{"client_id":"c","profile":"x"}', 2],
    ];
    for (const [bad, line] of cases) {
      await assert.rejects(
        EmbeddedProfileStore.load(writeFile([good, bad, good]), { logger: quiet }),
        rejectsInvalidAt(line),
        bad,
      );
    }
  });

  it('a missing file is RECSCORE_CONFIG; a corrupt .bz2 is RECSCORE_PROFILE_INVALID', async () => {
    await assert.rejects(
      EmbeddedProfileStore.load(join(dir, 'absent.jsonl'), { logger: quiet }),
      (e: any) => e.code === 'RECSCORE_CONFIG',
    );
    const corrupt = join(dir, 'corrupt.jsonl.bz2');
    writeFileSync(corrupt, Buffer.from('BZh91AY&SY this is not bzip2 data at all'));
    await assert.rejects(
      EmbeddedProfileStore.load(corrupt, { logger: quiet }),
      (e: any) => e.code === 'RECSCORE_PROFILE_INVALID',
    );
  });

  it('createProfileStore rejects a spec that is neither a profile file nor a redis URL', async () => {
    for (const spec of ['profiles.json', 'http://x', '']) {
      await assert.rejects(createProfileStore(spec), (e: any) => e.code === 'RECSCORE_CONFIG', spec);
    }
  });
});
