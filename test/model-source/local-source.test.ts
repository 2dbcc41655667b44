import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { MODEL_FILES } from '../../src/model/kinds/taar/files.js';
import { LocalModelSource } from '../../src/model/source/local-source.js';
import { createLogger } from '../../src/log.js';
import { isModelError, payload, publishAll, sourceCases, type SourceHarness } from './source.case.js';

const quiet = createLogger({}, () => {});
const scratch = await mkdtemp(join(tmpdir(), 'recscore-local-source-'));
after(() => rm(scratch, { recursive: true, force: true }));
let n = 0;

async function put(root: string, name: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(join(root, name)), { recursive: true });
  await writeFile(join(root, name), bytes);
}

sourceCases('local folder', async (opts) => {
  const root = join(scratch, `case-${n++}`);
  await mkdir(root);
  const h: SourceHarness = {
    source: new LocalModelSource(root, { kinds: opts?.kinds, logger: quiet }),
    publish: (name, bytes) => put(root, name, bytes),
    remove: (name) => rm(join(root, name)),
    close: () => rm(root, { recursive: true, force: true }),
  };
  return h;
});

describe('local folder specifics', { timeout: 10_000 }, () => {
  test('a symlink flipped after check: read stays on the target check resolved', async () => {
    const base = join(scratch, `flip-${n++}`);
    const harness = (dir: string) => ({ publish: (name: string, bytes: Buffer) => put(dir, name, bytes) });
    await publishAll(harness(join(base, 'v1')), '.bz2', 'v1');
    await publishAll(harness(join(base, 'v2')), '.bz2', 'v2-longer');
    const link = join(base, 'current');
    await symlink(join(base, 'v1'), link);
    const source = new LocalModelSource(link, { logger: quiet });

    const before = await source.check();
    assert.equal(before.objects[0].location, join(await realpath(join(base, 'v1')), `${MODEL_FILES.itemMatrix}.bz2`));
    // Atomic flip, as an operator would do it: a new link renamed over the old one.
    await symlink(join(base, 'v2'), join(base, 'next'));
    await rename(join(base, 'next'), link);

    for (const obj of before.objects) {
      assert.ok((await source.read(obj)).equals(payload(obj.name, 'v1')), `${obj.name} must come from v1`);
    }
    const afterFlip = await source.check();
    assert.notEqual(afterFlip.id, before.id);
    const matrix = afterFlip.objects.find((o) => o.kind === 'itemMatrix')!;
    assert.ok((await source.read(matrix)).equals(payload(matrix.name, 'v2-longer')));
  });

  test('a file rewritten in place after check is refused, not mixed in', async () => {
    const root = join(scratch, `rewrite-${n++}`);
    await publishAll({ publish: (nm, b) => put(root, nm, b) });
    const source = new LocalModelSource(root, { logger: quiet });
    const v = await source.check();
    const obj = v.objects.find((o) => o.kind === 'locale')!;
    await writeFile(join(root, obj.name), Buffer.from('something else entirely'));
    await assert.rejects(source.read(obj), isModelError('RECSCORE_MODEL_SOURCE', /top10_dict/));
  });

  test('a folder that does not exist fails check with RECSCORE_MODEL_SOURCE', async () => {
    const source = new LocalModelSource(join(scratch, 'no-such-folder'), { logger: quiet });
    await assert.rejects(source.check(), isModelError('RECSCORE_MODEL_SOURCE'));
  });

  test('an aborted read rejects with the abort reason', async () => {
    const root = join(scratch, `abort-${n++}`);
    await publishAll({ publish: (nm, b) => put(root, nm, b) });
    const source = new LocalModelSource(root, { logger: quiet });
    const v = await source.check();
    await assert.rejects(source.read(v.objects[0], { signal: AbortSignal.abort() }), { name: 'AbortError' });
  });
});
