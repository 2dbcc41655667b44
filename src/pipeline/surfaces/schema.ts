/**
 * The surfaces file (RECSCORE_SURFACES / --surfaces), JSON or YAML:
 *
 *   surfaces:                       # name → pipeline; `taar` is built in (TAAR's own path) and cannot be defined
 *     home:
 *       size: 10                    # final size (per request `count` 1–100 overrides it)
 *       first_n: 50                 # candidates kept by the first-N dedup
 *       budget_ms: 40               # the whole surface (sources start at once, each with its own budget)
 *       stage_budget_ms: 5          # each stage; on timeout it passes its input on unchanged
 *       blend: {mode: round_robin | sample}
 *       sources:
 *         - {name: collab, kind: taar, recommender: collaborative, weight: 2, budget_ms: 20}
 *         - {name: sar, kind: sar, model: default | <id> | <description>, mode: personal | item, weight: 1,
 *            seeds: installed | events | both, seed_days: 7}   # events: the client's recent events (sources.ts)
 *         - {name: pop, kind: popularity, scope: global | locale}
 *         - {name: promo, kind: promoted}        # the request's promoted list
 *         - {name: editors, kind: static, items: [guid, …]}
 *       filters: {installed: true, block: [guid, …], max_shown: 20}   # max_shown 0: drop every item seen
 *       fatigue: {factor: 2, window_days: 7}
 *       diversity: {by: source | <catalog attribute>}
 *   catalog: {guid: {category: "privacy", …}}     # item attributes over RECSCORE_CATALOG's (inline wins)
 *   experiments:
 *     - {id, salt, surface, allocation: 0–1, variants: [{name, weight, overrides: {…}}], interleave?: [a, b]}
 *
 * Every error names the path of the bad field (`surfaces.home.sources[1].weight: …`).
 */
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { RecscoreError } from '../../errors.js';

const NAME = /^[a-z][a-z0-9_-]{0,39}$/;
const GUID = /^[\x21-\x24\x26-\x2E\x30-\x7E]{1,200}$/;
const name = z.string().regex(NAME, 'must be 1–40 of a-z 0-9 _ - starting with a letter');
const guid = z.string().regex(GUID, 'must be 1–200 printable ASCII characters without spaces, % or /');
const budget = z.number().int().min(1).max(60_000);

export const TAAR_RECOMMENDERS = ['collaborative', 'similarity', 'locale', 'ensemble'] as const;

const common = {
  name,
  weight: z.number().finite().min(0).max(1_000).default(1),
  budget_ms: budget.default(25),
  /** Entries asked of the source (default: the surface's first_n). */
  limit: z.number().int().min(1).max(1_000).optional(),
  /** Relative cost; under load the quality factor switches off the most expensive source first. */
  cost: z.number().finite().min(0).max(1_000).optional(),
};

const source = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('taar'), recommender: z.enum(TAAR_RECOMMENDERS) }).strict(),
  z
    .object({
      ...common,
      kind: z.literal('sar'),
      model: z.string().min(1).max(256),
      mode: z.enum(['personal', 'item']).default('personal'),
      /** What seeds the source: installed add-ons, the client's recent events (the event store), or both. */
      seeds: z.enum(['installed', 'events', 'both']).default('installed'),
      /** UTC days of recent events read for seeds (the embedded store keeps RECSCORE_EVENT_SHOWN_DAYS). */
      seed_days: z.number().int().min(1).max(90).default(7),
    })
    .strict(),
  z
    .object({ ...common, kind: z.literal('popularity'), scope: z.enum(['global', 'locale']).default('global') })
    .strict(),
  z.object({ ...common, kind: z.literal('promoted') }).strict(),
  z.object({ ...common, kind: z.literal('static'), items: z.array(guid).max(1_000) }).strict(),
]);
export type SourceConfig = z.infer<typeof source>;

const filters = z
  .object({
    installed: z.boolean().default(true),
    block: z.array(guid).max(10_000).default([]),
    /** Items shown to the client more than this many times in the fatigue window are dropped (0: every seen item). */
    max_shown: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();

const fatigue = z
  .object({
    factor: z.number().finite().min(0).max(1_000),
    window_days: z.number().int().min(1).max(90).default(7),
  })
  .strict();

const surfaceShape = {
  size: z.number().int().min(1).max(100).default(10),
  first_n: z.number().int().min(1).max(1_000).default(50),
  budget_ms: budget.default(50),
  stage_budget_ms: budget.default(5),
  blend: z
    .object({ mode: z.enum(['round_robin', 'sample']).default('round_robin') })
    .strict()
    .default({}),
  sources: z.array(source).min(1).max(16),
  filters: filters.default({}),
  fatigue: fatigue.optional(),
  diversity: z
    .object({ by: z.string().min(1).max(40) })
    .strict()
    .optional(),
  /** Target p95 latency of the quality factor (ms); unset: no shedding. */
  target_p95_ms: z.number().finite().min(1).max(60_000).optional(),
};

const surface = z
  .object(surfaceShape)
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.sources.forEach((src, i) => {
      if (seen.has(src.name))
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'name'], message: `duplicate source ${src.name}` });
      seen.add(src.name);
    });
  });
export type SurfaceConfig = z.infer<typeof surface>;

/** A variant's changes to its surface: size, first-N, blend, filters, fatigue, and per-source fields. */
const sourceOverride = z
  .object({
    weight: z.number().finite().min(0).max(1_000).optional(),
    budget_ms: budget.optional(),
    limit: z.number().int().min(1).max(1_000).optional(),
    model: z.string().min(1).max(256).optional(),
    /** SAR sources: what seeds them (an experiment on seeding from recent events). */
    seeds: z.enum(['installed', 'events', 'both']).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
const overrides = z
  .object({
    size: surfaceShape.size.optional(),
    first_n: z.number().int().min(1).max(1_000).optional(),
    blend: z
      .object({ mode: z.enum(['round_robin', 'sample']) })
      .strict()
      .optional(),
    filters: filters.partial().optional(),
    fatigue: fatigue.nullable().optional(),
    diversity: z
      .object({ by: z.string().min(1).max(40) })
      .strict()
      .nullable()
      .optional(),
    sources: z.record(z.string(), sourceOverride).optional(),
    /** TAAR surface: the weighted draw on/off; any surface: serve this variant from another surface. */
    draw: z.boolean().optional(),
    surface: name.optional(),
  })
  .strict();
export type VariantOverrides = z.infer<typeof overrides>;

const experiment = z
  .object({
    id: name,
    salt: z.string().min(1).max(200),
    surface: name,
    allocation: z.number().finite().min(0).max(1),
    variants: z
      .array(
        z
          .object({ name, weight: z.number().finite().min(0).max(1_000).default(1), overrides: overrides.default({}) })
          .strict(),
      )
      .min(1)
      .max(20),
    /** Team-draft interleaving of these two variants in every answer of the experiment's clients. */
    interleave: z.tuple([name, name]).optional(),
  })
  .strict();
export type ExperimentConfig = z.infer<typeof experiment>;

const file = z
  .object({
    surfaces: z.record(z.string(), surface).default({}),
    catalog: z.record(z.string(), z.record(z.string(), z.string().max(200))).default({}),
    experiments: z.array(experiment).max(100).default([]),
  })
  .strict()
  .superRefine((f, ctx) => {
    for (const key of Object.keys(f.surfaces)) {
      if (!NAME.test(key)) ctx.addIssue({ code: 'custom', path: ['surfaces', key], message: 'bad surface name' });
      if (key === 'taar')
        ctx.addIssue({ code: 'custom', path: ['surfaces', key], message: '`taar` is built in (TAAR routes)' });
    }
    const ids = new Set<string>();
    f.experiments.forEach((e, i) => {
      const at = (...p: Array<string | number>) => ['experiments', i, ...p];
      if (ids.has(e.id)) ctx.addIssue({ code: 'custom', path: at('id'), message: `duplicate experiment ${e.id}` });
      ids.add(e.id);
      if (e.surface !== 'taar' && !f.surfaces[e.surface])
        ctx.addIssue({ code: 'custom', path: at('surface'), message: `no surface ${e.surface}` });
      const names = e.variants.map((v) => v.name);
      if (new Set(names).size !== names.length)
        ctx.addIssue({ code: 'custom', path: at('variants'), message: 'variant names must differ' });
      if (e.variants.every((v) => v.weight === 0))
        ctx.addIssue({ code: 'custom', path: at('variants'), message: 'at least one variant needs a weight above 0' });
      e.variants.forEach((v, j) => {
        const o = v.overrides;
        if (o.surface !== undefined && !f.surfaces[o.surface])
          ctx.addIssue({
            code: 'custom',
            path: at('variants', j, 'overrides', 'surface'),
            message: `no surface ${o.surface}`,
          });
        const target = f.surfaces[o.surface ?? e.surface];
        for (const s of Object.keys(o.sources ?? {})) {
          if (target && !target.sources.some((x) => x.name === s))
            ctx.addIssue({
              code: 'custom',
              path: at('variants', j, 'overrides', 'sources', s),
              message: `no source ${s} in surface ${o.surface ?? e.surface}`,
            });
        }
      });
      if (e.interleave && e.surface === 'taar')
        ctx.addIssue({
          code: 'custom',
          path: at('interleave'),
          message: 'TAAR routes answer one list: no interleaving',
        });
      for (const [k, v] of (e.interleave ?? []).entries()) {
        if (!names.includes(v)) ctx.addIssue({ code: 'custom', path: at('interleave', k), message: `no variant ${v}` });
      }
    });
  });
export type SurfacesFile = z.infer<typeof file>;

/** Parses and validates a surfaces file's text (`what` names it in errors); JSON is YAML too. */
export function parseSurfacesText(text: string, what: string): SurfacesFile {
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new RecscoreError('RECSCORE_SURFACES_INVALID', `${what}: not JSON or YAML: ${(e as Error).message}`);
  }
  const parsed = file.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
    const msg = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
    throw new RecscoreError('RECSCORE_SURFACES_INVALID', `${what}: ${path || '(file)'}: ${msg}`, {
      path: path || '(file)',
    });
  }
  return parsed.data;
}
