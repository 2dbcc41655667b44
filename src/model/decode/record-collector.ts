/**
 * The entries of a JSON object, collected one at a time in the order JS gives its keys after JSON.parse:
 * integer-like keys (array indices, e.g. the item ids of addon_mapping) first in ascending numeric order,
 * then the other keys in file order; a repeated key keeps its first position and its last value. Packing
 * interns GUIDs in this order, so it must match what `Object.entries(JSON.parse(text))` gave.
 *
 * Invalid values are recorded in place rather than thrown, so the first problem reported is the first in
 * this order, as zod reports it for a whole record. A `__proto__` key is dropped, as zod's records do.
 */
const DROPPED = Symbol('dropped');

class Invalid {
  constructor(
    readonly path: ReadonlyArray<string | number>,
    readonly message: string,
  ) {}
}

type Slot<T> = T | Invalid | typeof DROPPED;

/** Canonical array index: "0" or no leading zero, below 2^32 - 1 (the ECMAScript definition). */
function indexOf(key: string): number {
  const c = key.charCodeAt(0);
  if (!(c >= 0x30 && c <= 0x39) || key.length > 10 || (c === 0x30 && key.length > 1)) return -1;
  for (let i = 1; i < key.length; i++) {
    const d = key.charCodeAt(i);
    if (d < 0x30 || d > 0x39) return -1;
  }
  const n = Number(key);
  return n < 4294967295 ? n : -1;
}

export class RecordCollector<T> {
  #named = new Map<string, Slot<T>>();
  #indexed = new Map<string, Slot<T>>();
  #lastIndex = -1;
  #ascending = true; // integer-like keys arrived in ascending order (then no sort is needed)

  set(key: string, value: T): void {
    this.#put(key, key === '__proto__' ? DROPPED : value);
  }

  invalid(key: string, path: ReadonlyArray<string | number>, message: string): void {
    this.#put(key, new Invalid(path, message));
  }

  /** The first invalid entry in key order, worded as zod's issue path. */
  firstInvalid(): { where: string; message: string } | undefined {
    for (const [key, v] of this.#ordered()) {
      if (v instanceof Invalid) return { where: [key, ...v.path].join('.'), message: v.message };
    }
    return undefined;
  }

  toMap(): Map<string, T> {
    const plain =
      this.#named.size === 0 && this.#ascending ? this.#indexed : this.#indexed.size === 0 ? this.#named : undefined;
    if (plain && ![...plain.values()].some((v) => v === DROPPED || v instanceof Invalid))
      return plain as Map<string, T>;
    const out = new Map<string, T>();
    for (const [k, v] of this.#ordered()) if (v !== DROPPED && !(v instanceof Invalid)) out.set(k, v);
    return out;
  }

  #put(key: string, value: Slot<T>): void {
    const n = indexOf(key);
    if (n < 0) {
      this.#named.set(key, value);
      return;
    }
    if (!this.#indexed.has(key)) {
      if (n < this.#lastIndex) this.#ascending = false;
      this.#lastIndex = n;
    }
    this.#indexed.set(key, value);
  }

  *#ordered(): Generator<[string, Slot<T>]> {
    if (this.#ascending) yield* this.#indexed;
    else {
      const keys = Float64Array.from(this.#indexed.keys(), Number).sort();
      for (const n of keys) yield [String(n), this.#indexed.get(String(n))!];
    }
    yield* this.#named;
  }
}
