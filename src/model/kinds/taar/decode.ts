/**
 * model source bytes → validated parts of a TaarModelSet, streaming: bz2 (when the name ends in .bz2) →
 * UTF-8 → top-level JSON elements (src/model/decode/json-batches.ts) → each element checked against its
 * schema (schemas.ts) and converted to the typed shape of types.ts. No file's whole text or whole JSON
 * value is ever held; the item matrix goes straight into typed arrays.
 *
 * The verdicts are those of parsing the whole file first: a decode error (bz2, UTF-8, JSON) anywhere in
 * a file wins over a schema error, so after the first schema problem the rest is still read; the first
 * problem reported is the one zod would list first (array order; for records JS key order, in which
 * integer-like keys come first). Rows that disagree (RECSCORE_MODEL_CONSISTENCY) are returned, not
 * thrown, so that the loader raises them only once every file has decoded, as packing did.
 */
import type { ZodType } from 'zod';
import { ModelError } from '../../../errors.js';
import { bz2Chunks } from '../../decode/bz2.js';
import type { ModelFileKind } from './files.js';
import { ItemMatrixBuilder } from './item-matrix.js';
import { jsonBatches } from '../../decode/json-batches.js';
import type { JsonBatch } from '../../decode/json-stream.js';
import { RecordCollector } from '../../decode/record-collector.js';
import * as S from './schemas.js';
import type { AddonMappingEntry, Donor, EnsembleWeights, TaarModelSet } from './types.js';

export interface DecodedFile {
  part: Partial<TaarModelSet>;
  /** Rows of this file disagree; the loader throws it after every file has decoded. */
  problem?: ModelError;
}

/** Receives one file's top-level elements in order; throws RECSCORE_MODEL_SCHEMA at the first bad one. */
interface Sink {
  container: 'array' | 'object';
  /** The whole-file schema, for the message when the document is not even a container. */
  whole: ZodType<unknown>;
  add(value: unknown, index: number, key: string | undefined): void;
  finish(): DecodedFile;
}

export async function decodeModelStream(
  kind: ModelFileKind,
  name: string,
  raw: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<DecodedFile> {
  const sink = sinkFor(kind, name);
  let failed: ModelError | undefined;
  for await (const batch of jsonBatches(name, name.endsWith('.bz2') ? bz2Chunks(name, raw) : raw)) {
    if (failed) continue;
    try {
      feed(sink, name, batch);
    } catch (e) {
      if (!(e instanceof ModelError && e.code === 'RECSCORE_MODEL_SCHEMA')) throw e;
      failed = e;
    }
  }
  if (failed) throw failed;
  return sink.finish();
}

function feed(sink: Sink, name: string, batch: JsonBatch): void {
  if (batch.container === 'scalar') {
    check(name, sink.whole, batch.values[0], undefined);
    throw schemaError(name, '(root)', `Expected ${sink.container}, received ${typeof batch.values[0]}`);
  }
  if (batch.container !== sink.container)
    throw schemaError(name, '(root)', `Expected ${sink.container}, received ${batch.container}`);
  const { values, keys, first } = batch;
  for (let j = 0; j < values.length; j++) sink.add(values[j], first + j, keys?.[j]);
}

function schemaError(name: string, where: string, problem: string): ModelError {
  return new ModelError('RECSCORE_MODEL_SCHEMA', name, `at ${where}: ${problem}`);
}

/** zod's verdict on one element; `at` prefixes the issue path (the element's index or key). */
function check<T>(name: string, schema: ZodType<T>, value: unknown, at: string | number | undefined): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = at === undefined ? issue.path : [at, ...issue.path];
  throw schemaError(name, path.length ? path.join('.') : '(root)', issue.message);
}

function arraySink<E, T>(
  name: string,
  element: ZodType<E>,
  whole: ZodType<unknown>,
  convert: (e: E) => T,
  done: (items: T[]) => Partial<TaarModelSet>,
): Sink {
  const items: T[] = [];
  return {
    container: 'array',
    whole,
    add: (value, index) => items.push(convert(check(name, element, value, index))),
    finish: () => ({ part: done(items) }),
  };
}

/** `fast` accepts exactly what the schema accepts, without zod's cost; zod then only words the errors. */
function recordSink<V, T>(
  name: string,
  value: ZodType<V>,
  whole: ZodType<unknown>,
  fast: (v: unknown) => boolean,
  convert: (v: V) => T,
  done: (m: Map<string, T>) => Partial<TaarModelSet>,
): Sink {
  const rows = new RecordCollector<T>();
  return {
    container: 'object',
    whole,
    add: (v, _index, key) => {
      if (fast(v)) return rows.set(key!, convert(v as V));
      const r = value.safeParse(v);
      if (r.success) rows.set(key!, convert(r.data));
      else rows.invalid(key!, r.error.issues[0].path, r.error.issues[0].message);
    },
    finish: () => {
      const bad = rows.firstInvalid();
      if (bad) throw schemaError(name, bad.where, bad.message);
      return { part: done(rows.toMap()) };
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const num = (v: number | null | undefined): number => (v === null || v === undefined ? NaN : v);
/** zod's records drop a `__proto__` key; so must the fast path. */
const ownEntries = <V>(o: Record<string, V>): Array<[string, V]> => {
  const e = Object.entries(o);
  return Object.hasOwn(o, '__proto__') ? e.filter(([k]) => k !== '__proto__') : e;
};

function sinkFor(kind: ModelFileKind, name: string): Sink {
  switch (kind) {
    case 'itemMatrix': {
      const rows = new ItemMatrixBuilder(name);
      return {
        container: 'array',
        whole: S.itemMatrixSchema,
        add: (value, index) => rows.add(value, index),
        finish: () => {
          const { matrix, problem } = rows.finish();
          return { part: { itemMatrix: matrix }, problem };
        },
      };
    }
    case 'addonMapping':
      return recordSink(
        name,
        S.addonEntrySchema,
        S.addonMappingSchema,
        (v) => isObject(v) && typeof v.id === 'string' && v.id.length > 0,
        // Only what packing reads is kept: the mapping of a large model has a million entries.
        (e): AddonMappingEntry => ({ id: e.id, isWebextension: e.isWebextension as boolean | undefined }),
        (addonMapping) => ({ addonMapping }),
      );
    case 'whitelist':
      return arraySink(
        name,
        S.guidSchema,
        S.whitelistSchema,
        (g) => g,
        (whitelist) => ({ whitelist }),
      );
    case 'donors':
      return arraySink(
        name,
        S.donorSchema,
        S.donorsSchema,
        (d): Donor => ({
          activeAddons: d.active_addons,
          continuous: [
            num(d.subsession_length),
            num(d.bookmark_count),
            num(d.tab_open_count),
            num(d.total_uri),
            num(d.unique_tlds),
          ],
          categorical: [d.geo_city ?? null, d.locale ?? null, d.os ?? null],
        }),
        (donors) => ({ donors }),
      );
    case 'lrCurves':
      return arraySink(
        name,
        S.lrEntrySchema,
        S.lrCurvesSchema,
        ([x, [n, d]]) => [x, n, d] as [number, number, number],
        (lrCurves) => ({ lrCurves }),
      );
    case 'locale':
      return recordSink(
        name,
        S.localeListSchema,
        S.localeSchema,
        () => false,
        (list) => list,
        (locale) => ({ locale }),
      );
    case 'ensembleWeights':
      return ensembleSink(name);
    case 'coinstall':
      return recordSink(
        name,
        S.coinstallRowSchema,
        S.coinstallSchema,
        (v) => isObject(v) && Object.values(v).every(isCount),
        (row) => ownEntries(row),
        (coinstall) => ({ coinstall }),
      );
    case 'ranking':
      return recordSink(
        name,
        S.countSchema,
        S.rankingSchema,
        isCount,
        (n) => n,
        (ranking) => ({ ranking }),
      );
  }
}

/** A tiny file: its entries are gathered and checked whole. */
function ensembleSink(name: string): Sink {
  const entries: Array<[string, unknown]> = [];
  return {
    container: 'object',
    whole: S.ensembleSchema,
    add: (value, _index, key) => entries.push([key!, value]),
    finish: () => ({
      part: {
        ensembleWeights: check(name, S.ensembleSchema, Object.fromEntries(entries), undefined)
          .ensemble_weights as EnsembleWeights,
      },
    }),
  };
}
