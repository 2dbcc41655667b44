/** Ranking surfaces and experiments (src/pipeline/surfaces/, src/pipeline/experiments/). */
import { text } from '../values.js';
import { optional, type Setting } from './define.js';

export const SURFACE_SETTINGS = {
  surfaces: optional({
    env: 'RECSCORE_SURFACES',
    flag: 'surfaces',
    kind: text(),
    doc:
      'Surfaces and experiments file (JSON or YAML; re-read on SIGHUP, a bad file keeps the old one); ' +
      'unset: only the built-in `taar` surface',
  }),
} satisfies Record<string, Setting<unknown>>;
