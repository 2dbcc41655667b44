/**
 * Opens a model location for the one-shot CLI commands: any source createModelSource accepts. On a
 * terminal, a progress bar shows each object's download; elsewhere the source's JSON log lines do.
 */
import { SingleBar, Presets } from 'cli-progress';
import { modelEnvFrom } from '../config/index.js';
import { loadModel } from '../kernel/taar-model.js';
import type { PackedModel } from '../model/kinds/taar/packed-model.js';
import { createModelSource } from '../model/source/index.js';

export async function openModels(location: string): Promise<PackedModel> {
  const { taarModelEnv, gcsEndpoint } = modelEnvFrom();
  const source = createModelSource(location, taarModelEnv, gcsEndpoint ? { gcs: { apiEndpoint: gcsEndpoint } } : {});
  const bar = process.stderr.isTTY
    ? new SingleBar(
        { stream: process.stderr, format: '{name} [{bar}] {percentage}% {value}/{total} bytes', hideCursor: true },
        Presets.shades_classic,
      )
    : undefined;
  let current = '';
  try {
    return await loadModel(source, {
      onProgress: bar
        ? (name, bytes, total) => {
            if (name !== current) {
              if (current) bar.stop();
              current = name;
              bar.start(total, 0, { name });
            }
            bar.update(bytes, { name });
          }
        : undefined,
    });
  } finally {
    bar?.stop();
    await source.close();
  }
}
