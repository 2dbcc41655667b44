import type { Prng } from './prng.js';
import { PROVIDERS, TLDS, WORDS } from './vocab.js';

/**
 * Add-on GUIDs in the four styles real add-ons use and the vectors mirror (SPEC §12.2), with the
 * vectors' shares: `{uuid}` 44 %, `name@domain` 31 %, `@name` 12.5 %, `jid1-…@jetpack` 12.5 %.
 */
export function newGuid(prng: Prng, taken: ReadonlySet<string>): string {
  const style = prng.float();
  const make = style < 0.44 ? uuidGuid : style < 0.75 ? emailGuid : style < 0.875 ? atGuid : jetpackGuid;
  // The word-based styles have a finite space: retry, then fall back to a UUID (never taken in practice).
  for (let attempt = 0; attempt < 4; attempt++) {
    const g = make(prng);
    if (!taken.has(g)) return g;
  }
  for (;;) {
    const g = uuidGuid(prng);
    if (!taken.has(g)) return g;
  }
}

/** A display name such as "Focus Reader" (addon_mapping `name`, never read by TAAR). */
export function addonName(prng: Prng): string {
  return `${capital(prng.pick(WORDS))} ${capital(prng.pick(WORDS))}`;
}

/** A random v4 UUID without braces, also used for synthetic telemetry client ids. */
export function uuidV4(prng: Prng): string {
  const h = (n: number) => hex(prng, n);
  const variant = '89ab'[prng.int(4)];
  return `${h(8)}-${h(4)}-4${h(3)}-${variant}${h(3)}-${h(12)}`;
}

function uuidGuid(prng: Prng): string {
  return `{${uuidV4(prng)}}`;
}

function emailGuid(prng: Prng): string {
  const a = prng.pick(WORDS);
  const b = prng.pick(WORDS);
  const kind = prng.int(3);
  if (kind === 0) return `${a}-${b}@${prng.pick(PROVIDERS)}`;
  if (kind === 1) return `${a}_${b}@${prng.pick(WORDS)}.${prng.pick(TLDS)}`;
  return `${a}${capital(b)}${prng.intBetween(10, 99)}@${prng.pick(PROVIDERS)}`;
}

function atGuid(prng: Prng): string {
  return `@${prng.pick(WORDS)}-${prng.pick(WORDS)}`;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function jetpackGuid(prng: Prng): string {
  let id = '';
  for (let i = 0; i < 14; i++) id += ALNUM[prng.int(ALNUM.length)];
  return `jid1-${id}@jetpack`;
}

function hex(prng: Prng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[prng.int(16)];
  return s;
}

function capital(w: string): string {
  return w[0].toUpperCase() + w.slice(1);
}
