/**
 * Thin typed wrapper over node:util parseArgs: unknown flags and bad values become RECSCORE_CONFIG errors
 * that the dispatcher prints as one line and turns into exit code 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { closest, distance } from 'fastest-levenshtein';
import { RecscoreError } from '../errors.js';

/**
 * A parseArgs error as one RECSCORE_CONFIG line. An unknown option names itself and the nearest known
 * one (Levenshtein, when it is close enough to be a typo); `details.known` lists the parser's options
 * (src/cli/help.test.ts compares them with the help).
 */
export function optionError(e: unknown, known: readonly string[]): RecscoreError {
  const err = e as Error & { code?: string };
  const message = err.message.replace(/\s*\n\s*/g, ' ');
  if (err.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new RecscoreError('RECSCORE_CONFIG', message);
  const given = /'(-[^']*)'/.exec(err.message)?.[1] ?? '';
  const name = given.replace(/^-+/, '').replace(/=.*$/, '');
  const near = known.length ? closest(name, [...known]) : undefined;
  const close = near !== undefined && distance(name, near) <= Math.max(2, Math.floor(name.length / 3));
  const hint = close ? `; did you mean --${near}?` : known.length ? ` (options: --${known.join(', --')})` : '';
  return new RecscoreError('RECSCORE_CONFIG', `unknown option ${given}${hint}`, { known: [...known] });
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    throw optionError(e, Object.keys(options));
  }
}

export function intOption(
  name: string,
  value: string | undefined,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  const n = /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new RecscoreError(
      'RECSCORE_CONFIG',
      `${/^[A-Z]/.test(name) ? name : `--${name}`} must be an integer from ${min} to ${max}, got "${value}"`,
    );
  return n;
}

export function required(name: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new RecscoreError('RECSCORE_CONFIG', `--${name} is required`);
  return value;
}
