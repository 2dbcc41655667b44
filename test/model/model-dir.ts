/**
 * A tiny, valid TAAR model set written to a folder with TAAR's object names (SPEC §5), so a test can
 * replace exactly one object with broken bytes and load the folder through LocalModelSource.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { positiveHash } from '../../src/model/kinds/taar/addon-hash.js';
import { MODEL_FILES, MODEL_FILE_KINDS, type ModelFileKind } from '../../src/model/kinds/taar/files.js';

const A = 'a@x';
const B = 'b@x';
const C = 'c@x';

export const TINY_MODEL: Record<ModelFileKind, unknown> = {
  itemMatrix: [
    { id: positiveHash(A), features: [0.5, -0.25] },
    { id: positiveHash(B), features: [1.0e-4, 2] },
    { id: positiveHash(C), features: [0, 1] },
  ],
  addonMapping: {
    [String(positiveHash(A))]: { name: 'A', id: A, isWebextension: true },
    [String(positiveHash(B))]: { name: 'B', id: B, isWebextension: true },
    [String(positiveHash(C))]: { name: 'C', id: C, isWebextension: false },
  },
  whitelist: [A, B, C],
  donors: [
    {
      active_addons: [A, B],
      geo_city: 'Berlin',
      subsession_length: 100,
      locale: 'de',
      os: 'Linux',
      bookmark_count: 1,
      tab_open_count: 2,
      total_uri: 30,
      unique_tlds: 4,
    },
    {
      active_addons: [C],
      geo_city: 'Paris',
      subsession_length: null,
      locale: 'fr',
      os: 'Darwin',
      bookmark_count: 0,
      tab_open_count: 5,
      total_uri: 10,
      unique_tlds: 2,
    },
  ],
  lrCurves: [
    [0, [2, 1]],
    [0.5, [1, 1]],
    [1, [0.5, 1]],
  ],
  locale: {
    de: [
      [A, 0.6],
      [B, 0.4],
    ],
    fa: [],
  },
  ensembleWeights: { ensemble_weights: { collaborative: 1.5, similarity: 0.5, locale: 2 } },
  coinstall: { [A]: { [B]: 3, [C]: 1 }, [B]: { [A]: 3 } },
  ranking: { [A]: 10, [B]: 6, [C]: 2 },
};

/** bzip2 of `["a@x", "b@x", "c@x"]` (Python's bz2.compress, level 9): a valid whitelist object. */
export const TINY_WHITELIST_BZ2 = Buffer.from(
  'QlpoOTFBWSZTWaOmecMAAAaXgFAEQAAACjgAAEAgACEoAaEAMIE1yUbyVAm8XckU4UJCjpnnDA==',
  'base64',
);

/**
 * What to store for one kind: JSON text or bytes (plain object), `{ bz2 }` (stored as `<name>.bz2`), or null
 * (absent).
 */
export type ObjectContent = string | Buffer | { bz2: Buffer } | null;

/** Writes the tiny model with `overrides` into a fresh temp folder and returns its path. */
export async function writeModelDir(overrides: Partial<Record<ModelFileKind, ObjectContent>> = {}): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'recscore-model-'));
  for (const kind of MODEL_FILE_KINDS) {
    const content = kind in overrides ? overrides[kind]! : JSON.stringify(TINY_MODEL[kind]);
    if (content === null) continue;
    const isBz2 = typeof content === 'object' && !Buffer.isBuffer(content);
    const path = join(root, MODEL_FILES[kind] + (isBz2 ? '.bz2' : ''));
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, isBz2 ? content.bz2 : content);
  }
  return root;
}

/** TINY_MODEL with one file's JSON value replaced, as text. */
export function tinyWith(kind: ModelFileKind, edit: (value: any) => unknown): string {
  return JSON.stringify(edit(structuredClone(TINY_MODEL[kind])));
}
