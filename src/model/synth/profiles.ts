import { createHash } from 'node:crypto';
import { ENGAGEMENT, drawCount, localeSampler, osSampler } from './donors.js';
import { newGuid, uuidV4 } from './guids.js';
import { validateProfileOptions } from './options.js';
import { Prng } from './prng.js';
import { isSystemAddon } from './ranking.js';
import { WeightedSampler, clampInt } from './sampling.js';
import type { SynthDonor, SynthOutput, SynthProfile } from './types.js';
import { CITIES, OS_NAMES } from './vocab.js';

/**
 * Client profiles (SPEC §4 client_info) for a synthetic model set, deterministic in `seed`. Each client
 * starts from a random donor — sharing some of its add-ons, usually its city/locale/OS and roughly its
 * engagement — so the similarity recommender finds neighbours; the rest of its add-ons come from the
 * whitelist and from all add-ons by popularity, plus a few GUIDs no model knows. `client_id` is the
 * sha256 hex of a synthetic telemetry id, as production's hashed ids are (SPEC §3.1).
 */
export function generateProfiles(model: SynthOutput, opts: { seed: number; count: number }): SynthProfile[] {
  const o = validateProfileOptions(opts);
  const prng = new Prng(o.seed, 'profiles');
  const ranked = Object.entries(model.ranking).filter(([g]) => !isSystemAddon(g));
  const global = new WeightedSampler(ranked.map(([, c]) => Math.pow(c, 0.8)));
  const wl = model.whitelist;
  const wlSampler = new WeightedSampler(wl.map((g) => Math.sqrt(model.ranking[g] ?? 1)));
  const known = new Set<string>([...ranked.map(([g]) => g), ...wl]);
  const locales = Object.keys(model.locale);
  const locSampler = localeSampler(locales);
  const os = osSampler();

  const profiles: SynthProfile[] = [];
  for (let p = 0; p < o.count; p++) {
    const donor: SynthDonor | undefined =
      model.donors.length > 0 ? model.donors[prng.int(model.donors.length)] : undefined;
    const n = prng.chance(0.03) ? 0 : clampInt(prng.logNormal(Math.log(4), 0.75), 1, 15);
    const installed: string[] = [];
    const seen = new Set<string>();
    for (let tries = 0; installed.length < n && tries < 20 * n; tries++) {
      const r = prng.float();
      let g: string | undefined;
      if (r < 0.45 && donor && donor.active_addons.length > 0) g = prng.pick(donor.active_addons);
      else if (r < 0.7 && wl.length > 0) g = wl[wlSampler.sample(prng)];
      else if (r < 0.97 && ranked.length > 0) g = ranked[global.sample(prng)][0];
      else g = newGuid(prng, known); // an add-on that no model file knows
      if (seen.has(g)) continue;
      seen.add(g);
      installed.push(g);
    }
    const near = (k: keyof typeof ENGAGEMENT) =>
      donor && prng.chance(0.7) ? Math.round(donor[k] * prng.logNormal(0, 0.2)) : drawCount(prng, ENGAGEMENT[k]);
    const clientId = createHash('sha256').update(uuidV4(prng), 'utf8').digest('hex');
    profiles.push({
      client_id: clientId,
      geo_city: donor && prng.chance(0.6) ? donor.geo_city : prng.pick(CITIES),
      subsession_length: near('subsession_length'),
      locale: donor && prng.chance(0.6) ? donor.locale : (locales[locSampler.sample(prng)] ?? ''),
      os: donor && prng.chance(0.8) ? donor.os : OS_NAMES[os.sample(prng)],
      installed_addons: installed,
      disabled_addons_ids: [],
      bookmark_count: near('bookmark_count'),
      tab_open_count: near('tab_open_count'),
      total_uri: near('total_uri'),
      unique_tlds: near('unique_tlds'),
    });
  }
  return profiles;
}
