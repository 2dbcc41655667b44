/** Opens a model location for the one-shot CLI commands: any source createModelSource accepts. */
import { loadModel } from '../model/load.js';
import type { PackedModel } from '../model/packed-model.js';
import { createModelSource } from '../model/source/index.js';

export async function openModels(location: string): Promise<PackedModel> {
  const source = createModelSource(location, process.env);
  try {
    return await loadModel(source);
  } finally {
    await source.close();
  }
}
