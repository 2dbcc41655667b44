/**
 * TAAR as a model kind (src/model/kind.ts): its nine JSON files decoded and packed into the layout of
 * layout.ts, opened as a PackedModel. The pack-time kernel step (ln of the LR table) is not here: it
 * needs the kernel, a higher layer (src/dispatch/kinds.ts adds it as `finish`).
 */
import type { ModelKind } from '../../kind.js';
import * as L from './layout.js';
import { loadModelSet } from './load.js';
import type { PackedMeta } from './pack-meta.js';
import { packModelSet } from './pack.js';
import { PackedModel, TAAR } from './packed-model.js';
import { DEFAULT_MINIMUMS, type UsableMinimums } from './usable.js';

/** What TAAR keeps beside its memory across threads (structured-cloneable). */
interface TaarExtra {
  meta: PackedMeta;
  guids: string[];
}

export const taarKind: ModelKind<PackedModel> = {
  name: TAAR,
  magic: L.MAGIC,
  layoutVersion: L.LAYOUT_VERSION,
  async pack(source, opts) {
    const minimums: UsableMinimums = { ...DEFAULT_MINIMUMS, ...opts.limits };
    const { version, logger, signal } = opts;
    const { set } = await loadModelSet(source, { version, logger, signal, minimums });
    const packed = packModelSet(set, version.id);
    const extra: TaarExtra = { meta: packed.meta, guids: packed.guids };
    return { kind: TAAR, memory: packed.memory, extra };
  },
  open: (parts) => new PackedModel(parts.memory, parts.extra as TaarExtra | undefined),
};
