/**
 * model source bytes → validated TaarModelSet. Each file is decoded (bz2 when its name ends in .bz2,
 * then UTF-8 JSON), checked against its schema (src/model/schemas.ts) and converted to the typed shape
 * of src/model/types.ts. Every failure is a ModelError naming the object and the problem.
 */
import type { ZodType } from 'zod';
import { ModelError } from '../errors.js';
import { decompressBz2 } from './bz2.js';
import type { ModelFileKind } from './files.js';
import * as S from './schemas.js';
import type { AddonMappingEntry, Donor, EnsembleWeights, ItemRow, TaarModelSet } from './types.js';

export async function decodeJson(name: string, bytes: Buffer): Promise<unknown> {
  const raw = name.endsWith('.bz2') ? await decompressBz2(name, bytes) : bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch (e) {
    throw new ModelError('RECSCORE_MODEL_DECODE', name, 'not valid UTF-8', { cause: e });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelError('RECSCORE_MODEL_DECODE', name, `invalid JSON (${(e as Error).message})`, { cause: e });
  }
}

function check<T>(name: string, schema: ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue.path.length ? issue.path.join('.') : '(root)';
  throw new ModelError('RECSCORE_MODEL_SCHEMA', name, `at ${where}: ${issue.message}`);
}

const entries = <V>(o: Record<string, V>): Map<string, V> => new Map(Object.entries(o));
const num = (v: number | null | undefined): number => (v === null || v === undefined ? NaN : v);

/** Converts one decoded file to its typed part of the model set. */
export function convertModelFile(kind: ModelFileKind, name: string, value: unknown): Partial<TaarModelSet> {
  switch (kind) {
    case 'itemMatrix':
      return { itemMatrix: check(name, S.itemMatrixSchema, value) as ItemRow[] };
    case 'addonMapping':
      return { addonMapping: entries(check(name, S.addonMappingSchema, value)) as Map<string, AddonMappingEntry> };
    case 'whitelist':
      return { whitelist: check(name, S.whitelistSchema, value) };
    case 'donors':
      return {
        donors: check(name, S.donorsSchema, value).map(
          (d): Donor => ({
            activeAddons: d.active_addons,
            continuous: [num(d.subsession_length), num(d.bookmark_count), num(d.tab_open_count), num(d.total_uri), num(d.unique_tlds)],
            categorical: [d.geo_city ?? null, d.locale ?? null, d.os ?? null],
          }),
        ),
      };
    case 'lrCurves':
      return { lrCurves: check(name, S.lrCurvesSchema, value).map(([x, [n, d]]) => [x, n, d] as [number, number, number]) };
    case 'locale':
      return { locale: entries(check(name, S.localeSchema, value)) };
    case 'ensembleWeights':
      return { ensembleWeights: check(name, S.ensembleSchema, value).ensemble_weights as EnsembleWeights };
    case 'coinstall': {
      const rows = check(name, S.coinstallSchema, value);
      return { coinstall: new Map(Object.entries(rows).map(([k, row]) => [k, Object.entries(row)])) };
    }
    case 'ranking':
      return { ranking: entries(check(name, S.rankingSchema, value)) };
  }
}

export async function decodeModelFile(kind: ModelFileKind, name: string, bytes: Buffer): Promise<Partial<TaarModelSet>> {
  return convertModelFile(kind, name, await decodeJson(name, bytes));
}
