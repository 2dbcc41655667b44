/**
 * SPEC §8's comparison rules: numbers within 1e-12 + 1e-9·max(|a|,|b|); top-k lists by tie groups with
 * the `alt` list for the last group; sparse rows over the union of keys. Each returns a description of
 * the first difference, or undefined when the candidate passes.
 */
export const RTOL = 1e-9;
export const ATOL = 1e-12;

export function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= ATOL + RTOL * Math.max(Math.abs(a), Math.abs(b));
}

export type Top = Array<[string, number]>;

export function topDifference(actual: Top, expected: Top, alt: string[] = []): string | undefined {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  if (new Set(actual.map((p) => p[0])).size !== actual.length) return 'duplicate items in the list';
  for (let i = 0; i < expected.length; i++) {
    if (!close(actual[i][1], expected[i][1])) {
      return `position ${i}: score ${actual[i][1]} (${actual[i][0]}), expected ${expected[i][1]} (${expected[i][0]})`;
    }
  }
  let start = 0;
  while (start < expected.length) {
    let end = start + 1;
    while (end < expected.length && close(expected[end][1], expected[start][1])) end++;
    const want = new Set(expected.slice(start, end).map((p) => p[0]));
    const last = end === expected.length;
    if (last) for (const a of alt) want.add(a);
    for (let i = start; i < end; i++) {
      if (!want.has(actual[i][0])) {
        return (
          `position ${i}: item ${actual[i][0]} not in the expected ${last ? 'last tie group + alt' : 'tie group'} ` +
          `{${[...want].join(',')}}`
        );
      }
    }
    if (!last) {
      const got = new Set(actual.slice(start, end).map((p) => p[0]));
      for (const w of want) if (!got.has(w)) return `tie group at ${start}: missing ${w}`;
    }
    start = end;
  }
  return undefined;
}

export function sparseDifference(actual: Map<string, number>, expected: Map<string, number>): string | undefined {
  for (const [k, v] of expected) {
    const a = actual.get(k) ?? 0;
    if (!close(a, v)) return `${k}: ${a}, expected ${v}`;
  }
  for (const [k, a] of actual) if (!expected.has(k) && !close(a, 0)) return `${k}: ${a}, expected 0 (absent)`;
  return undefined;
}
