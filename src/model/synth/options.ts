import { z } from 'zod';
import { RecscoreError } from '../../errors.js';
import type { SynthOptions } from './types.js';
import { LOCALES } from './vocab.js';

/** Items are capped well below the 23-bit hash space (8.4M) so that collision-free ids stay cheap to find. */
export const MAX_SYNTH_ITEMS = 2_000_000;
export const MAX_SYNTH_GUIDS = 3_000_000;

const count = (min: number, max: number) => z.number().int().min(min).max(max);

const schema = z
  .object({
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    guids: count(3, MAX_SYNTH_GUIDS),
    items: count(1, MAX_SYNTH_ITEMS),
    factors: count(1, 256),
    donors: count(1, 1_000_000),
    locales: count(1, LOCALES.length),
    whitelist: count(3, 100_000), // donors need at least 3 whitelisted add-ons (SPEC §5.4)
    coinstallKeys: count(0, MAX_SYNTH_GUIDS),
    lrPoints: count(2, 1_000_000),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.items > o.guids) ctx.addIssue({ code: 'custom', path: ['items'], message: `must be <= guids (${o.guids})` });
    if (o.whitelist > o.guids)
      ctx.addIssue({ code: 'custom', path: ['whitelist'], message: `must be <= guids (${o.guids})` });
    if (o.coinstallKeys > o.guids) {
      ctx.addIssue({ code: 'custom', path: ['coinstallKeys'], message: `must be <= guids (${o.guids})` });
    }
  });

/** Checks generator options once at the boundary; the message names the option and the rule. */
export function validateSynthOptions(opts: unknown): SynthOptions {
  const r = schema.safeParse(opts);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.join('.') || 'options';
  throw new RecscoreError('RECSCORE_BAD_OPTION', `synth option ${field}: ${issue.message}`, { field });
}

const profilesSchema = z
  .object({ seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), count: count(0, 10_000_000) })
  .strict();

export function validateProfileOptions(opts: unknown): { seed: number; count: number } {
  const r = profilesSchema.safeParse(opts);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = issue.path.join('.') || 'options';
  throw new RecscoreError('RECSCORE_BAD_OPTION', `profile option ${field}: ${issue.message}`, { field });
}
