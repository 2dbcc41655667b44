/**
 * Where a TAAR model set comes from (SPEC §5, §7). A source only finds and delivers raw bytes; bz2, JSON
 * and schema belong to decode. `check()` pins one consistent version of every object (a folder's
 * resolved path + mtime + size, or a GCS generation) and `read()` returns exactly that version's bytes,
 * so a loaded model never mixes files from two publications.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { MODEL_FILES, type ModelFileKind } from '../kinds/taar/files.js';

export interface ModelObject {
  /** A TAAR file, or a packed SAR model (src/model/kinds/sar/source.ts). */
  kind: ModelFileKind | 'sarModel';
  /**
   * Object name inside the source, with `.bz2` when compressed (TAAR's key, e.g.
   * `taar/locale/top10_dict.json.bz2`).
   */
  name: string;
  compressed: boolean;
  size: number;
  /** GCS generation, or `<mtimeMs>:<size>` for a file. */
  version: string;
  /** Where the bytes live: an absolute resolved path, or `gs://bucket/key`. Added so `read` needs no lookup. */
  location: string;
  /** Hashes the source published for this version (GCS: base64 as in object metadata); `read` verifies them. */
  hashes?: { md5?: string; crc32c?: string };
}

export interface SourceVersion {
  /** Stable digest of every object's location and version: equal ids mean identical bytes. */
  id: string;
  objects: ModelObject[];
  checkedAt: Date;
}

export interface ReadOptions {
  signal?: AbortSignal;
  /** Called as bytes arrive (e.g. for a CLI progress bar); `total` is the object's size. */
  onProgress?(bytes: number, total: number): void;
}

export interface ModelSource {
  /** For logs and errors: a folder path or `gs://bucket/prefix` (`gs://<several>` for env-configured buckets). */
  readonly location: string;
  /** Finds every wanted object and pins its version; throws RECSCORE_MODEL_MISSING naming an absent file. */
  check(signal?: AbortSignal): Promise<SourceVersion>;
  /** Raw bytes of exactly `obj.version`; throws RECSCORE_MODEL_SOURCE if that version is no longer there. */
  read(obj: ModelObject, opts?: ReadOptions): Promise<Buffer>;
  /**
   * The same bytes as a stream, so that decoding needs no whole-file buffer. Failures (including a size
   * or hash mismatch found at the end) are stream errors with the codes `read` would throw; a consumer
   * must discard whatever it built from a stream that errored.
   */
  readStream?(obj: ModelObject, opts?: ReadOptions): Readable;
  close(): Promise<void>;
}

/** The names under which a kind may be stored, most preferred first: TAAR ships `.bz2`. */
export function candidateNames(kind: ModelFileKind, prefix = ''): [compressed: string, plain: string] {
  const base = prefix ? `${prefix.replace(/\/+$/, '')}/${MODEL_FILES[kind]}` : MODEL_FILES[kind];
  return [`${base}.bz2`, base];
}

export function versionId(objects: readonly ModelObject[]): string {
  const h = createHash('sha256');
  for (const o of objects) h.update(`${o.kind}\0${o.location}\0${o.version}\n`);
  return h.digest('hex').slice(0, 20);
}
