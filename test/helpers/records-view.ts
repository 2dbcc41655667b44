/**
 * Registry records for serving tests: an in-memory RecordsView (the registry store's read side, which the
 * registry helper implements for real) and real `.sarm` artifacts trained from the SAR fixtures.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { writeModel } from '../../src/model/kinds/sar/pack/pack.js';
import type { SarParams } from '../../src/model/kinds/sar/types.js';
import type { ModelParameters, ModelRecord, RecordsView } from '../../src/model/records/record.js';
import { modelFor } from '../sar/model-cache.js';

export class MemoryRecords implements RecordsView {
  readonly #records = new Map<string, ModelRecord>();
  #default: string | undefined;
  readonly #listeners = new Set<() => void>();

  get(id: string): ModelRecord | undefined {
    return this.#records.get(id);
  }
  list(): readonly ModelRecord[] {
    return [...this.#records.values()];
  }
  defaultId(): string | undefined {
    return this.#default;
  }
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  put(record: ModelRecord): ModelRecord {
    this.#records.set(record.id, record);
    this.#emit();
    return record;
  }
  delete(id: string): void {
    this.#records.delete(id);
    if (this.#default === id) this.#default = undefined;
    this.#emit();
  }
  setDefault(id: string | undefined): void {
    this.#default = id;
    this.#emit();
  }
  #emit(): void {
    for (const l of this.#listeners) l();
  }
}

export const PARAMETERS: ModelParameters = {
  usage: 'train.jsonl',
  similarityFunction: 'jaccard',
  supportThreshold: 1,
  cooccurrenceUnit: 'user',
  enableUserAffinity: true,
  decayPeriodInDays: 30,
  enableBackfilling: true,
  allowSeedItemsInRecommendations: false,
  enableUserToItemRecommendations: true,
};

/** A Completed SAR record naming `artifact`. */
export function sarRecord(artifact: string | undefined, overrides: Partial<ModelRecord> = {}): ModelRecord {
  const { parameters, ...rest } = overrides;
  return {
    id: randomUUID(),
    kind: 'sar',
    description: 'test model',
    creationTime: new Date().toISOString(),
    modelStatus: 'Completed',
    modelStatusMessage: '',
    parameters: { ...PARAMETERS, ...parameters },
    ...(artifact ? { artifact } : {}),
    ...rest,
  };
}

/** Trains the fixtures' training log with `params` (once per configuration) and writes it to dir/name.sarm. */
export async function sarArtifact(dir: string, name: string, params: Partial<SarParams> = {}): Promise<string> {
  const file = join(dir, `${name}.sarm`);
  await writeModel(file, await modelFor('data/train.jsonl', { decayHalfLifeDays: 30, ...params }));
  return file;
}
