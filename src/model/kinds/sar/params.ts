/** Validation of SAR training parameters (SPEC §1): bad values are RECSCORE_CONFIG errors. */
import { RecscoreError } from '../../../errors.js';
import { DEFAULT_PARAMS, SIMILARITY_TYPES, type SarParams, type SimilarityType } from './types.js';

/** Accepts the CLI's dashed names and PY's spaced ones ("inclusion index"). */
export function similarityType(name: string): SimilarityType {
  const t = name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if (!(SIMILARITY_TYPES as readonly string[]).includes(t)) {
    throw new RecscoreError(
      'RECSCORE_CONFIG',
      `unknown similarity "${name}"; expected one of ${SIMILARITY_TYPES.join(', ')}`,
    );
  }
  return t as SimilarityType;
}

export function validateParams(p: Partial<SarParams>): SarParams {
  const out: SarParams = { ...DEFAULT_PARAMS, ...p };
  out.similarity = similarityType(out.similarity);
  if (!Number.isInteger(out.threshold) || out.threshold < 1) {
    throw new RecscoreError('RECSCORE_CONFIG', `threshold must be an integer ≥ 1, got ${out.threshold}`);
  }
  if (out.decayHalfLifeDays !== undefined && !(Number.isFinite(out.decayHalfLifeDays) && out.decayHalfLifeDays > 0)) {
    throw new RecscoreError(
      'RECSCORE_CONFIG',
      `decay half-life must be a positive number of days, got ${out.decayHalfLifeDays}`,
    );
  }
  if (out.referenceTime !== undefined && !Number.isFinite(out.referenceTime)) {
    throw new RecscoreError('RECSCORE_CONFIG', `reference time must be finite epoch seconds, got ${out.referenceTime}`);
  }
  if (out.unit !== 'user' && out.unit !== 'timestamp') {
    throw new RecscoreError('RECSCORE_CONFIG', `unit must be "user" or "timestamp", got "${out.unit}"`);
  }
  return out;
}
