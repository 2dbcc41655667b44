/**
 * Synthetic usage logs for tests and benchmarks, shaped like the vectors' generator describes (SPEC §11):
 * Zipf item popularity, users in latent taste clusters that boost a share of the catalogue, event
 * weights 1/2/3/4 (click, recommendation click, add to cart, purchase) and ~1 % RemoveShopCart (−1),
 * times spread over `days`. Deterministic for a seed; streamed, so 9M events need no 9M-element arrays.
 */
import { seededRandom } from '../../../seeded-random.js';

export interface SynthOptions {
  users: number;
  items: number;
  events: number;
  seed?: number;
  clusters?: number;
  days?: number;
  tStart?: number;
}

export interface SynthEvent {
  user: string;
  item: string;
  rating: number;
  timestamp: number;
}

export function* synthEvents(o: SynthOptions): Generator<SynthEvent> {
  const rand = seededRandom(o.seed ?? 20261122);
  const clusters = Math.max(1, o.clusters ?? 6);
  const days = o.days ?? 120;
  const t0 = o.tStart ?? 1700000000;
  const pad = (p: string, n: number, w: number) => `${p}${String(n).padStart(w, '0')}`;
  const uw = String(o.users - 1).length;
  const iw = String(o.items - 1).length;
  // Zipf(1) popularity: cumulative weights over a random permutation of items, so popular ids scatter.
  const perm = Array.from({ length: o.items }, (_, i) => i);
  for (let i = perm.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const cum = new Float64Array(o.items);
  let s = 0;
  for (let r = 0; r < o.items; r++) cum[r] = s += 1 / (r + 1);
  const draw = (): number => {
    const x = rand() * s;
    let lo = 0;
    let hi = o.items - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return perm[lo];
  };
  const userCluster = new Int32Array(o.users);
  for (let u = 0; u < o.users; u++) userCluster[u] = Math.floor(rand() * clusters);
  const clusterOf = (item: number) => item % clusters;
  for (let e = 0; e < o.events; e++) {
    const u = Math.floor(rand() * o.users);
    // Taste: retry a draw a few times for an item of the user's cluster (a ~6× boost).
    let item = draw();
    for (let tries = 0; tries < 5 && clusterOf(item) !== userCluster[u]; tries++) item = draw();
    const p = rand();
    const rating = p < 0.01 ? -1 : p < 0.5 ? 1 : p < 0.65 ? 2 : p < 0.85 ? 3 : 4;
    const timestamp = t0 + Math.floor(rand() * days * 86400);
    yield { user: pad('u', u, uw), item: pad('i', item, iw), rating, timestamp };
  }
}

export function formatEvent(e: SynthEvent, format: 'jsonl' | 'csv'): string {
  if (format === 'jsonl') return JSON.stringify(e);
  const type =
    e.rating === -1 ? 'RemoveShopCart' : ['', 'Click', 'RecommendationClick', 'AddShopCart', 'Purchase'][e.rating];
  return `${e.user},${e.item},${new Date(e.timestamp * 1000).toISOString().slice(0, 19)},${type}`;
}
