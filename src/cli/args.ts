/**
 * Thin typed wrapper over node:util parseArgs: unknown flags and bad values become RECSCORE_CONFIG errors
 * that the dispatcher prints as one line and turns into exit code 2.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RecscoreError } from '../errors.js';

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    throw new RecscoreError('RECSCORE_CONFIG', (e as Error).message.replace(/\s*\n\s*/g, ' '));
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
