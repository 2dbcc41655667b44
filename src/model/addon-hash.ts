/**
 * The add-on hash that keys TAAR's collaborative model (SPEC §3.3): the item matrix `id` and the
 * addon_mapping keys are `positive_hash(guid)`.
 *
 * TAAR computes Java's `String.hashCode` in Python, iterating **code points** (Java iterates UTF-16
 * units); the two agree for BMP strings and we follow TAAR, so `for…of` rather than `charCodeAt`.
 *
 * @example positiveHash('note-view@gmail.com') === 2259345
 */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (const ch of s) {
    // Math.imul keeps the product in int32; `| 0` wraps the sum as Python's `& 0xFFFFFFFF` + signed32 does.
    h = (Math.imul(31, h) + (ch.codePointAt(0) as number)) | 0;
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
