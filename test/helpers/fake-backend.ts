/**
 * Fakes of the three things the HTTP layer depends on — a Scorer, the ModelFacts and a ProfileStore —
 * with controllable latency and failures, plus a backend built from TAAR's vectors
 * (located by ./vectors.ts) whose scorer answers each client's recorded `manager_candidates`.
 */
import { createHash } from 'node:crypto';
import { RecscoreError } from '../../src/errors.js';
import type { ClientInfo } from '../../src/profile/client-info.js';
import type { ProfileStore } from '../../src/profile/store.js';
import type {
  ModelFacts,
  Pick,
  RecommenderFailure,
  RecommenderName,
  Scorer,
  ScoreInput,
  ScoreOutput,
  WeightedList,
} from '../../src/recommend/contracts.js';
import { shedError } from '../../src/resilience/shed.js';
import { draw } from '../../src/recommend/draw.js';
import { seededRandom } from '../../src/seeded-random.js';
import { readVectorText, VECTORS } from './vectors.js';

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** TAAR's test-client weight: (int(sha256_hex(guid), 16) % 100) / 100 (SPEC §3.2). */
export function testClientWeight(guid: string): number {
  const hex = createHash('sha256').update(guid, 'utf8').digest('hex');
  return Number(BigInt(`0x${hex}`) % 100n) / 100;
}

/** Key of a TAAR-lite query; an absent `normalize` differs from `?normalize=` (TAAR: default vs unknown). */
export function liteKey(guid: string, normalize?: string): string {
  return normalize === undefined ? `${guid}\u0001` : `${guid}\u0000${normalize}`;
}

export interface FakeFactsData {
  version?: string;
  whitelist: string[];
  testClientCandidates?: WeightedList;
  locales?: Record<string, WeightedList>;
  globalTop?: WeightedList;
  /** liteKey(guid, normalize) → TAAR-lite answer (unknown key → []). */
  related?: Map<string, Array<[string, string]>>;
}

export function fakeFacts(data: FakeFactsData): ModelFacts & { relatedCalls: number } {
  const locales = new Map(Object.entries(data.locales ?? {}));
  const facts = {
    version: data.version ?? 'fake-v1',
    whitelist: data.whitelist,
    testClientCandidates:
      data.testClientCandidates ?? data.whitelist.map((g): [string, number] => [g, testClientWeight(g)]),
    globalTop: data.globalTop ?? [],
    relatedCalls: 0,
    localeTop: (locale: string) => locales.get(locale),
    related(guid: string, normalize: string | undefined, limit: number) {
      facts.relatedCalls++;
      return (data.related?.get(liteKey(guid, normalize)) ?? []).slice(0, limit);
    },
  };
  return facts;
}

/** A Pick applied to whole lists, as the pool's workers apply it to typed arrays (src/dispatch/worker.ts). */
function pickFrom(candidates: WeightedList, pick: Pick, top?: WeightedList): WeightedList {
  return pick.mode === 'draw'
    ? draw(candidates, pick.size, seededRandom(pick.seed))
    : (top ?? candidates).slice(0, pick.size);
}

/** A Scorer whose answer, latency and failure mode the test sets. */
export class FakeScorer implements Scorer {
  delayMs = 0;
  failWith: Error | undefined;
  shed = false;
  failures: RecommenderFailure[] = [];
  contributed: RecommenderName[] = ['collaborative', 'similarity', 'locale'];
  modelVersion = 'fake-v1';
  /** The ensemble with limit 10, picked with the draw off; the first candidates when undefined. */
  top: WeightedList | undefined;
  calls = 0;
  /** Completed calls whose result arrived after their deadline. */
  late = 0;
  constructor(public candidatesFor: (input: ScoreInput) => WeightedList) {}

  async score(input: ScoreInput, deadline: number): Promise<ScoreOutput> {
    this.calls++;
    if (this.shed) throw shedError(100);
    if (this.delayMs > 0) await sleep(this.delayMs);
    if (performance.now() > deadline) this.late++;
    if (this.failWith) throw this.failWith;
    const candidates = this.candidatesFor(input);
    return {
      modelVersion: this.modelVersion,
      picked: pickFrom(candidates, input.pick, this.top),
      candidateCount: candidates.length,
      contributed: this.contributed,
      failures: this.failures,
    };
  }
}

/** A ProfileStore over a Map, with settable latency and failure. Honors the abort signal as the real ones do. */
export class FakeProfileStore implements ProfileStore {
  readonly kind = 'fake';
  delayMs = 0;
  failWith: Error | undefined;
  calls = 0;
  aborted = 0;
  closed = false;
  constructor(public profiles: Map<string, ClientInfo> = new Map()) {}

  async get(clientId: string, signal?: AbortSignal): Promise<ClientInfo | null> {
    this.calls++;
    try {
      if (this.delayMs > 0) await sleep(this.delayMs, signal);
    } catch (e) {
      this.aborted++;
      throw new RecscoreError('RECSCORE_PROFILE_READ_ABORTED', 'profile read aborted', undefined, { cause: e });
    }
    if (this.failWith) throw this.failWith;
    return this.profiles.get(clientId) ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A small synthetic backend: 30 whitelisted GUIDs, candidates with strictly decreasing weights. */
export function syntheticBackend(candidateCount = 30) {
  const whitelist = Array.from({ length: 30 }, (_, i) => `addon-${String(i).padStart(2, '0')}@example.net`);
  const candidates: WeightedList = Array.from({ length: candidateCount }, (_, i) => [
    `cand-${String(i).padStart(2, '0')}@example.net`,
    100 - i * 3,
  ]);
  const facts = fakeFacts({
    whitelist,
    locales: {
      de: whitelist.slice(0, 12).map((g, i): [string, number] => [g, 0.5 - i * 0.01]),
      'en-US': whitelist.slice(5, 15).map((g, i): [string, number] => [g, 0.3 - i * 0.01]),
      fa: [],
    },
    globalTop: whitelist.slice(10, 30).map((g, i): [string, number] => [g, 10_000 - i * 100]),
    related: new Map([
      [
        liteKey('four@example.net'),
        [
          ['r1', '4'],
          ['r2', '3'],
          ['r3', '2'],
          ['r4', '1'],
        ],
      ],
      [
        liteKey('four@example.net', 'row_count'),
        [
          ['r4', '4'],
          ['r3', '3'],
          ['r2', '2'],
          ['r1', '1'],
        ],
      ],
      [
        liteKey('two@example.net'),
        [
          ['r1', '2'],
          ['r2', '1'],
        ],
      ],
    ]),
  });
  const known: ClientInfo = {
    client_id: 'a'.repeat(63) + 'b',
    installed_addons: ['installed@example.net'],
    locale: 'de',
  };
  const noLocale: ClientInfo = { client_id: 'c'.repeat(63) + 'd', installed_addons: [], locale: '' };
  const profiles = new FakeProfileStore(
    new Map([
      [known.client_id, known],
      [noLocale.client_id, noLocale],
    ]),
  );
  const scorer = new FakeScorer(() => candidates);
  return { facts, scorer, profiles, candidates, whitelist, known, noLocale };
}

function jsonLines<T>(file: string, keep: (line: string) => boolean = () => true): T[] {
  return readVectorText(`${VECTORS}/${file}`)
    .split('\n')
    .filter((l) => l.trim() !== '' && keep(l))
    .map((l) => JSON.parse(l) as T);
}

export interface TaarliteVector {
  case: string;
  guid: string;
  normalize?: string;
  recommend: Array<[string, string]>;
  endpoint: { status: number; body?: { results: string[] } };
}

export interface HttpVector {
  name: string;
  method: string;
  path: string;
  body: unknown;
  raw_body: string | null;
  status: number;
  response_json: unknown;
  deterministic: boolean;
}

/**
 * A backend from TAAR's vectors: the profiles of profiles.jsonl, each client's `manager_candidates`
 * for `clientIds` (reading all 291 would parse 9 MB), the test-client candidates, and every TAAR-lite answer.
 */
export function vectorBackend(clientIds: string[]) {
  type Rec = { client_id: string; is_test_client: boolean; manager_candidates: WeightedList };
  const wanted = new Set(clientIds);
  const recs = jsonLines<Rec>(
    'expected_recommendations.jsonl',
    (l) => clientIds.some((id) => l.includes(id)) || l.includes('"case": "test_client_zeros"'),
  );
  const candidates = new Map(
    recs.filter((r) => wanted.has(r.client_id)).map((r) => [r.client_id, r.manager_candidates]),
  );
  const testClientCandidates = recs.find((r) => r.is_test_client)?.manager_candidates ?? [];
  const profiles = new Map<string, ClientInfo>();
  for (const p of jsonLines<{ client_id: string; profile: ClientInfo | null }>('profiles.jsonl'))
    if (p.profile) profiles.set(p.client_id, p.profile);
  const lite = jsonLines<TaarliteVector>('expected_taarlite.jsonl');
  const related = new Map(lite.map((v) => [liteKey(v.guid, v.normalize), v.recommend]));
  const facts = fakeFacts({
    version: 'vectors',
    whitelist: testClientCandidates.map(([g]) => g),
    testClientCandidates,
    related,
    globalTop: testClientCandidates.slice(0, 20),
  });
  const scorer = new FakeScorer((input) => candidates.get(input.clientInfo.client_id) ?? []);
  scorer.modelVersion = 'vectors';
  return {
    facts,
    scorer,
    profiles: new FakeProfileStore(profiles),
    candidates,
    lite,
    http: jsonLines<HttpVector>('expected_http.jsonl'),
  };
}

export { seededRandom } from '../../src/seeded-random.js';
