/**
 * loadtest/targets.json, validated once at load (each message names the field and the rule). Every
 * threshold of the gate lives in that one file; what a scenario *means* (its requests, which answers
 * count as good) lives in scenarios.ts.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { RecscoreError } from '../src/errors.js';

const share = z.number().min(0).max(1);
const count = z.number().int().min(0);

const scenarioTarget = z
  .object({
    /** good answers/s ÷ ceiling requests/s, both from the same run */
    minRatio: z.number().min(0).max(10).optional(),
    /** p99 ≤ ceiling p99 × k + plusMs (the ceiling measured at the same connection count) */
    p99: z
      .object({ k: z.number().min(0).max(1_000), plusMs: z.number().min(0).max(60_000) })
      .strict()
      .optional(),
    /** the server's CPU per answer ÷ the ceiling's, same run (all threads, /proc): the sharp regression check */
    maxCpuRatio: z.number().min(0).max(1_000).optional(),
    /** connection errors + timeouts */
    maxErrors: count.default(0),
    maxNon2xx: count.optional(),
    /** answers served as the scenario expects ÷ all answers */
    minGoodShare: share.optional(),
    /** every answer's path must match one of these (body-facts.ts patterns) */
    allowPaths: z.array(z.string().min(1)).min(1).optional(),
    /** each pattern must match at least one answer */
    requirePaths: z.array(z.string().min(1)).min(1).optional(),
    minVersions: count.optional(),
    minVersionSwitches: count.optional(),
    /** scenarios that measure several things can bound an `extra` number: `{"key": [min, max]}` */
    extra: z.record(z.tuple([z.number().nullable(), z.number().nullable()])).optional(),
    /**
     * The maxima of these `extra` keys grow with the neighbours' load: × (1 + perCore × the median cores
     * other processes used beyond aboveCores, from `extra.otherCoresMedian`). See gate.ts loadAllowance.
     */
    cpuLoadAllowance: z
      .object({
        keys: z.array(z.string().min(1)).min(1),
        aboveCores: z.number().min(0).max(64),
        perCore: z.number().min(0).max(10),
      })
      .strict()
      .optional(),
  })
  .strict();

const schema = z
  .object({
    $comment: z.union([z.string(), z.array(z.string())]).optional(),
    aim: z
      .object({ recommendRatio: z.number(), p99Ms: z.number(), connections: z.number().int(), note: z.string() })
      .strict(),
    scenarios: z.record(scenarioTarget),
    /** the geometric mean of these scenarios' CPU ratios must stay ≤ max (gate.ts checkCpuIndex) */
    cpuIndex: z
      .object({ scenarios: z.array(z.string().min(1)).min(1), max: z.number().min(0) })
      .strict()
      .optional(),
    rss: z
      .object({
        /** RSS(2 workers) − RSS(1 worker) on the large model, MB */
        maxExtraWorkerMb: z.number().min(0),
        /** the same as a share of the packed model's size: one shared copy keeps it well below 1 */
        maxExtraWorkerShareOfModel: z.number().min(0),
      })
      .strict()
      .optional(),
  })
  .strict();

export type ScenarioTarget = z.output<typeof scenarioTarget>;
export type Targets = z.output<typeof schema>;

export function parseTargets(json: unknown): Targets {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.join('.') || '(root)';
  throw new RecscoreError('RECSCORE_CONFIG', `targets.json ${field}: ${issue.message}`, { field });
}

export function loadTargets(file: string): Targets {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new RecscoreError('RECSCORE_CONFIG', `cannot read ${file}: ${(e as Error).message}`, { file }, { cause: e });
  }
  return parseTargets(json);
}
