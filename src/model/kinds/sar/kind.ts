/**
 * SAR as a model kind (src/model/kind.ts): a trained `.sarm` file (one read, checked in full) copied into
 * a fresh shared memory at MODEL_BASE (packed-model.ts), opened as a SarPackedModel. Training is not a
 * load step: `recscore sar train` writes the file off the serving path; a source pins one file's version
 * (a local file, or a gs:// object's generation).
 */
import type { ModelKind } from '../../kind.js';
import { ModelError } from '../../../errors.js';
import * as L from './pack/layout.js';
import { SAR, SarPackedModel, sarMemory } from './packed-model.js';
import { SarGcsSource } from './gcs-source.js';
import { SarFileSource } from './source.js';

/** Beside the memory across threads: whether the packing thread already verified the checksum. */
interface SarExtra {
  verified: boolean;
}

export const sarKind: ModelKind<SarPackedModel> = {
  name: SAR,
  magic: L.SAR_MAGIC,
  layoutVersion: L.SAR_FORMAT_VERSION,
  createSource: (location, opts) =>
    location.startsWith('gs://') ? new SarGcsSource(location, opts?.gcs) : new SarFileSource(location),
  async pack(source, opts) {
    const objects = opts.version.objects.filter((o) => o.kind === 'sarModel');
    if (objects.length !== 1) {
      const where = source.location;
      throw new ModelError('RECSCORE_MODEL_MISSING', where, `expected one packed SAR model, found ${objects.length}`);
    }
    const bytes = await source.read(objects[0], { signal: opts.signal });
    const memory = sarMemory(bytes.length, opts.version.id, (image) => image.set(bytes));
    // Checked in full here (checksum, bounds, CSR shapes, ids), so the opening thread need not hash again.
    new SarPackedModel(memory);
    const extra: SarExtra = { verified: true };
    return { kind: SAR, memory, extra };
  },
  open(parts) {
    const verified = (parts.extra as SarExtra | undefined)?.verified === true;
    return new SarPackedModel(parts.memory, { verifyChecksum: !verified });
  },
};
