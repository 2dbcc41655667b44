/**
 * A feedback event as clients post it and as the log stores it, and the rule that checks one posted event
 * on its own (a bad event is rejected with its index; the others of the batch are kept).
 *
 * Posted: {type, client_id, item?, request_id?, position?, timestamp?, weight?, context?: {locale?, os?, …}}
 * Stored: the same fields, `timestamp` normalized to epoch milliseconds (`ts`), plus the server's `id`.
 * The served log's impressions are one event per answer: `items` (position = index) in place of `item`
 * and `position`, and for interleaving `item_variants` (per item, the variant that placed it; '' = the
 * answer's `context.variant`). Clients post one item per event; readers go through itemsOf/variantAt.
 */
// zod 4 (bundled with zod 3.25 as `zod/v4`): the same schema checks an event in about 40 % of zod 3's time
// (it compiles object schemas), and this runs for every posted event.
import { z } from 'zod/v4';
import type { ErrorCode } from '../errors.js';

export const BUILTIN_EVENT_TYPES = [
  'impression',
  'click',
  'install',
  'uninstall',
  'add_to_cart',
  'remove_from_cart',
  'purchase',
] as const;

/** Usage weight of each built-in type in the CSV export (0 = not a usage signal, left out). */
export const DEFAULT_WEIGHTS: Readonly<Record<string, number>> = {
  impression: 0,
  click: 1,
  install: 4,
  uninstall: 0,
  add_to_cart: 2,
  remove_from_cart: 0,
  purchase: 5,
};

export interface StoredEvent {
  /** `<batch id>:<index among the batch's accepted events>`: unique; a replayed key answers the first ids. */
  id: string;
  type: string;
  client_id: string;
  /** Epoch milliseconds (UTC). */
  ts: number;
  item?: string;
  /** One answer's listed items, position = index (served-log impressions only; never with `item`). */
  items?: string[];
  /** With `items`: per item, the variant that placed it ('' = the answer's `context.variant`). */
  item_variants?: string[];
  request_id?: string;
  position?: number;
  weight?: number;
  context?: Record<string, string>;
}

/** The items an event names: its `items`, else its `item`, else none. */
export function itemsOf(e: PostedEvent): readonly string[] {
  if (e.items !== undefined) return e.items;
  return e.item === undefined ? NO_ITEMS : [e.item];
}
const NO_ITEMS: readonly string[] = [];

/** How many events of its type an event stands for: one per listed item for an answer's impression. */
export function multiplicityOf(e: PostedEvent): number {
  return e.items === undefined ? 1 : e.items.length;
}

/** The variant that placed `items[k]`: its own (interleaving), else the event's. */
export function variantAt(e: PostedEvent, k: number): string | undefined {
  return e.item_variants?.[k] || e.context?.variant;
}

export type PostedEvent = Omit<StoredEvent, 'id'>;

export interface EventRules {
  /** Event types accepted, with their usage weight (built-ins plus configured custom types). */
  weights: ReadonlyMap<string, number>;
  /** A timestamp later than now + this is rejected (client clocks drift; the future is not data). */
  maxFutureMs: number;
  /** A timestamp older than now - this is rejected: the days it would change are closed. */
  maxLatenessMs: number;
}

export function defaultRules(custom: Record<string, number> = {}): EventRules {
  return {
    weights: new Map(Object.entries({ ...DEFAULT_WEIGHTS, ...custom })),
    maxFutureMs: 5 * 60_000,
    maxLatenessMs: 7 * 86_400_000,
  };
}

// Same rules as the recommendation routes' client ids and GUIDs (src/server/validate.ts).
const CLIENT_ID = /^[A-Za-z0-9_-]{1,128}$/;
const GUID = /^[\x21-\x24\x26-\x2E\x30-\x7E]{1,200}$/;
const TOKEN = /^[A-Za-z0-9_.:-]{1,128}$/;
const CONTEXT_KEY = /^[a-z][a-z0-9_]{0,31}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const CUSTOM_TYPE = /^[a-z][a-z0-9_]{0,31}$/;

export function isCustomTypeName(s: string): boolean {
  return CUSTOM_TYPE.test(s);
}

/**
 * The posted event, the one definition of its shape (the OpenAPI document is generated from it:
 * `z.toJSONSchema(postedEventSchema)`). The type and timestamp range depend on the configuration and the
 * clock, so checkEvent checks those after it.
 */
export const postedEventSchema = z.strictObject({
  type: z.string(),
  client_id: z.string().regex(CLIENT_ID, 'must be 1–128 characters of A-Z a-z 0-9 _ -'),
  item: z.string().regex(GUID, 'must be 1–200 printable ASCII characters without spaces, % or /').optional(),
  request_id: z.string().regex(TOKEN, 'must be 1–128 characters of A-Z a-z 0-9 _ . : -').optional(),
  position: z.number().int().min(0).max(10_000).optional(),
  timestamp: z
    .union(
      [z.string().regex(ISO, 'must be ISO 8601 with a time zone'), z.number().int().min(0)],
      'must be ISO 8601 with a time zone, or epoch milliseconds',
    )
    .optional(),
  weight: z.number().min(-1_000).max(1_000).optional(),
  context: z
    .record(z.string().regex(CONTEXT_KEY, 'context keys are 1–32 of a-z 0-9 _'), z.string().min(1).max(200))
    .refine((c) => Object.keys(c).length <= 16, 'at most 16 context fields')
    .optional(),
});

export type Checked = { ok: true; event: PostedEvent } | { ok: false; code: ErrorCode; message: string };

const CODE_OF_FIELD: Record<string, ErrorCode> = {
  type: 'RECSCORE_BAD_EVENT_TYPE',
  client_id: 'RECSCORE_BAD_CLIENT_ID',
  item: 'RECSCORE_BAD_GUID',
  timestamp: 'RECSCORE_BAD_TIMESTAMP',
};

/** Checks one posted event against `rules` at time `now` (ms). */
export function checkEvent(raw: unknown, rules: EventRules, now: number): Checked {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, code: 'RECSCORE_BAD_EVENT', message: 'an event must be a JSON object' };
  }
  const parsed = postedEventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join('.') || '(event)';
    const code = CODE_OF_FIELD[String(issue.path[0])] ?? 'RECSCORE_BAD_EVENT';
    const what =
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.join(', ')}`
        : issue.code === 'invalid_key'
          ? (issue.issues[0]?.message ?? issue.message)
          : issue.message;
    return { ok: false, code, message: `${field}: ${what}`.slice(0, 300) };
  }
  const e = parsed.data;
  if (!rules.weights.has(e.type)) {
    return {
      ok: false,
      code: 'RECSCORE_BAD_EVENT_TYPE',
      message:
        `type: ${JSON.stringify(e.type.slice(0, 40))} is not an event type ` +
        `(${[...rules.weights.keys()].join(', ')})`,
    };
  }
  let ts = now;
  if (e.timestamp !== undefined) {
    ts = typeof e.timestamp === 'number' ? e.timestamp : Date.parse(e.timestamp);
    if (!Number.isFinite(ts))
      return { ok: false, code: 'RECSCORE_BAD_TIMESTAMP', message: 'timestamp: not a valid date' };
    if (ts > now + rules.maxFutureMs) {
      return {
        ok: false,
        code: 'RECSCORE_BAD_TIMESTAMP',
        message: `timestamp: more than ${rules.maxFutureMs / 1000} s in the future`,
      };
    }
    if (ts < now - rules.maxLatenessMs) {
      return {
        ok: false,
        code: 'RECSCORE_BAD_TIMESTAMP',
        message: `timestamp: older than ${rules.maxLatenessMs / 86_400_000} days`,
      };
    }
  }
  const out: PostedEvent = { type: e.type, client_id: e.client_id, ts };
  if (e.item !== undefined) out.item = e.item;
  if (e.request_id !== undefined) out.request_id = e.request_id;
  if (e.position !== undefined) out.position = e.position;
  if (e.weight !== undefined) out.weight = e.weight;
  if (e.context !== undefined) out.context = e.context;
  return { ok: true, event: out };
}
