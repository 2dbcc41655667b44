/**
 * The HTTP layer's settings, validated once here (each message names the field and the rule);
 * inside, the values are trusted. `resolveServerConfig({})` gives the defaults, which live in one place:
 * src/config/settings.ts (`recscore serve` builds this input from flags and environment there).
 */
import { z } from 'zod';
import { defaultOf, FALLBACK_STEPS, type Config } from '../config/index.js';
import { RecscoreError } from '../errors.js';

const ms = (max: number) => z.number().int().min(1).max(max);

const schema = z
  .object({
    /** Budget of the profile lookup. */
    profileBudgetMs: ms(60_000).default(defaultOf('profileBudgetMs')),
    /** Budget of the scorer call (also the scorer's `deadline`). */
    scoringBudgetMs: ms(60_000).default(defaultOf('scoringBudgetMs')),
    /** Budget of the whole recommendation, from the first byte handled to the answer. */
    totalBudgetMs: ms(60_000).default(defaultOf('totalBudgetMs')),
    /** Consecutive failures (timeouts included) that open a breaker. */
    breakerFailures: z.number().int().min(1).max(10_000).default(defaultOf('breakerFailures')),
    /** Open time before one probe is let through. */
    breakerHalfOpenAfterMs: ms(3_600_000).default(defaultOf('breakerHalfOpenMs')),
    /** The weighted draw of SPEC §2.1; false serves the top candidates in order (per request: `?draw=0|1`). */
    draw: z.boolean().default(defaultOf('draw')),
    /** TAAR_MAX_RESULTS: size of the draw and of fallback lists. */
    maxResults: z.number().int().min(1).max(100).default(defaultOf('maxResults')),
    /** TAARLITE_MAX_RESULTS: a TAAR-lite answer has exactly this many GUIDs or none. */
    liteMaxResults: z.number().int().min(1).max(20).default(defaultOf('liteMaxResults')),
    /** Fallback steps tried in order; [] answers `[]` as TAAR does. */
    fallbackChain: z
      .array(z.enum(FALLBACK_STEPS))
      .max(2)
      .default([...defaultOf('fallbackChain')]),
    /** Largest accepted request body (413 above). */
    bodyLimitBytes: z
      .number()
      .int()
      .min(1_024)
      .max(16 * 1024 * 1024)
      .default(defaultOf('bodyLimitBytes')),
    host: z.string().min(1).default(defaultOf('host')),
    /** TAAR's `PORT` default. 0 picks a free port (tests). */
    port: z.number().int().min(0).max(65_535).default(defaultOf('port')),
    /** Node's `headersTimeout`: all headers must arrive within this (408 otherwise). */
    headersTimeoutMs: ms(600_000).default(defaultOf('headersTimeoutMs')),
    /** Node's `requestTimeout`: the whole request, body included (408 otherwise). */
    requestTimeoutMs: ms(600_000).default(defaultOf('requestTimeoutMs')),
    /** Idle keep-alive; above the usual 60 s load-balancer idle timeout so the LB closes first. */
    keepAliveTimeoutMs: ms(600_000).default(defaultOf('keepAliveTimeoutMs')),
    /** Node's `maxConnections`: further sockets are dropped by Node. */
    maxConnections: z.number().int().min(1).max(1_000_000).default(defaultOf('maxConnections')),
    /** Node's `maxHeaderSize` (431 above). */
    maxHeaderBytes: z
      .number()
      .int()
      .min(1_024)
      .max(1024 * 1024)
      .default(defaultOf('maxHeaderBytes')),
    /** Graceful close: in-flight requests get this long before their sockets are destroyed. */
    closeGraceMs: z.number().int().min(0).max(600_000).default(defaultOf('closeGraceMs')),
    /** Access-log lines per second (0: none); requests above it are counted in the next line. */
    accessLogPerSecond: z.number().int().min(0).max(1_000_000).default(defaultOf('accessLogPerSecond')),
  })
  .strict()
  .refine((c) => c.headersTimeoutMs <= c.requestTimeoutMs, {
    message: 'headersTimeoutMs must be ≤ requestTimeoutMs',
    path: ['headersTimeoutMs'],
  });

export type ServerConfig = z.output<typeof schema>;
export type ServerConfigInput = z.input<typeof schema>;

export function resolveServerConfig(input: ServerConfigInput = {}): ServerConfig {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.join('.') || '(root)';
  throw new RecscoreError('RECSCORE_CONFIG', `server config ${field}: ${issue.message}`, { field });
}

/** The HTTP layer's part of the one configuration (src/config). */
export function serverConfigOf(c: Config): ServerConfigInput {
  return {
    profileBudgetMs: c.profileBudgetMs,
    scoringBudgetMs: c.scoringBudgetMs,
    totalBudgetMs: c.totalBudgetMs,
    breakerFailures: c.breakerFailures,
    breakerHalfOpenAfterMs: c.breakerHalfOpenMs,
    draw: c.draw,
    maxResults: c.maxResults,
    liteMaxResults: c.liteMaxResults,
    fallbackChain: [...c.fallbackChain],
    bodyLimitBytes: c.bodyLimitBytes,
    host: c.host,
    port: c.port,
    headersTimeoutMs: c.headersTimeoutMs,
    requestTimeoutMs: c.requestTimeoutMs,
    keepAliveTimeoutMs: c.keepAliveTimeoutMs,
    maxConnections: c.maxConnections,
    maxHeaderBytes: c.maxHeaderBytes,
    closeGraceMs: c.closeGraceMs,
    accessLogPerSecond: c.accessLogPerSecond,
  };
}
