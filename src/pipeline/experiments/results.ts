/**
 * `GET /v1/experiments/{id}/results`: per variant over the days `from`..`to` (default the last 7 UTC days)
 * of the event log: clients (HyperLogLog), impressions, clicks, installs, click-through and install rates
 * per impression with Wilson intervals, the difference of each variant to control (the first variant) with a
 * two-proportion z-test, and a sample-ratio-mismatch check of the clients per variant against the weights
 * (not for interleaving, where every client sees both variants), on exact counts within a uniform sample of
 * the clients (client-sample.ts: the HyperLogLog estimates' error would itself read as a mismatch), and the
 * same check of the share of the surface's clients inside the experiment against its allocation.
 *
 * Attribution: an impression carries its variant in context `variant` (the served log writes it, one event
 * per answer with its `items`; interleaving: per item in `item_variants`), counted once per listed item; a
 * click or install carries it too when the client sent it, else it inherits the variant of the impression
 * with the same request id and item (interleaving: the variant that placed that item, so the click is credited to it),
 * else of any impression of that request. Events that match no impression of the experiment are not counted.
 * Reads the log once. Memory is bounded whatever the range: at most `maxKeys` impressions are remembered for
 * attribution (the oldest forgotten first: a click that comes after that many later impressions goes
 * unattributed, and is counted so), at most `maxKeys` early outcomes wait for their impression, and the
 * range is at most 92 days.
 */
import { daysBetween, dayOf, addDays } from '../../events/day.js';
import { HllSketch } from '../../events/hll/sketch.js';
import { variantAt, type StoredEvent } from '../../events/event.js';
import type { EventStore } from '../../events/store.js';
import type { ExperimentConfig } from '../surfaces/schema.js';
import { parseVariantTag } from './assign.js';
import { ClientSample } from './client-sample.js';
import { sampleRatioMismatch, twoProportion, wilson } from './tests.js';

/** Attribution entries kept (request id × item, request id, early outcomes): ~100 MB at most. */
export const MAX_ATTRIBUTION_KEYS = 500_000;
const MAX_RANGE_DAYS = 92;

interface Tally {
  clients: HllSketch;
  impressions: number;
  clicks: number;
  installs: number;
}

export async function experimentResults(
  store: EventStore,
  e: ExperimentConfig,
  from?: string,
  to?: string,
  now = Date.now(),
  maxKeys = MAX_ATTRIBUTION_KEYS,
) {
  const last = to ?? dayOf(now);
  const first = from ?? addDays(last, -6);
  daysBetween(first, last, MAX_RANGE_DAYS); // validates both days and the range
  const names = e.variants.map((v) => v.name);
  const tallies = new Map<string, Tally>(
    names.map((n) => [n, { clients: new HllSketch(), impressions: 0, clicks: 0, installs: 0 }]),
  );
  const byItem = new Map<string, string>(); // request id \0 item → variant
  const byRequest = new Map<string, string>(); // request id → variant
  const pending: StoredEvent[] = []; // outcomes read before their impression
  const sample = new ClientSample();
  // Allocation: of the clients the surface answered, fallback answers included, how many are in the
  // experiment. A surface's answers name it in context `surface`; TAAR's routes (the `taar` surface) write
  // none, and neither did answers logged before it was recorded: those count for the surface their
  // `served_by: surface:<name>` names, else for `taar`.
  const membership = e.allocation <= 0 || e.allocation >= 1 ? undefined : new ClientSample();
  const surfaceOf = (ev: StoredEvent): string => {
    const c = ev.context;
    if (c?.surface !== undefined) return c.surface;
    return c?.served_by?.startsWith('surface:') ? c.served_by.slice('surface:'.length) : 'taar';
  };
  let unattributed = 0;

  const variantOf = (ev: StoredEvent): string | undefined => {
    const own = parseVariantTag(ev.context?.variant)[e.id];
    if (own !== undefined) return own;
    if (ev.request_id === undefined) return undefined;
    return (
      (ev.item !== undefined ? byItem.get(`${ev.request_id}\u0000${ev.item}`) : undefined) ??
      byRequest.get(ev.request_id)
    );
  };
  // Insertion order is age: past the bound, the oldest impression is forgotten.
  const remember = (m: Map<string, string>, key: string, v: string) => {
    if (m.size >= maxKeys && !m.has(key)) m.delete(m.keys().next().value!);
    m.set(key, v);
  };
  const count = (ev: StoredEvent, v: string) => {
    const t = tallies.get(v);
    if (!t) return;
    if (ev.type === 'click') t.clicks++;
    else t.installs++;
  };

  // One listed item of an impression event, placed by the variants of `tag`.
  const impression = (ev: StoredEvent, item: string | undefined, tag: string | undefined) => {
    const v = parseVariantTag(tag)[e.id];
    const t = v === undefined ? undefined : tallies.get(v);
    if (!t || v === undefined) return;
    t.impressions++;
    t.clients.add(ev.client_id);
    if (ev.request_id !== undefined) {
      if (item !== undefined) remember(byItem, `${ev.request_id}\u0000${item}`, v);
      remember(byRequest, ev.request_id, v);
    }
  };

  for await (const ev of store.read(first, last)) {
    if (ev.type === 'impression') {
      // The sample-ratio and allocation checks: the client once per answer, in the answer's variant.
      const mine = parseVariantTag(ev.context?.variant)[e.id];
      if (!e.interleave && mine !== undefined && tallies.has(mine)) sample.add(ev.client_id, mine);
      if (membership && ev.items !== undefined && surfaceOf(ev) === e.surface)
        membership.add(ev.client_id, mine === undefined ? 'out' : 'in');
      if (ev.items === undefined) impression(ev, ev.item, ev.context?.variant);
      else for (let k = 0; k < ev.items.length; k++) impression(ev, ev.items[k], variantAt(ev, k));
    } else if (ev.type === 'click' || ev.type === 'install') {
      const v = variantOf(ev);
      if (v !== undefined) count(ev, v);
      else if (ev.request_id !== undefined) {
        if (pending.length < maxKeys) pending.push(ev);
        else unattributed++;
      }
    }
  }
  for (const ev of pending) {
    const v = variantOf(ev);
    if (v !== undefined) count(ev, v);
    else unattributed++;
  }

  const control = names[0];
  const c = tallies.get(control)!;
  const variants = names.map((name) => {
    const t = tallies.get(name)!;
    const rate = (s: number) => (t.impressions === 0 ? null : s / t.impressions);
    const row: Record<string, unknown> = {
      variant: name,
      clients: t.clients.count(),
      impressions: t.impressions,
      clicks: t.clicks,
      installs: t.installs,
      ctr: rate(t.clicks),
      ctr_ci: wilson(t.clicks, t.impressions),
      install_rate: rate(t.installs),
      install_rate_ci: wilson(t.installs, t.impressions),
    };
    if (name !== control) {
      row.vs_control = {
        ctr: twoProportion(c.clicks, c.impressions, t.clicks, t.impressions),
        install_rate: twoProportion(c.installs, c.impressions, t.installs, t.impressions),
      };
    }
    return row;
  });
  const check = e.interleave
    ? null
    : sampleRatioMismatch(
        sample.counts(names),
        e.variants.map((v) => v.weight),
      );
  const srm = check && { ...check, clients_sampled: sample.size };
  const inOut = membership && sampleRatioMismatch(membership.counts(['in', 'out']), [e.allocation, 1 - e.allocation]);
  const allocationCheck = inOut && { ...inOut, clients_sampled: membership!.size };
  return {
    experiment: e.id,
    surface: e.surface,
    allocation: e.allocation,
    from: first,
    to: last,
    control,
    interleave: e.interleave ?? null,
    variants,
    sample_ratio: srm,
    allocation_check: allocationCheck ?? null,
    unattributed,
  };
}
