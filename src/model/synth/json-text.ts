/**
 * JSON text in Python `json.dumps` layout (`", "` and `": "` separators), the layout of TAAR's model
 * files and of the vectors. Numbers use JS's shortest round-trip form; JSON.parse reads back the
 * same doubles, which is all TAAR's loader cares about.
 */
export function pyJson(v: unknown): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new RangeError(`cannot write ${v} as JSON`);
      return JSON.stringify(v);
    case 'object': {
      if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
      const parts: string[] = [];
      for (const [k, x] of Object.entries(v as Record<string, unknown>))
        parts.push(`${JSON.stringify(k)}: ${pyJson(x)}`);
      return `{${parts.join(', ')}}`;
    }
    default:
      throw new TypeError(`cannot write a ${typeof v} as JSON`);
  }
}
