/**
 * The shapes of TAAR's model files (SPEC §5), checked once when a file is decoded. Inside recscore the
 * decoded values are trusted. Extra keys are allowed everywhere: TAAR ignores them too.
 */
import { z } from 'zod';

const finite = z.number().finite();
const count = z.number().int().nonnegative();

export const itemMatrixSchema = z.array(
  z.object({ id: z.number().int().min(0).max(0x7fffff), features: z.array(finite).min(1) }).passthrough(),
);

export const addonMappingSchema = z.record(
  z.string(),
  // TAAR skips an entry only when isWebextension is missing or exactly false (`.get(k, False) is False`).
  z.object({ id: z.string().min(1), isWebextension: z.unknown().optional() }).passthrough(),
);

export const whitelistSchema = z.array(z.string().min(1));

// A donor value that TAAR reads into numpy: null or a missing key becomes NaN there (SPEC §4, §10.15).
const donorNumber = z.union([finite, z.null()]).optional();
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]).optional();
export const donorsSchema = z.array(
  z
    .object({
      active_addons: z.array(z.string()),
      geo_city: scalar,
      locale: scalar,
      os: scalar,
      subsession_length: donorNumber,
      bookmark_count: donorNumber,
      tab_open_count: donorNumber,
      total_uri: donorNumber,
      unique_tlds: donorNumber,
    })
    .passthrough(),
);

export const lrCurvesSchema = z.array(z.tuple([finite, z.tuple([finite, finite])]));

export const localeSchema = z.record(z.string(), z.array(z.tuple([z.string(), finite])));

export const ensembleSchema = z.object({
  ensemble_weights: z.object({ collaborative: finite, similarity: finite, locale: finite }).passthrough(),
});

export const coinstallSchema = z.record(z.string(), z.record(z.string(), count));

export const rankingSchema = z.record(z.string(), count);
