/**
 * The add-on hash that keys TAAR's collaborative model (SPEC §3.3): the item matrix `id` and the
 * addon_mapping keys are `positive_hash(guid)`.
 *
 * TAAR computes Java's `String.hashCode` in Python, iterating **code points** (Java iterates UTF-16
 * units); the two agree for BMP strings and we follow TAAR: a surrogate pair counts as one code point.
 *
 * @example positiveHash('note-view@gmail.com') === 2259345
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  // charCodeAt, not for…of: the string iterator allocates a string per character (this runs per request).
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = (c - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
        i++;
      }
    }
    // Math.imul keeps the product in int32; `| 0` wraps the sum as Python's `& 0xFFFFFFFF` + signed32 does.
    h = (Math.imul(31, h) + c) | 0;
  }
  return h;
}

/** Low 23 bits of the Java hash: 0 … 8,388,607. Collisions between GUIDs are expected (SPEC §3.3). */
export function positiveHash(s: string): number {
  return javaStringHashCode(s) & POSITIVE_HASH_MASK;
}

export const POSITIVE_HASH_MASK = 0x7fffff;
/** Number of distinct positiveHash values. */
export const POSITIVE_HASH_SPACE = POSITIVE_HASH_MASK + 1;
