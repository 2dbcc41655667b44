/**
 * The storage under the registry: named objects with a generation, and conditional writes so several
 * replicas can share one registry without a database and without lost updates. Two backends: a local
 * folder (local-objects.ts) and a GCS prefix (gcs-objects.ts). Names are relative and use `/`.
 */
import { RecscoreError } from '../../errors.js';

/** `null`: the object must not exist yet; a string: its generation must still be this one; `undefined`: none. */
export type Precondition = string | null | undefined;

export interface StoredObject {
  bytes: Uint8Array;
  generation: string;
}

export interface ObjectStore {
  /** The folder or `gs://bucket/prefix`, for messages and for artifact locations. */
  readonly location: string;
  /** Objects under `prefix` with their generations (no contents). */
  list(prefix: string): Promise<Array<{ name: string; generation: string }>>;
  read(name: string): Promise<StoredObject | undefined>;
  /**
   * Writes atomically (readers see the old or the new bytes); returns the new generation. Throws
   * RECSCORE_REGISTRY_CONFLICT when `expected` no longer holds.
   */
  write(name: string, bytes: Uint8Array, expected?: Precondition): Promise<string>;
  /** Removes the object; false when it was not there. RECSCORE_REGISTRY_CONFLICT when `expected` no longer holds. */
  remove(name: string, expected?: Precondition): Promise<boolean>;
  /** Where an object is, as a path or `gs://` URL (the record's `artifact`). */
  urlOf(name: string): string;
  close(): Promise<void>;
}

export function conflict(location: string, name: string): RecscoreError {
  return new RecscoreError('RECSCORE_REGISTRY_CONFLICT', `${name} in ${location} was changed by another writer`, {
    name,
  });
}

export function storageError(location: string, what: string, e: unknown): RecscoreError {
  const message = (e as Error)?.message ?? String(e);
  return new RecscoreError(
    'RECSCORE_REGISTRY',
    `registry ${location}: ${what} failed: ${message.slice(0, 300)}`,
    undefined,
    {
      cause: e,
    },
  );
}
