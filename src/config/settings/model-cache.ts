/** The registry's models in the serving path (issue #13): how much shared memory their versions may hold. */
import { byteSize } from '../values.js';
import { setting, type Setting } from './define.js';

export const MODEL_CACHE_SETTINGS = {
  modelMemory: setting({
    env: 'RECSCORE_MODEL_MEMORY',
    flag: 'model-memory',
    kind: byteSize(1 << 20, 2 ** 46),
    default: 4 * 2 ** 30,
    shown: '4GiB',
    doc: 'Shared memory for registry models loaded side by side; the least recently used is released beyond it',
  }),
} satisfies Record<string, Setting<unknown>>;
