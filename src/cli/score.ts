/**
 * `recscore score --models DIR --profiles FILE.jsonl [--limit N]`: every recommender and the ensemble for
 * each input line, one JSON line out per line in, deterministic (no random draw). Lines are shaped like
 * the vectors' profiles.jsonl: {"client_id", "profile": {...} | null, "extra_data": {...}}. A line without
 * a `profile` key is read as the server's profile files are (src/profile/profile-lines.ts: a client_info
 * object, or a raw `payload`), validated, and scored the same way; such a line used to print null/[] for
 * every recommender with no error. A line that is neither stops the command, naming file and line.
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { RecscoreError } from '../errors.js';
import type { Ranked } from '../kernel/kernel.js';
import { WasmKernel } from '../kernel/wasm-kernel.js';
import type { PackedModel } from '../model/kinds/taar/packed-model.js';
import type { ClientInfo, ExtraData } from '../profile/client-info.js';
import { parseProfileLine } from '../profile/profile-lines.js';
import { encodeClient } from '../recommend/client-features.js';
import type { WeightedIds } from '../kernel/ensemble.js';
import { scoreClient, testClientList } from '../recommend/score-client.js';
import { isTestClient } from '../recommend/test-clients.js';
import { intOption, parse, required } from './args.js';
import { openModels } from './open-models.js';

type Pairs = Array<[string, number]> | null;

export function pairs(model: PackedModel, list: WeightedIds | Ranked | null): Pairs {
  if (!list) return null;
  return model.pairs(list.ids, list.weights);
}

export interface ScoreLine {
  client_id: string;
  collaborative: Pairs;
  similarity: Pairs;
  locale: Pairs;
  ensemble: Array<[string, number]>;
  candidates: Array<[string, number]>;
  failures?: unknown[];
}

/** The deterministic score of one profile line (also used by tests and the server's parity checks). */
export function scoreLine(
  kernel: WasmKernel,
  model: PackedModel,
  clientId: string,
  profile: ClientInfo | null,
  extra: ExtraData,
  limit: number,
): ScoreLine {
  const whitelistLen = model.meta.whitelist.length;
  const test = isTestClient(clientId);
  const cd: ClientInfo | null = test ? { client_id: clientId, installed_addons: [] } : profile;
  if (!cd)
    return { client_id: clientId, collaborative: null, similarity: null, locale: null, ensemble: [], candidates: [] };
  const detail = scoreClient(kernel, model, encodeClient(model, cd, extra), [limit, whitelistLen]);
  const out: ScoreLine = {
    client_id: clientId,
    collaborative: pairs(model, detail.collaborative),
    similarity: pairs(model, detail.similarity),
    locale: pairs(model, detail.locale),
    ensemble: pairs(model, test ? testClientList(model, limit) : detail.ensembles[0])!,
    candidates: pairs(model, test ? testClientList(model, whitelistLen) : detail.ensembles[1])!,
  };
  if (detail.failures.length) out.failures = detail.failures;
  return out;
}

/** A line in the server's profile format (no `profile` key): its validated client_info. */
function serverFormatProfile(line: string, file: string, n: number): ClientInfo {
  const parsed = parseProfileLine(line, file, n);
  if (parsed?.info) return parsed.info;
  const why = parsed?.error?.message ?? `${file}:${n}: not a profile line`;
  throw new RecscoreError(
    'RECSCORE_BAD_REQUEST',
    `${why} (expected {"client_id", "profile": {…}|null, "extra_data"?} or a client_info object)`,
  );
}

export async function scoreCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    models: { type: 'string' },
    profiles: { type: 'string' },
    limit: { type: 'string' },
    debug: { type: 'boolean' },
  });
  const limit = intOption('limit', values.limit, 10, 0, 100_000);
  const file = required('profiles', values.profiles);
  await access(file).catch(() => {
    throw new RecscoreError('RECSCORE_CONFIG', `--profiles ${file}: no such readable file`);
  });
  const model = await openModels(required('models', values.models));
  const kernel = new WasmKernel(model.memory);
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n++;
    if (line.trim() === '') continue;
    let rec: { client_id?: unknown; profile?: unknown; extra_data?: unknown };
    try {
      rec = JSON.parse(line);
    } catch (e) {
      throw new RecscoreError('RECSCORE_BAD_JSON', `${file}:${n}: invalid JSON (${(e as Error).message})`);
    }
    if (typeof rec.client_id !== 'string')
      throw new RecscoreError('RECSCORE_BAD_REQUEST', `${file}:${n}: client_id must be a string`);
    const profile = Object.hasOwn(rec, 'profile')
      ? ((rec.profile ?? null) as ClientInfo | null)
      : serverFormatProfile(line, file, n);
    if (profile !== null && (typeof profile !== 'object' || Array.isArray(profile)))
      throw new RecscoreError('RECSCORE_BAD_REQUEST', `${file}:${n}: profile must be an object or null`);
    const extra = (rec.extra_data ?? {}) as ExtraData;
    process.stdout.write(JSON.stringify(scoreLine(kernel, model, rec.client_id, profile, extra, limit)) + '\n');
  }
  return 0;
}
