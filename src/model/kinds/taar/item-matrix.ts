/**
 * The collaborative item matrix as typed arrays (SPEC §5.1): row r is item `ids[r]` with factors
 * `features[r * nFactors … (r + 1) * nFactors)`. Rows are validated one at a time as they are parsed, so
 * the 1M × 20 matrix of a large model never exists as a JS object graph.
 */
import { ModelError } from '../../../errors.js';
import { MODEL_FILES } from './files.js';
import type { ItemMatrix, ItemRow } from './types.js';

const BLOCK = 1 << 20; // doubles per storage block (8 MB): growth never copies what is already stored

/** zod's wording, so that messages read as they did when the whole file went through the schema. */
function received(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number' && Number.isNaN(v)) return 'nan';
  return typeof v;
}

export class ItemMatrixBuilder {
  #file: string;
  #n = 0;
  #nFactors = 0;
  #ids = new Int32Array(1024);
  #blocks: Float64Array[] = [];
  #at = BLOCK; // write position in the last block
  /** The first rows-disagree problem; later rows are still schema-checked but no longer stored. */
  #inconsistent: ModelError | undefined;

  /** `file` is the object name (with `.bz2` when compressed), as schema errors name it. */
  constructor(file: string) {
    this.#file = file;
  }

  /** Validates row `r` and appends it; throws RECSCORE_MODEL_SCHEMA naming the row and field. */
  add(row: unknown, r: number): void {
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw this.#schema(`${r}`, `Expected object, received ${received(row)}`);
    const { id, features } = row as { id?: unknown; features?: unknown };
    if (id === undefined) throw this.#schema(`${r}.id`, 'Required');
    if (typeof id !== 'number' || Number.isNaN(id))
      throw this.#schema(`${r}.id`, `Expected number, received ${received(id)}`);
    if (!Number.isInteger(id)) throw this.#schema(`${r}.id`, 'Expected integer, received float');
    if (id < 0) throw this.#schema(`${r}.id`, 'Number must be greater than or equal to 0');
    if (id > 0x7fffff) throw this.#schema(`${r}.id`, 'Number must be less than or equal to 8388607');
    if (features === undefined) throw this.#schema(`${r}.features`, 'Required');
    if (!Array.isArray(features)) throw this.#schema(`${r}.features`, `Expected array, received ${received(features)}`);
    if (features.length < 1) throw this.#schema(`${r}.features`, 'Array must contain at least 1 element(s)');
    for (let j = 0; j < features.length; j++) {
      const v: unknown = features[j];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw this.#schema(
          `${r}.features.${j}`,
          typeof v === 'number' && !Number.isNaN(v)
            ? 'Number must be finite'
            : `Expected number, received ${received(v)}`,
        );
      }
    }
    if (this.#inconsistent) return;
    if (r === 0) this.#nFactors = features.length;
    else if (features.length !== this.#nFactors) {
      this.#inconsistent = new ModelError(
        'RECSCORE_MODEL_CONSISTENCY',
        MODEL_FILES.itemMatrix,
        `row ${r} has ${features.length} factors, row 0 has ${this.#nFactors}`,
      );
      return;
    }
    this.#push(id, features as number[]);
  }

  /** The matrix, and the rows-disagree problem if any (the caller decides when it surfaces). */
  finish(): { matrix: ItemMatrix; problem: ModelError | undefined } {
    const F = this.#nFactors;
    const features = new Float64Array(this.#n * F);
    let at = 0;
    for (const b of this.#blocks) {
      const take = Math.min(BLOCK, features.length - at);
      features.set(take === BLOCK ? b : b.subarray(0, take), at);
      at += take;
    }
    this.#blocks = [];
    return { matrix: { ids: this.#ids.slice(0, this.#n), features, nFactors: F }, problem: this.#inconsistent };
  }

  #push(id: number, features: number[]): void {
    if (this.#n === this.#ids.length) {
      const grown = new Int32Array(this.#ids.length * 2);
      grown.set(this.#ids);
      this.#ids = grown;
    }
    this.#ids[this.#n++] = id;
    let block = this.#blocks[this.#blocks.length - 1];
    for (let j = 0; j < features.length; j++) {
      if (this.#at === BLOCK) {
        block = new Float64Array(BLOCK);
        this.#blocks.push(block);
        this.#at = 0;
      }
      block[this.#at++] = features[j];
    }
  }

  #schema(where: string, problem: string): ModelError {
    return new ModelError('RECSCORE_MODEL_SCHEMA', this.#file, `at ${where}: ${problem}`);
  }
}

/**
 * Rows built in code (tests, benchmarks, the synthetic generator) → the typed matrix. Rows of different
 * lengths are refused as a decoded file's would be.
 */
export function itemMatrixFromRows(rows: readonly ItemRow[]): ItemMatrix {
  const F = rows.length ? rows[0].features.length : 0;
  const ids = new Int32Array(rows.length);
  const features = new Float64Array(rows.length * F);
  rows.forEach((row, r) => {
    if (row.features.length !== F)
      throw new ModelError(
        'RECSCORE_MODEL_CONSISTENCY',
        MODEL_FILES.itemMatrix,
        `row ${r} has ${row.features.length} factors, row 0 has ${F}`,
      );
    ids[r] = row.id;
    features.set(row.features, r * F);
  });
  return { ids, features, nFactors: F };
}
