/**
 * `recscore score --profiles` given a file in the server's profile format (client_info lines, as
 * `serve` and `profiles load` read) printed every line as null/[] with no error. It now scores them as
 * the same profiles in the vectors' format, and a line it cannot read stops it with a message.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli, parseJsonLines } from '../parity/run-cli.js';
import { tempDir } from '../helpers/model-dirs.js';
import { haveVectors, readJsonl, VECTOR_MODELS, VECTORS } from '../helpers/vectors.js';

type Line = { client_id: string; profile: Record<string, unknown> | null; case?: string };
type Out = { client_id: string; collaborative: unknown; similarity: unknown; ensemble: unknown[] };

const opts = { skip: !haveVectors && 'vectors not found', timeout: 120_000 };
const normal = () =>
  readJsonl<Line>(`${VECTORS}/profiles.jsonl`).filter((r) => r.profile !== null && r.case === 'normal');

describe("recscore score --profiles in the server's format", opts, () => {
  it("scores client_info lines exactly as the same profiles in the vectors' format", async () => {
    const dir = await tempDir();
    const picked = normal().slice(0, 12);
    assert.ok(picked.length >= 5);
    const serverFile = join(dir, 'server.jsonl');
    const vectorFile = join(dir, 'vectors.jsonl');
    await writeFile(serverFile, picked.map((r) => JSON.stringify(r.profile)).join('\n') + '\n');
    const asVectors = picked.map((r) => JSON.stringify({ client_id: r.client_id, profile: r.profile, extra_data: {} }));
    await writeFile(vectorFile, asVectors.join('\n') + '\n');

    const server = await runCli(['score', '--models', VECTOR_MODELS, '--profiles', serverFile]);
    const vectors = await runCli(['score', '--models', VECTOR_MODELS, '--profiles', vectorFile]);
    assert.equal(server.code, 0, server.stderr);
    assert.equal(vectors.code, 0, vectors.stderr);
    const got = parseJsonLines<Out>(server.stdout);
    assert.equal(got.length, picked.length);
    assert.ok(
      got.every((l) => l.collaborative !== null && l.ensemble.length > 0),
      'no line is null/[]',
    );
    assert.deepEqual(got, parseJsonLines<Out>(vectors.stdout));
  });

  it('a line it cannot read as a profile stops it with a message naming file and line', async () => {
    const dir = await tempDir();
    const file = join(dir, 'bad.jsonl');
    const bad = { client_id: 'abc', installed_addons: 'not-a-list' };
    await writeFile(file, `${JSON.stringify(normal()[0].profile)}\n${JSON.stringify(bad)}\n`);
    const r = await runCli(['score', '--models', VECTOR_MODELS, '--profiles', file]);
    assert.notEqual(r.code, 0);
    const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(r.stderr, new RegExp(`error RECSCORE_\\w+: ${escaped}:2: .*installed_addons`));
  });
});
