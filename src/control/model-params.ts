/**
 * The body of `POST /api/models` as Product Recommendations' clients send it, validated with zod:
 * enumerations case-insensitive (`Jaccard`, `Timestamp`), PR's defaults, and every error naming its field
 * (RECSCORE_BAD_MODEL_FIELD). Also the mapping from the API's parameters to SAR's training parameters.
 */
import { z } from 'zod';
import { RecscoreError } from '../errors.js';
import { similarityType } from '../model/kinds/sar/params.js';
import type { ModelParameters } from '../model/records/record.js';
import { SIMILARITY_TYPES, type SarParams } from '../model/kinds/sar/types.js';

/** A model id: a UUID, in either case (the route lower-cases it). */
export const MODEL_ID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

// The description names the values in the API document, where the transform leaves a bare string.
const lower = (values: readonly string[]) =>
  z
    .string()
    .describe(`One of ${values.join(', ')} (any case; spaces and _ read as -)`)
    .transform((s, ctx) => {
      const v = s
        .trim()
        .toLowerCase()
        .replace(/[\s_]+/g, '-');
      if (!values.includes(v)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be one of ${values.join(', ')} (any case)` });
        return z.NEVER;
      }
      return v;
    });

const location = z.string().min(1).max(2048);

export const createModelBody = z.object({
  description: z.string().max(256).default(''),
  usage: location,
  evaluationUsage: location.optional(),
  similarityFunction: lower(SIMILARITY_TYPES).default('jaccard'),
  supportThreshold: z.number().int().min(1).max(1_000_000).default(6),
  cooccurrenceUnit: lower(['user', 'timestamp'])
    .default('user')
    .transform((v) => v as 'user' | 'timestamp'),
  enableUserAffinity: z.boolean().default(true),
  decayPeriodInDays: z.number().positive().max(36_500).default(30),
  enableBackfilling: z.boolean().default(true),
  allowSeedItemsInRecommendations: z.boolean().default(false),
  enableUserToItemRecommendations: z.boolean().default(false),
});

export function parseCreateModel(body: unknown): { description: string; parameters: ModelParameters } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new RecscoreError('RECSCORE_BAD_MODEL_FIELD', 'body must be a JSON object with at least "usage"', {
      field: '(body)',
    });
  const parsed = createModelBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.') || '(body)';
    const message = issue.code === 'invalid_type' && issue.received === 'undefined' ? 'is required' : issue.message;
    throw new RecscoreError('RECSCORE_BAD_MODEL_FIELD', `${field}: ${message}`, { field });
  }
  const { description, ...parameters } = parsed.data;
  return { description, parameters };
}

/** SAR's training parameters for a record's API parameters (decay only with user affinity on). */
export function sarParamsOf(p: ModelParameters): Partial<SarParams> {
  return {
    similarity: similarityType(p.similarityFunction),
    threshold: p.supportThreshold,
    unit: p.cooccurrenceUnit,
    decayHalfLifeDays: p.enableUserAffinity ? p.decayPeriodInDays : undefined,
  };
}
