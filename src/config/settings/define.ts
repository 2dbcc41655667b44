/**
 * The shape of one setting and the two ways to declare one (with a default, or optional). The groups in
 * this folder declare the settings; src/config/settings.ts joins them into the one table.
 */
import type { ValueKind } from '../values.js';

export interface Setting<T> {
  /** Environment variable; an empty value counts as unset. */
  env?: string;
  /** Flag of `recscore serve`, without the leading dashes (a string-valued flag unless `kind` is a switch). */
  flag?: string;
  kind: ValueKind<T>;
  /** The value when neither flag nor variable is given. */
  fallback: () => T;
  /** The default as the README shows it. */
  shown: string;
  doc: string;
}

type SettingInput<T> = Omit<Setting<T>, 'fallback' | 'shown'> & { default: T; shown?: string; compute?: () => T };

export function setting<T>({ default: d, compute, shown, ...s }: SettingInput<T>): Setting<T> {
  return { ...s, fallback: compute ?? (() => d), shown: shown ?? (Array.isArray(d) ? d.join(',') : String(d)) };
}
export function optional<T>(s: Omit<Setting<T>, 'fallback' | 'shown'>): Setting<T | undefined> {
  return { ...s, fallback: () => undefined, shown: '(unset)' };
}
