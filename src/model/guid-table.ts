/**
 * Every GUID that appears in any model file gets one integer id (first-seen order, deterministic for a
 * given model set). The kernel works on ids only; ties that TAAR breaks by GUID string are broken by
 * `rank`, the GUID's position in code-point order (Python's str order; JS `<` compares UTF-16 units,
 * which differs for characters above U+FFFF).
 */
export class GuidTable {
  readonly ids = new Map<string, number>();
  readonly guids: string[] = [];

  intern(guid: string): number {
    let id = this.ids.get(guid);
    if (id === undefined) {
      id = this.guids.length;
      this.guids.push(guid);
      this.ids.set(guid, id);
    }
    return id;
  }

  /** rank[id] = position of guids[id] in code-point ascending order. */
  ranks(): Int32Array {
    const order = this.guids.map((_, i) => i).sort((a, b) => compareCodePoints(this.guids[a], this.guids[b]));
    const rank = new Int32Array(this.guids.length);
    order.forEach((id, pos) => (rank[id] = pos));
    return rank;
  }
}

export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800–DFFF) encode code points above U+FFFF: they sort after every BMP unit.
    const sx = x >= 0xd800 && x <= 0xdfff ? x + 0x10000 : x;
    const sy = y >= 0xd800 && y <= 0xdfff ? y + 0x10000 : y;
    return sx - sy;
  }
  return a.length - b.length;
}
