/**
 * The served log: what each recommendation answer listed, written to the event log as one `impression`
 * event per answer, its `items` in order (position = index) and, for interleaving, `item_variants`; the
 * stores count it as one impression per listed item (CTR per served_by, model and variant), off the
 * response path.
 *
 * The response path only pushes one small record into a bounded in-memory buffer; a timer (or a full
 * batch) turns the records into events and appends them to the store, one append in flight at a time.
 * When the buffer is full (the store is slow or stalled), new answers are dropped and counted rather than
 * blocking the answer or growing memory; a failed append is counted and logged too. A recommendation never
 * fails because of this log: impressions are analytics, at-most-once by design.
 */
import type { Logger } from '../log.js';
import type { PostedEvent } from './event.js';
import type { EventStore } from './store.js';

/** One answer as the pipeline saw it. */
export interface ServedAnswer {
  request_id?: string;
  client_id: string;
  model_version: string;
  served_by: string;
  /** The surface that answered, fallback answers too: context `surface` (none: TAAR's routes, `taar`). */
  surface?: string;
  reason?: string;
  locale?: string;
  items: readonly string[];
  /** Experiments the client is in, `id:variant,…` (src/pipeline/experiments/assign.ts): context `variant`. */
  variant?: string;
  /** Per item, a `variant` that replaces the answer's (interleaving: the variant that placed the item). */
  item_variants?: readonly string[];
  /** Epoch ms when it was served. */
  ts: number;
}

/** What the pipeline calls; `record` must be cheap and must not throw. */
export interface ServedSink {
  record(answer: ServedAnswer): void;
}

export type DropReason = 'full' | 'store_error';

export interface ServedLogOptions {
  /** Most answers held in memory (waiting or being written); beyond it answers are dropped. */
  maxEvents?: number;
  /** Answers (impression events) per append; a full batch is written at once, a partial one after `flushMs`. */
  batchEvents?: number;
  flushMs?: number;
  logger?: Logger;
  /** Called with the number of impression events dropped (a metric). */
  onDrop?: (events: number, reason: DropReason) => void;
  /** Called with the number of impression events the store acknowledged (a metric). */
  onWrite?: (events: number) => void;
  now?: () => number;
}

/** The answer as one impression event. */
export function impressionOf(a: ServedAnswer): PostedEvent {
  const context: Record<string, string> = { served_by: a.served_by, model: a.model_version };
  if (a.surface !== undefined) context.surface = a.surface;
  if (a.reason !== undefined) context.reason = a.reason;
  if (a.locale !== undefined) context.locale = a.locale;
  if (a.variant) context.variant = a.variant;
  const e: PostedEvent = { type: 'impression', client_id: a.client_id, ts: a.ts, items: a.items as string[], context };
  if (a.request_id !== undefined) e.request_id = a.request_id;
  const own = a.item_variants;
  if (own?.some(Boolean)) e.item_variants = a.items.map((_, k) => own[k] || '');
  return e;
}

export class ServedLog implements ServedSink {
  private buffer: ServedAnswer[] = [];
  private buffered = 0;
  private inFlight = 0;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly maxEvents: number;
  private readonly batchEvents: number;
  private readonly flushMs: number;
  /** Totals since start (tests and the close log line read them). */
  readonly totals = { written: 0, dropped: 0, failed: 0 };

  constructor(
    private readonly store: Pick<EventStore, 'append'>,
    private readonly opts: ServedLogOptions = {},
  ) {
    this.maxEvents = opts.maxEvents ?? 50_000;
    // Small batches: the store's work per batch runs on the main thread in one go (~10 µs per answer).
    this.batchEvents = Math.min(opts.batchEvents ?? 250, this.maxEvents);
    this.flushMs = opts.flushMs ?? 250;
  }

  record(answer: ServedAnswer): void {
    if (answer.items.length === 0 || this.closed) return;
    if (this.buffered + this.inFlight >= this.maxEvents) {
      this.drop(1, 'full');
      return;
    }
    this.buffer.push(answer);
    this.buffered++;
    if (this.buffered >= this.batchEvents && this.writing === undefined) {
      this.clearTimer();
      this.timer = setTimeout(() => this.flush(), 0);
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), this.flushMs);
    }
    this.timer?.unref();
  }

  /** Events waiting in memory (not yet handed to the store) plus those being written. */
  get pending(): number {
    return this.buffered + this.inFlight;
  }

  /** Writes what is buffered (one append at a time); resolves when that write settled. */
  flush(): Promise<void> {
    this.clearTimer();
    if (this.writing) return this.writing;
    if (this.buffered === 0) return Promise.resolve();
    const answers = this.buffer;
    this.buffer = [];
    this.inFlight = this.buffered;
    this.buffered = 0;
    const events = answers.map(impressionOf);
    this.writing = this.store.append(events, undefined, { sync: false }).then(
      () => {
        this.totals.written += events.length;
        this.opts.onWrite?.(events.length);
      },
      (e: unknown) => {
        this.totals.failed += events.length;
        this.drop(events.length, 'store_error');
        this.opts.logger?.warn('served log: append failed, impressions dropped', { events: events.length, error: e });
      },
    );
    return this.writing.finally(() => {
      this.inFlight = 0;
      this.writing = undefined;
      if (this.buffered > 0 && !this.closed) this.timer = setTimeout(() => this.flush(), 0).unref();
    });
  }

  /** Stops taking answers and writes what is buffered (waits at most `timeoutMs` for the store). */
  async close(timeoutMs = 5_000): Promise<void> {
    this.closed = true;
    this.clearTimer();
    const drain = async () => {
      while (this.writing || this.buffered > 0) await this.flush();
    };
    let t: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => {
      t = setTimeout(r, timeoutMs);
    });
    await Promise.race([drain(), timeout]);
    clearTimeout(t);
  }

  private drop(n: number, reason: DropReason): void {
    this.totals.dropped += n;
    this.opts.onDrop?.(n, reason);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
