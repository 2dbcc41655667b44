/**
 * Parsers of one raw setting (a flag's or an environment variable's text). Each error names where the
 * value came from (`--port` or `PORT`) and quotes the bad value, so an operator can fix it in one step.
 */
import { RecscoreError } from '../errors.js';

/** How a setting turns text into a value; `describe` is the rule as the README table shows it. */
export interface ValueKind<T> {
  parse(raw: string, source: string): T;
  readonly describe: string;
}

export function configError(source: string, raw: string, rule: string): RecscoreError {
  const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
  const message = `${source} must be ${rule}, got ${JSON.stringify(shown)}`;
  return new RecscoreError('RECSCORE_CONFIG', message, { variable: source, value: shown });
}

export function int(min: number, max: number): ValueKind<number> {
  const rule = `an integer from ${min} to ${max}`;
  return {
    describe: `integer ${min}–${max}`,
    parse(raw, source) {
      const n = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) throw configError(source, raw, rule);
      return n;
    },
  };
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'off']);

/** The usual spellings, case-insensitive; anything else is rejected, never silently read as false. */
export const bool: ValueKind<boolean> = {
  describe: 'boolean: 1/0, true/false, yes/no, on/off',
  parse(raw, source) {
    const v = raw.trim().toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    throw configError(source, raw, 'a boolean (1/0, true/false, yes/no, on/off)');
  },
};

export function text(maxLength = 4096): ValueKind<string> {
  return {
    describe: 'text',
    parse(raw, source) {
      const ok = raw.length <= maxLength && !/[\x00-\x1f]/.test(raw);
      if (!ok) throw configError(source, raw, `text of at most ${maxLength} printable characters`);
      return raw;
    },
  };
}

export function oneOf<const T extends string>(values: readonly T[]): ValueKind<T> {
  return {
    describe: values.join(' \\| '),
    parse(raw, source) {
      const v = raw.trim().toLowerCase();
      if (!(values as readonly string[]).includes(v)) throw configError(source, raw, `one of ${values.join(', ')}`);
      return v as T;
    },
  };
}

/** A comma-separated list of distinct values from `values`; `none` is the empty list. */
export function listOf<const T extends string>(values: readonly T[]): ValueKind<readonly T[]> {
  const rule = `a comma-separated list of distinct ${values.join(', ')} (or none)`;
  return {
    describe: `comma list of ${values.join(', ')}, or none`,
    parse(raw, source) {
      const v = raw.trim().toLowerCase();
      if (v === 'none') return [];
      const items = v.split(',').map((s) => s.trim());
      const ok = items.every((s) => (values as readonly string[]).includes(s)) && new Set(items).size === items.length;
      if (!ok) throw configError(source, raw, rule);
      return items as T[];
    },
  };
}

export function url(schemes: readonly string[]): ValueKind<string> {
  const rule = `a URL (${schemes.join(', ')})`;
  return {
    describe: `URL (${schemes.join(', ')})`,
    parse(raw, source) {
      let u: URL;
      try {
        u = new URL(raw.trim());
      } catch {
        throw configError(source, raw, rule);
      }
      if (!schemes.includes(u.protocol.replace(/:$/, ''))) throw configError(source, raw, rule);
      return raw.trim();
    },
  };
}

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
};

/** A size in bytes: an integer, or a number with a unit (`512MiB`, `2GiB`, `1.5g`; case-insensitive). */
export function byteSize(min: number, max: number): ValueKind<number> {
  const rule = `a size from ${min} to ${max} bytes (e.g. 512MiB, 2GiB)`;
  return {
    describe: 'bytes, or a size such as 512MiB, 2GiB',
    parse(raw, source) {
      const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
      const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
      const n = m && unit !== undefined ? Math.round(Number(m[1]) * unit) : NaN;
      if (!Number.isSafeInteger(n) || n < min || n > max) throw configError(source, raw, rule);
      return n;
    },
  };
}
