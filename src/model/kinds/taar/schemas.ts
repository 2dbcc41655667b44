/**
 * The shapes of TAAR's model files (SPEC §5), checked once when a file is decoded. Inside recscore the
 * decoded values are trusted. Extra keys are allowed everywhere: TAAR ignores them too.
 *
 * Files are decoded element by element (src/model/kinds/taar/decode.ts), so each file's element schema is exported
 * beside the whole-file schema built from it.
 */
import { z } from 'zod';

const finite = z.number().finite();
export const countSchema = z.number().int().nonnegative();

export const itemRowSchema = z
  .object({ id: z.number().int().min(0).max(0x7fffff), features: z.array(finite).min(1) })
  .passthrough();
export const itemMatrixSchema = z.array(itemRowSchema);

// TAAR skips an entry only when isWebextension is missing or exactly false (`.get(k, False) is False`).
export const addonEntrySchema = z
  .object({ id: z.string().min(1), isWebextension: z.unknown().optional() })
  .passthrough();
export const addonMappingSchema = z.record(z.string(), addonEntrySchema);

export const guidSchema = z.string().min(1);
export const whitelistSchema = z.array(guidSchema);

// A donor value that TAAR reads into numpy: null or a missing key becomes NaN there (SPEC §4, §10.15).
const donorNumber = z.union([finite, z.null()]).optional();
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]).optional();
export const donorSchema = z
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
  .passthrough();
export const donorsSchema = z.array(donorSchema);

export const lrEntrySchema = z.tuple([finite, z.tuple([finite, finite])]);
export const lrCurvesSchema = z.array(lrEntrySchema);

export const localeListSchema = z.array(z.tuple([z.string(), finite]));
export const localeSchema = z.record(z.string(), localeListSchema);

export const ensembleSchema = z.object({
  ensemble_weights: z.object({ collaborative: finite, similarity: finite, locale: finite }).passthrough(),
});

export const coinstallRowSchema = z.record(z.string(), countSchema);
export const coinstallSchema = z.record(z.string(), coinstallRowSchema);

export const rankingSchema = z.record(z.string(), countSchema);
