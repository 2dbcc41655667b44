/** Trains (once per configuration) the models the parity tests compare, from the vectors' data files. */
import { trainFromPath } from '../../src/model/kinds/sar/train/train.js';
import type { SarModel, SarParams } from '../../src/model/kinds/sar/types.js';
import { SLUG_TO_TYPE, vectorPath } from './vectors.js';

const cache = new Map<string, Promise<SarModel>>();

export interface VectorConfig {
  name: string;
  data: 'data/train.jsonl' | 'data/raw_events.jsonl';
  params: Partial<SarParams>;
  normalize: boolean;
}

/** `cooc_d1_t3`, `raw_jacc_d0_t1`, `norm_jacc_d1_t1` → what to train and how to score. */
export function parseConfig(name: string): VectorConfig {
  const m = /^(?:(raw|norm)_)?([a-z]+)_d([01])_t(\d+)$/.exec(name);
  if (!m || !SLUG_TO_TYPE[m[2]]) throw new Error(`unknown vector configuration ${name}`);
  const params: Partial<SarParams> = {
    similarity: SLUG_TO_TYPE[m[2]] as SarParams['similarity'],
    threshold: Number(m[4]),
  };
  if (m[3] === '1') params.decayHalfLifeDays = 30;
  return {
    name,
    data: m[1] === 'raw' ? 'data/raw_events.jsonl' : 'data/train.jsonl',
    params,
    normalize: m[1] === 'norm',
  };
}

export function modelFor(data: string, params: Partial<SarParams>): Promise<SarModel> {
  const key = `${data}|${JSON.stringify(params)}`;
  let p = cache.get(key);
  if (!p) cache.set(key, (p = trainFromPath(vectorPath(data), params).then((r) => r.model)));
  return p;
}
