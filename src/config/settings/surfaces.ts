/** Ranking surfaces and experiments (src/pipeline/surfaces/, src/pipeline/experiments/). */
import { byteSize, int, text } from '../values.js';
import { optional, setting, type Setting } from './define.js';

export const SURFACE_SETTINGS = {
  surfaces: optional({
    env: 'RECSCORE_SURFACES',
    flag: 'surfaces',
    kind: text(),
    doc:
      'Surfaces and experiments file (JSON or YAML; re-read on SIGHUP, a bad file keeps the old one); ' +
      'unset: only the built-in `taar` surface',
  }),
  catalog: optional({
    env: 'RECSCORE_CATALOG',
    flag: 'catalog',
    kind: text(),
    doc:
      'Item attributes for surface filters and diversity: a Product Recommendations catalog CSV ' +
      '(`id,name,category,description,key=value,…`) or JSONL `{"id", …}`; re-read on SIGHUP with the surfaces file',
  }),
  catalogMaxBytes: setting({
    env: 'RECSCORE_CATALOG_MAX_BYTES',
    flag: 'catalog-max-bytes',
    kind: byteSize(1024, 2 ** 40),
    default: 256 * 2 ** 20,
    shown: '256MiB',
    doc: 'Largest catalog file accepted (a larger one is refused before it is read)',
  }),
  experimentResultsCacheS: setting({
    env: 'RECSCORE_EXPERIMENT_RESULTS_CACHE_S',
    flag: 'experiment-results-cache-s',
    kind: int(0, 3_600),
    default: 30,
    doc: 'Seconds an experiment results answer is reused for the same experiment and days (0: read the log each time)',
  }),
  experimentResultsCacheEntries: setting({
    env: 'RECSCORE_EXPERIMENT_RESULTS_CACHE_ENTRIES',
    flag: 'experiment-results-cache-entries',
    kind: int(1, 10_000),
    default: 100,
    doc: 'Experiment results answers kept (experiment × days; the least recently used goes first)',
  }),
} satisfies Record<string, Setting<unknown>>;
