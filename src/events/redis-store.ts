/**
 * The Redis event store (ioredis 5), for several replicas writing one log. Keys (prefix default
 * `recscore:events:`), each expiring after the retention (default 90 days):
 *
 *   <p>log:<arrival day>            Stream, one entry per event: field `e` = the stored event's JSON
 *   <p>hll:<day>:<type>:<combo>:<tuple>   HyperLogLog of client ids (PFADD; PFCOUNT of several = union)
 *   <p>tuples:<day>:<combo>         Set of the tuples seen that day (what a segment query unions over)
 *   <p>cnt:<day>:<combo>            Hash `<type>\t<tuple>` → event count
 *   <p>shown:<day>:<client>         Hash item → impressions shown to that client that day (shown())
 *   <p>used:<day>:<client>          Hash item → usage weight of the client's own events that day (recent())
 *   <p>idem:<key>                   the ids written under an idempotency key (24 h)
 *   <p>req:<request id>             the variant tag an answer carried (JSON RequestTag; requestTtlSeconds, 24 h)
 *
 * An answer's impression (`items`) is one stream entry; it counts one impression per listed item.
 * One batch is one Lua script: the idempotency check, every XADD, PFADD, SADD, HINCRBY and EXPIRE run
 * atomically, so a batch is either wholly written (and then acknowledged) or not at all — a connection lost
 * before EXEC writes nothing. Fail fast like the profile store: no offline queue, no retries of a command,
 * a command timeout; every failure is RECSCORE_EVENT_STORE (503), and the client's retry is safe with a key.
 *
 * Events that refer to a request and name no variant are stamped with that request's tag before the batch
 * is planned (request-variants.ts): one MGET of the `req:` keys first, only for batches that hold such
 * events; an answer written by another replica stamps them too.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RecscoreError, isRecscoreError } from '../errors.js';
import { log as rootLog, type Logger } from '../log.js';
import { addDays, dayOf } from './day.js';
import { comboName, DEFAULT_COMBOS, splitsPerItem, tupleKey, type Combo } from './dimensions.js';
import { DEFAULT_WEIGHTS, itemsOf, multiplicityOf, type PostedEvent, type StoredEvent } from './event.js';
import { type RequestTag, stamp, tagOf, wantsTag } from './request-variants.js';
import { usageWeigher, type Weigher } from './shown.js';
import type { AppendResult, EventStore, EventStoreOptions } from './store.js';

const APPEND_LUA = `
if KEYS[1] ~= '' then
  local v = redis.call('GET', KEYS[1])
  if v then return v end
end
local cmds = cjson.decode(ARGV[1])
for _, c in ipairs(cmds) do redis.call(unpack(c)) end
if KEYS[1] ~= '' then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
return false`;

type AppendClient = Redis & {
  rsEventsAppend(key: string, cmds: string, result: string, ttl: string): Promise<string | null>;
};

export class RedisEventStore implements EventStore {
  readonly kind = 'redis';
  readonly combos: readonly Combo[];
  readonly #names: readonly string[];
  readonly #client: AppendClient;
  readonly #p: string;
  readonly #ttl: number;
  readonly #maxLen: number | undefined;
  readonly #reqTtl: string;
  readonly #usage: Weigher;
  readonly #logger: Logger;
  #healthy = false;
  readonly #first: Promise<void>;

  constructor(url: string, opts: EventStoreOptions = {}) {
    this.combos = opts.combos ?? DEFAULT_COMBOS;
    this.#names = this.combos.map(comboName);
    this.#p = opts.prefix ?? 'recscore:events:';
    this.#ttl = (opts.retentionDays ?? 90) * 86_400;
    this.#maxLen = opts.maxLenPerDay;
    this.#reqTtl = String(opts.requestTtlSeconds ?? 86_400);
    this.#usage = usageWeigher(opts.usageWeights ?? new Map(Object.entries(DEFAULT_WEIGHTS)));
    this.#logger = (opts.logger ?? rootLog).child({ store: 'events-redis' });
    const client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 2_000,
      connectTimeout: 1_000,
      disconnectTimeout: 200,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times - 1, 10), 1_000),
    });
    client.defineCommand('rsEventsAppend', { numberOfKeys: 1, lua: APPEND_LUA });
    this.#client = client as AppendClient;
    client.on('ready', () => {
      this.#healthy = true;
      this.#logger.info('event store connected');
    });
    client.on('error', (err: Error) => {
      if (this.#healthy) this.#logger.warn('event store unreachable', { error: err });
      this.#healthy = false;
    });
    this.#first = new Promise<void>((done) => {
      client.once('ready', () => done());
      client.once('close', () => done());
    });
    client.connect().catch(() => {}); // reported by 'error', retried by retryStrategy
  }

  /** Resolves after the first connection attempt (success or not), at most `ms` later. */
  async connected(ms = 1_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#first, new Promise((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
    return this.#client.status === 'ready';
  }

  async #run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.#client.status !== 'ready') {
      throw new RecscoreError(
        'RECSCORE_EVENT_STORE',
        `redis: not connected (${this.#client.status}); nothing was written`,
      );
    }
    try {
      return await fn();
    } catch (e) {
      if (isRecscoreError(e)) throw e;
      throw new RecscoreError('RECSCORE_EVENT_STORE', `redis ${what}: ${(e as Error).message}`, undefined, {
        cause: e,
      });
    }
  }

  async append(posted: PostedEvent[], idempotencyKey?: string): Promise<AppendResult> {
    const events = await this.#stamped(posted);
    const b = randomUUID();
    const stored: StoredEvent[] = events.map((e, i) => ({ id: `${b}:${i}`, ...e }));
    const ids = stored.map((e) => e.id);
    const cmds = this.#plan(stored, Date.now());
    const idem = idempotencyKey === undefined ? '' : `${this.#p}idem:${idempotencyKey}`;
    const prior = await this.#run('append', () =>
      this.#client.rsEventsAppend(idem, JSON.stringify(cmds), JSON.stringify(ids), '86400'),
    );
    if (prior !== null) return { ids: JSON.parse(prior) as string[], replayed: true };
    return { ids, replayed: false };
  }

  // The events, those that refer to a request with a stored tag stamped with it (one MGET, when any wants one).
  async #stamped(events: PostedEvent[]): Promise<PostedEvent[]> {
    const ids = [...new Set(events.filter(wantsTag).map((e) => e.request_id as string))];
    if (ids.length === 0) return events;
    const found = await this.#run('append', () => this.#client.mget(ids.map((id) => `${this.#p}req:${id}`)));
    const tags = new Map<string, RequestTag>();
    for (let k = 0; k < ids.length; k++) {
      const raw = found[k];
      if (raw === null || raw === undefined) continue;
      try {
        tags.set(ids[k], JSON.parse(raw) as RequestTag);
      } catch {
        // not a tag this code wrote: the event is stored as it came
      }
    }
    return events.map((e) => {
      const tag = wantsTag(e) ? tags.get(e.request_id as string) : undefined;
      return tag === undefined ? e : stamp(e, tag);
    });
  }

  // Every command of one batch, one per key: events are grouped by day and type, then per combination by
  // tuple, so the long key strings are built once per group rather than once per event and combination.
  #plan(stored: StoredEvent[], now: number): string[][] {
    const p = this.#p;
    const stream = `${p}log:${dayOf(now)}`;
    const ttl = String(this.#ttl);
    const cmds: string[][] = [];
    const xadd = this.#maxLen
      ? ['XADD', stream, 'MAXLEN', '~', String(this.#maxLen), '*', 'e']
      : ['XADD', stream, '*', 'e'];
    type Tally = { ids: string[]; n: number };
    const groups = new Map<string, { day: string; type: string; byCombo: Array<Map<string, Tally>> }>();
    const tally = (m: Map<string, Tally>, tuple: string, id: string, n: number) => {
      const t = m.get(tuple);
      if (!t) m.set(tuple, { ids: [id], n });
      else {
        t.ids.push(id);
        t.n += n;
      }
    };
    const shown = new Map<string, Map<string, number>>(); // shown or used key → item → impressions or weight
    for (const e of stored) {
      cmds.push([...xadd, JSON.stringify(e)]);
      const n = multiplicityOf(e);
      if (n === 0) continue;
      const day = dayOf(e.ts);
      const g = `${day}\t${e.type}`;
      let group = groups.get(g);
      if (!group) groups.set(g, (group = { day, type: e.type, byCombo: this.combos.map(() => new Map()) }));
      for (let c = 0; c < this.combos.length; c++) {
        const combo = this.combos[c];
        if (splitsPerItem(e, combo)) {
          for (let k = 0; k < n; k++) tally(group.byCombo[c], tupleKey(e, combo, k), e.client_id, 1);
        } else tally(group.byCombo[c], tupleKey(e, combo), e.client_id, n);
      }
      const tag = tagOf(e);
      if (tag !== undefined) cmds.push(['SET', `${p}req:${e.request_id}`, JSON.stringify(tag), 'EX', this.#reqTtl]);
      const w = e.type === 'impression' ? 1 : this.#usage(e);
      if (w !== 0) {
        const key = `${p}${e.type === 'impression' ? 'shown' : 'used'}:${day}:${e.client_id}`;
        const mine = shown.get(key) ?? shown.set(key, new Map()).get(key)!;
        for (const item of itemsOf(e)) mine.set(item, (mine.get(item) ?? 0) + w);
      }
    }
    cmds.push(['EXPIRE', stream, ttl]);
    const touched = new Set<string>();
    for (const { day, type, byCombo } of groups.values()) {
      for (let c = 0; c < this.combos.length; c++) {
        const name = this.#names[c];
        const tk = `${p}tuples:${day}:${name}`;
        const ck = `${p}cnt:${day}:${name}`;
        const tuples = [...byCombo[c].keys()];
        cmds.push(['SADD', tk, ...tuples]);
        for (const [tuple, { ids, n }] of byCombo[c]) {
          const hll = `${p}hll:${day}:${type}:${name}:${tuple}`;
          cmds.push(['PFADD', hll, ...ids], ['EXPIRE', hll, ttl], ['HINCRBY', ck, `${type}\t${tuple}`, String(n)]);
        }
        touched.add(tk).add(ck);
      }
    }
    for (const [key, items] of shown) {
      for (const [item, n] of items)
        cmds.push(Number.isInteger(n) ? ['HINCRBY', key, item, String(n)] : ['HINCRBYFLOAT', key, item, String(n)]);
      touched.add(key);
    }
    for (const k of touched) cmds.push(['EXPIRE', k, ttl]);
    return cmds;
  }

  async *read(from: string, to: string): AsyncIterable<StoredEvent> {
    for (let day = addDays(from, -1); day <= addDays(to, 8); day = addDays(day, 1)) {
      let start = '-';
      for (;;) {
        const page = await this.#run('read', () =>
          this.#client.xrange(`${this.#p}log:${day}`, start, '+', 'COUNT', 1000),
        );
        for (const [id, fields] of page) {
          const e = JSON.parse(fields[1]) as StoredEvent;
          const d = dayOf(e.ts);
          if (d >= from && d <= to) yield e;
          start = `(${id}`;
        }
        if (page.length < 1000) break;
      }
    }
  }

  async distinct(
    types: readonly string[],
    days: readonly string[],
    combo: Combo,
    matches: (tuple: string) => boolean,
  ): Promise<number> {
    const name = comboName(combo);
    const keys: string[] = [];
    for (const day of days) {
      const tuples = await this.#run('distinct', () => this.#client.smembers(`${this.#p}tuples:${day}:${name}`));
      for (const t of tuples)
        if (matches(t)) for (const type of types) keys.push(`${this.#p}hll:${day}:${type}:${name}:${t}`);
    }
    if (keys.length === 0) return 0;
    return this.#run('distinct', () => this.#client.pfcount(...keys));
  }

  async counts(days: readonly string[], combo: Combo): Promise<Map<string, Map<string, number>>> {
    const out = new Map<string, Map<string, number>>();
    for (const day of days) {
      const h = await this.#run('counts', () => this.#client.hgetall(`${this.#p}cnt:${day}:${comboName(combo)}`));
      for (const [field, n] of Object.entries(h)) {
        const tab = field.indexOf('\t');
        const type = field.slice(0, tab);
        const tuple = field.slice(tab + 1);
        const row = out.get(tuple) ?? out.set(tuple, new Map()).get(tuple)!;
        row.set(type, (row.get(type) ?? 0) + Number(n));
      }
    }
    return out;
  }

  shown(clientId: string, days: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return this.#perClient('shown', clientId, days);
  }

  recent(clientId: string, days: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return this.#perClient('used', clientId, days);
  }

  /** One pipeline of HGETALL over the days' hashes of the client, summed per item. */
  async #perClient(kind: string, clientId: string, days: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const out = new Map<string, number>();
    if (days.length === 0) return out;
    const replies = await this.#run(kind, () => {
      const pipe = this.#client.pipeline();
      for (const day of days) pipe.hgetall(`${this.#p}${kind}:${day}:${clientId}`);
      return pipe.exec();
    });
    for (const [err, h] of replies ?? []) {
      if (err)
        throw new RecscoreError('RECSCORE_EVENT_STORE', `redis ${kind}: ${err.message}`, undefined, { cause: err });
      for (const [item, n] of Object.entries(h as Record<string, string>))
        out.set(item, (out.get(item) ?? 0) + Number(n));
    }
    return out;
  }

  async close(): Promise<void> {
    if (this.#client.status === 'ready') {
      await Promise.race([this.#client.quit().catch(() => {}), new Promise((r) => setTimeout(r, 500).unref())]);
    }
    this.#client.disconnect();
  }
}
