import { access, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RecscoreError } from '../../errors.js';
import { log } from '../../log.js';
import { MODEL_FILES, MODEL_FILE_KINDS, type ModelFileKind } from '../kinds/taar/files.js';
import type { ItemRow } from '../kinds/taar/types.js';
import { ChunkSink } from './chunk-sink.js';
import { javaFloatText } from './float-text.js';
import { pyJson } from './json-text.js';
import type { SynthOutput, SynthProfile } from './types.js';

export interface WriteModelSetOptions {
  /** bz2 output is not available (no encoder among our dependencies); plain `.json` is accepted by loaders. */
  compress?: false;
}

/**
 * Writes the nine files under TAAR's object names (src/model/kinds/taar/files.ts) below `dir`, as plain JSON,
 * streaming element by element. Returns the paths written, in MODEL_FILE_KINDS order.
 */
export async function writeModelSet(
  dir: string,
  output: SynthOutput,
  opts: WriteModelSetOptions = {},
): Promise<string[]> {
  if ((opts as { compress?: boolean }).compress) {
    throw new RecscoreError(
      'RECSCORE_BAD_OPTION',
      'writeModelSet option compress: bz2 output is not supported; write plain .json',
    );
  }
  const written: string[] = [];
  for (const kind of MODEL_FILE_KINDS) {
    const path = join(dir, MODEL_FILES[kind]);
    await mkdir(dirname(path), { recursive: true });
    if (await exists(`${path}.bz2`)) {
      // Model sources prefer `<key>.bz2` over `<key>`: the stale file would shadow what we write.
      log.warn('a .bz2 model file shadows the generated .json', { file: `${path}.bz2` });
    }
    await withSink(path, (sink) => writeKind(sink, kind, output));
    written.push(path);
  }
  return written;
}

/** One client_info per line (JSON Lines). */
export async function writeProfiles(file: string, profiles: readonly SynthProfile[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await withSink(file, async (sink) => {
    for (const p of profiles) await sink.write(`${JSON.stringify(p)}\n`);
  });
}

async function writeKind(sink: ChunkSink, kind: ModelFileKind, output: SynthOutput): Promise<void> {
  switch (kind) {
    case 'itemMatrix':
      return writeArray(sink, output.itemMatrix, itemRowText);
    case 'whitelist':
    case 'donors':
    case 'lrCurves':
      return writeArray(sink, output[kind], pyJson);
    case 'addonMapping':
    case 'locale':
    case 'coinstall':
    case 'ranking':
      return writeObject(sink, output[kind]);
    case 'ensembleWeights':
      return sink.write(pyJson(output.ensembleWeights));
  }
}

/** Spark's json4s layout with Java float spellings (SPEC §5.1). */
function itemRowText(row: ItemRow): string {
  return `{"id": ${row.id}, "features": [${row.features.map(javaFloatText).join(', ')}]}`;
}

async function writeArray<T>(sink: ChunkSink, items: readonly T[], text: (item: T) => string): Promise<void> {
  await sink.write('[');
  for (let i = 0; i < items.length; i++) await sink.write(i === 0 ? text(items[i]) : `, ${text(items[i])}`);
  await sink.write(']');
}

async function writeObject(sink: ChunkSink, obj: Record<string, unknown>): Promise<void> {
  await sink.write('{');
  let first = true;
  for (const key in obj) {
    await sink.write(`${first ? '' : ', '}${JSON.stringify(key)}: ${pyJson(obj[key])}`);
    first = false;
  }
  await sink.write('}');
}

async function withSink(path: string, body: (sink: ChunkSink) => Promise<void>): Promise<void> {
  const sink = await ChunkSink.open(path);
  try {
    await body(sink);
  } catch (e) {
    await sink.abort();
    throw e;
  }
  await sink.close();
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
