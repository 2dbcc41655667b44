/**
 * A model kind (TAAR, SAR, …): what the model lifecycle (registry, reloader, off-thread load, bundles)
 * needs to know of a kind, and nothing more, so those modules never name one. A kind provides:
 *
 * - `name`: its key in every per-kind table (src/model/kinds/index.ts here; the higher layers' tables,
 *   e.g. src/dispatch/kinds.ts, add the kernel, scorer and facts parts under the same key);
 * - `magic` / `layoutVersion`: the first two u32 of its header at MODEL_BASE, so a packed memory or
 *   bundle of another kind or layout is refused; its layout file documents the rest (TAAR:
 *   src/model/kinds/taar/layout.ts; SAR: src/model/kinds/sar/packed-model.ts and pack/layout.ts);
 * - `pack`: source → decode (or train) → pack into a fresh shared WebAssembly.Memory, in the calling
 *   thread (the server calls it in a loader thread, src/model/lifecycle/load-worker.ts). A pack-time step
 *   that needs the kernel runs after it, on the caller's side (`finish` of the higher-layer table);
 * - `open`: the kind's read-only view of a packed memory (any thread; workers receive only the memory);
 * - `createSource` (optional): where a version of this kind comes from, given a location (and the GCS
 *   client settings for a gs:// one); without it the TAAR-shaped sources of src/model/source/ (the loader
 *   thread asks the kind first).
 *
 * The memory's first MODEL_BASE bytes belong to the kernel's static data; a kind's model region starts
 * there (bundles copy [MODEL_BASE, MODEL_BASE + modelBytes) verbatim).
 */
import type { Logger } from '../log.js';
import type { GcsSourceOptions } from './source/gcs-options.js';
import type { ModelSource, SourceVersion } from './source/source.js';

/** What every packed model version exposes, whatever its kind. */
export interface ServableModel {
  readonly kind: string;
  readonly version: string;
  readonly memory: WebAssembly.Memory;
  /** Bytes of the model region from MODEL_BASE. */
  readonly modelBytes: number;
}

/** A packed version as it crosses threads: the memory plus what JS keeps beside it (structured-cloneable). */
export interface PackedParts {
  kind: string;
  memory: WebAssembly.Memory;
  /** Kind-specific and structured-cloneable (TAAR: its META and GUID strings), so `open` needs no re-parse. */
  extra?: unknown;
}

export interface PackOptions {
  /** The version to load (from `source.check()`). */
  version: SourceVersion;
  logger?: Logger;
  signal?: AbortSignal;
  /** Kind-specific acceptance limits (TAAR: RECSCORE_MODEL_MIN_*); a kind ignores what it does not know. */
  limits?: Readonly<Record<string, number>>;
}

export interface ModelKind<M extends ServableModel = ServableModel> {
  readonly name: string;
  readonly magic: number;
  readonly layoutVersion: number;
  pack(source: ModelSource, opts: PackOptions): Promise<PackedParts>;
  open(parts: PackedParts): M;
  createSource?(location: string, opts?: { gcs?: Omit<GcsSourceOptions, 'kinds' | 'logger'> }): ModelSource;
}
