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
    const rank = new Int32Array(this.guids.length);
    if (!/[\ud800-\udfff]/.test(this.guids.join(''))) {
      // Without surrogates UTF-16 order is code-point order: the default sort (no JS comparator) is far faster.
      [...this.guids].sort().forEach((g, pos) => (rank[this.ids.get(g)!] = pos));
      return rank;
    }
    const order = this.guids.map((_, i) => i).sort((a, b) => compareCodePoints(this.guids[a], this.guids[b]));
    order.forEach((id, pos) => (rank[id] = pos));
    return rank;
  }

  /** Every GUID's UTF-8 bytes, concatenated; `offs[id]` is where guids[id] starts (`offs[n]` = total). */
  utf8(): { offs: Uint32Array; bytes: Uint8Array } {
    const n = this.guids.length;
    const offs = new Uint32Array(n + 1);
    const joined = this.guids.join('');
    if (!/[^\x00-\x7f]/.test(joined)) {
      // ASCII (every real GUID): one byte per character, encoded in one call.
      for (let i = 0; i < n; i++) offs[i + 1] = offs[i] + this.guids[i].length;
      return { offs, bytes: Buffer.from(joined, 'latin1') };
    }
    // Encoded one by one: a lone surrogate at the end of one GUID must not pair with the next.
    const parts = this.guids.map((g) => Buffer.from(g, 'utf8'));
    parts.forEach((b, i) => (offs[i + 1] = offs[i] + b.length));
    return { offs, bytes: Buffer.concat(parts) };
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
