/**
 * client_info → what each recommender needs, with TAAR's can_recommend rules (SPEC §6.1–§6.3), encoded
 * for the kernel against one packed model's dictionaries. Pure and cheap: runs on the main thread.
 */
import { RecscoreError } from '../errors.js';
import { positiveHash } from '../model/kinds/taar/addon-hash.js';
import { MAX_INSTALLED } from '../model/kinds/taar/layout.js';
import type { PackedModel } from '../model/kinds/taar/packed-model.js';
import { CATEGORICAL_FEATURES, CONTINUOUS_FEATURES } from '../model/kinds/taar/types.js';
import type { ClientInfo, ExtraData } from '../profile/client-info.js';

const SIMILARITY_KEYS = [...CATEGORICAL_FEATURES, ...CONTINUOUS_FEATURES];

export type SimilarityInput =
  | { kind: 'ok'; cont: Float64Array; cat: Int32Array }
  | { kind: 'cannot' } // a feature is missing or null: TAAR's can_recommend is false
  | { kind: 'invalid'; message: string }; // a value TAAR would crash on (e.g. a string count)

export interface EncodedClient {
  /** len(installed_addons), unknown GUIDs and duplicates included: TAAR's extended limit uses it */
  installedCount: number;
  /** GUID ids of the installed add-ons the model knows, each once, in first-occurrence order */
  installedIds: readonly number[];
  hashes: Int32Array;
  canCollaborative: boolean;
  similarity: SimilarityInput;
  /** index of the locale list to use, or undefined when the locale recommender cannot recommend */
  localeList: number | undefined;
}

/** Python truthiness for the JSON scalars a profile can hold. */
const truthy = (v: unknown) => v !== undefined && v !== null && v !== '' && v !== 0 && v !== false;

function encodeSimilarity(model: PackedModel, cd: ClientInfo): SimilarityInput {
  const rec = cd as unknown as Record<string, unknown>;
  for (const k of SIMILARITY_KEYS) if (rec[k] === undefined || rec[k] === null) return { kind: 'cannot' };
  const cont = new Float64Array(5);
  for (let i = 0; i < 5; i++) {
    const v = rec[CONTINUOUS_FEATURES[i]];
    if (typeof v === 'number') cont[i] = v;
    else if (typeof v === 'boolean')
      cont[i] = v ? 1 : 0; // Python bools are ints
    else return { kind: 'invalid', message: `${CONTINUOUS_FEATURES[i]} must be a number, got ${typeof v}` };
  }
  // Python `!=`: a value no donor has can never match; JSON text keeps 5 and "5" apart as Python does.
  const cat = new Int32Array(3);
  for (let i = 0; i < 3; i++) cat[i] = model.categoricalIds.get(JSON.stringify(rec[CATEGORICAL_FEATURES[i]])) ?? -1;
  return { kind: 'ok', cont, cat };
}

/**
 * The request boundary for the kernel's fixed scratch: a profile with more installed add-ons than the
 * kernel holds (MAX_INSTALLED) fails this request only, before it joins a batch. Firefox profiles have
 * tens of add-ons; thousands are bad data, and capping them would silently change TAAR's answer.
 */
export function encodeClient(model: PackedModel, cd: ClientInfo, extra: ExtraData): EncodedClient {
  const installed = Array.isArray(cd.installed_addons) ? cd.installed_addons : [];
  if (installed.length > MAX_INSTALLED) {
    const message = `installed_addons has ${installed.length} entries; at most ${MAX_INSTALLED} are scored`;
    throw new RecscoreError('RECSCORE_PROFILE_INVALID', message);
  }
  const installedIds = knownIds(model.guidIds, installed);
  const loc = truthy(cd.locale) ? cd.locale : truthy(extra.locale) ? extra.locale : undefined;
  const li = typeof loc === 'string' ? model.localeIndex.get(loc) : undefined;
  const nonEmpty = li !== undefined && model.localeOffs[li + 1] > model.localeOffs[li];
  return {
    installedCount: installed.length,
    installedIds,
    hashes: hashesOf(installed),
    canCollaborative: installed.length > 0,
    similarity: encodeSimilarity(model, cd),
    localeList: nonEmpty ? li : undefined,
  };
}

function hashesOf(installed: readonly unknown[]): Int32Array {
  const out = new Int32Array(installed.length);
  for (let i = 0; i < installed.length; i++) out[i] = positiveHash(installed[i] as string);
  return out;
}

// Runs per scored request: an indexed loop, and a Set only for lists long enough to need one (a scan of the
// few ids a profile holds costs less than building a Set).
function knownIds(guidIds: ReadonlyMap<string, number>, installed: readonly unknown[]): number[] {
  const ids: number[] = [];
  const seen = installed.length > SCAN_MAX ? new Set<number>() : undefined;
  for (let i = 0; i < installed.length; i++) {
    const id = guidIds.get(installed[i] as string);
    if (id === undefined) continue;
    if (seen) {
      if (seen.has(id)) continue;
      seen.add(id);
    } else if (ids.includes(id)) continue;
    ids.push(id);
  }
  return ids;
}

const SCAN_MAX = 32;
