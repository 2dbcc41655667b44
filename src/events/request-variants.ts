/**
 * The variant of the request an event refers to, stamped when the event is stored: a posted click or
 * install that names a `request_id` and no `context.variant` gets the variant the served answer of that
 * request carried (interleaving: the variant that placed the event's item when the answer listed it). Then
 * every reader of the stored event — `/v1/stats/ctr?by=variant`, the `variant` sketches, an export — sees
 * the variant, not only the experiment results (which also join on the request id when they read the log).
 *
 * A tag is learnt from the served log's impressions (events with `items`) that carry a variant. An event
 * whose answer was not stored yet (the served log writes in batches, ~250 ms) or has been forgotten is
 * stored as it came. Embedded: RequestVariants below, in memory, rebuilt from the log replayed at open.
 * Redis: the same tag in `<prefix>req:<request id>` with a TTL (redis-store.ts), read by every replica.
 */
import type { PostedEvent } from './event.js';

/** What an answer carried: its variant tag, and per listed item the variant that placed it (interleaving). */
export interface RequestTag {
  v: string;
  /** With `iv`: the answer's items, in order. */
  i?: readonly string[];
  /** Per item of `i`, the variant that placed it ('' = `v`). */
  iv?: readonly string[];
}

/** The tag an answer's impression teaches (undefined: not an answer, no request id, or no variant). */
export function tagOf(e: PostedEvent): RequestTag | undefined {
  if (e.items === undefined || e.request_id === undefined) return undefined;
  const v = e.context?.variant ?? '';
  if (e.item_variants === undefined) return v ? { v } : undefined;
  return { v, i: e.items, iv: e.item_variants };
}

/** Whether the event refers to a request and names no variant of its own (an answer's impression does not). */
export function wantsTag(e: PostedEvent): boolean {
  return e.request_id !== undefined && e.items === undefined && !e.context?.variant;
}

/** The event with the request's variant in its context (a copy); unchanged when the tag names none for it. */
export function stamp(e: PostedEvent, tag: RequestTag): PostedEvent {
  let v = tag.v;
  if (tag.iv !== undefined && tag.i !== undefined && e.item !== undefined) {
    const k = tag.i.indexOf(e.item);
    if (k >= 0) v = tag.iv[k] || tag.v; // as variantAt reads an answer's item
  }
  if (!v) return e;
  return { ...e, context: { ...e.context, variant: v } };
}

/**
 * The embedded store's request id → tag map. Bounded (request ids are request data): two generations like
 * ShownCounts, so when the young one holds half of `max` the old one is dropped whole; a request whose
 * answer is older than about `max / 2` answers with variants may be forgotten.
 */
export class RequestVariants {
  #young = new Map<string, RequestTag>();
  #old = new Map<string, RequestTag>();
  readonly #half: number;

  constructor(max = 100_000) {
    this.#half = Math.max(1, max >> 1);
  }

  /** Learns the tag of an answer's impression (other events are ignored). */
  learn(e: PostedEvent): void {
    const tag = tagOf(e);
    if (tag === undefined) return;
    if (this.#young.size >= this.#half) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(e.request_id as string, tag);
  }

  get(requestId: string): RequestTag | undefined {
    return this.#young.get(requestId) ?? this.#old.get(requestId);
  }

  /** The events, those that want a tag stamped with their request's (the same array when none changes). */
  stampAll(events: PostedEvent[]): PostedEvent[] {
    let out = events;
    for (let k = 0; k < events.length; k++) {
      const e = events[k];
      if (!wantsTag(e)) continue;
      const tag = this.get(e.request_id as string);
      if (tag === undefined) continue;
      const s = stamp(e, tag);
      if (s === e) continue;
      if (out === events) out = events.slice();
      out[k] = s;
    }
    return out;
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }
}
