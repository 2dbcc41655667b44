/**
 * Where each model object lives in GCS: from a `gs://bucket/prefix` URL (TAAR's object names under the
 * prefix, `.bz2` preferred) or from TAAR's own env vars (SPEC §5 table), so a TAAR deployment's
 * configuration works unchanged. With env vars the key is used exactly as given: a key ending `.bz2` is
 * compressed, as in TAAR's loader.
 */
import { z } from 'zod';
import { RecscoreError } from '../../errors.js';
import { MODEL_FILES, type ModelFileKind } from '../kinds/taar/files.js';
import { candidateNames } from './source.js';

export interface GcsEntry {
  kind: ModelFileKind;
  bucket: string;
  /** Acceptable object names, most preferred first. */
  names: string[];
}

export interface GcsLayout {
  location: string;
  entries: GcsEntry[];
}

/** One listing call covers every object of a bucket: the longest directory prefix they share. */
export interface GcsListing {
  bucket: string;
  prefix: string;
}

interface EnvVars {
  bucket: string;
  key: string;
  defaultBucket?: string; // TAAR's settings.py defaults, only where they name a real location
  defaultKey?: string;
}

const TAAR_ENV: Record<ModelFileKind, EnvVars> = {
  itemMatrix: { bucket: 'TAAR_ITEM_MATRIX_BUCKET', key: 'TAAR_ITEM_MATRIX_KEY' },
  addonMapping: { bucket: 'TAAR_ADDON_MAPPING_BUCKET', key: 'TAAR_ADDON_MAPPING_KEY' },
  whitelist: { bucket: 'TAAR_WHITELIST_BUCKET', key: 'TAAR_WHITELIST_KEY' },
  donors: { bucket: 'TAAR_SIMILARITY_BUCKET', key: 'TAAR_SIMILARITY_DONOR_KEY' },
  lrCurves: { bucket: 'TAAR_SIMILARITY_BUCKET', key: 'TAAR_SIMILARITY_LRCURVES_KEY' },
  locale: { bucket: 'TAAR_LOCALE_BUCKET', key: 'TAAR_LOCALE_KEY' },
  ensembleWeights: { bucket: 'TAAR_ENSEMBLE_BUCKET', key: 'TAAR_ENSEMBLE_KEY' },
  coinstall: {
    bucket: 'TAARLITE_GUID_COINSTALL_BUCKET',
    key: 'TAARLITE_GUID_COINSTALL_KEY',
    defaultBucket: 'telemetry-parquet',
    defaultKey: 'taar/lite/guid_coinstallation.json',
  },
  ranking: {
    bucket: 'TAARLITE_GUID_COINSTALL_BUCKET',
    key: 'TAARLITE_GUID_RANKING_KEY',
    defaultBucket: 'telemetry-parquet',
    defaultKey: 'taar/lite/guid_install_ranking.json',
  },
};

// GCS bucket naming rules, loosely: lowercase letters, digits, dots, dashes, underscores.
const bucketName = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/, 'not a valid GCS bucket name');

/** True when any TAAR bucket variable is set, i.e. the process is configured the way TAAR is. */
export function hasTaarEnv(env: Record<string, string | undefined>): boolean {
  return Object.values(TAAR_ENV).some((v) => !!env[v.bucket]);
}

export function layoutFromUrl(url: string, kinds: readonly ModelFileKind[]): GcsLayout {
  const m = /^gs:\/\/([^/]+)\/*(.*)$/.exec(url);
  const bucket = bucketName.safeParse(m?.[1]);
  if (!m || !bucket.success)
    throw new RecscoreError(
      'RECSCORE_CONFIG',
      `model location ${url}: expected gs://<bucket>[/<prefix>] with a valid bucket name`,
    );
  const prefix = m[2].replace(/\/+$/, '');
  return {
    location: prefix ? `gs://${bucket.data}/${prefix}` : `gs://${bucket.data}`,
    entries: kinds.map((kind) => ({ kind, bucket: bucket.data, names: candidateNames(kind, prefix) })),
  };
}

export function layoutFromEnv(env: Record<string, string | undefined>, kinds: readonly ModelFileKind[]): GcsLayout {
  const unset: string[] = [];
  const entries: GcsEntry[] = [];
  for (const kind of kinds) {
    const vars = TAAR_ENV[kind];
    const bucket = env[vars.bucket] || vars.defaultBucket;
    // Without a key variable, the production key from TAAR's README (not settings.py's `test_*_key` placeholder).
    const key = (env[vars.key] || vars.defaultKey || `${MODEL_FILES[kind]}.bz2`).replace(/^\/+/, '');
    if (!bucket) {
      unset.push(vars.bucket);
      continue;
    }
    const valid = bucketName.safeParse(bucket);
    if (!valid.success)
      throw new RecscoreError('RECSCORE_CONFIG', `${vars.bucket}=${bucket}: not a valid GCS bucket name`);
    entries.push({ kind, bucket, names: [key] });
  }
  if (unset.length > 0) {
    throw new RecscoreError(
      'RECSCORE_CONFIG',
      `TAAR model env vars incomplete: set ${[...new Set(unset)].join(', ')} (or give a gs:// location)`,
    );
  }
  const buckets = [...new Set(entries.map((e) => `gs://${e.bucket}`))];
  return { location: buckets.join(' '), entries };
}

export function listingsOf(layout: GcsLayout): GcsListing[] {
  const byBucket = new Map<string, string[]>();
  for (const e of layout.entries) byBucket.set(e.bucket, [...(byBucket.get(e.bucket) ?? []), ...e.names]);
  return [...byBucket].map(([bucket, names]) => ({ bucket, prefix: commonDirPrefix(names) }));
}

function commonDirPrefix(names: string[]): string {
  let p = names[0] ?? '';
  for (const n of names) while (!n.startsWith(p)) p = p.slice(0, -1);
  return p.slice(0, p.lastIndexOf('/') + 1);
}
