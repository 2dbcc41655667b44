/**
 * How each answer was served, from its `result_info` (served_by, reason, model_version), tallied per
 * round. A throughput number means little if the answers were fallbacks, so scenarios count only the
 * answers served the way they expect ("good" paths) and check the tallies.
 *
 * A path is `served_by` or `served_by:reason` (`ensemble`, `locale:unknown-client`, `global:shed`);
 * an answer without result_info (TAAR-lite, the ceiling's fixed body aside) is `plain`. Regular
 * expressions instead of JSON.parse: this runs in the load generator for every response.
 */

const SERVED_BY = /"served_by":"([^"]*)"/;
const REASON = /"reason":"([^"]*)"/;
const VERSION = /"model_version":"([^"]*)"/;

export const PLAIN = 'plain';

export interface BodyFacts {
  paths: Record<string, number>;
  versions: Record<string, number>;
  /** times the model version differed from the previous answer's */
  versionSwitches: number;
}

export function emptyFacts(): BodyFacts {
  return { paths: {}, versions: {}, versionSwitches: 0 };
}

export function pathOf(body: string): string {
  const served = SERVED_BY.exec(body)?.[1];
  if (served === undefined) return PLAIN;
  const reason = REASON.exec(body)?.[1];
  return reason === undefined ? served : `${served}:${reason}`;
}

export class FactsTally {
  readonly facts: BodyFacts = emptyFacts();
  #lastVersion: string | undefined;

  add(body: string): void {
    const f = this.facts;
    const path = pathOf(body);
    f.paths[path] = (f.paths[path] ?? 0) + 1;
    const version = VERSION.exec(body)?.[1];
    if (version !== undefined) {
      f.versions[version] = (f.versions[version] ?? 0) + 1;
      if (this.#lastVersion !== undefined && version !== this.#lastVersion) f.versionSwitches++;
      this.#lastVersion = version;
    }
  }
}

/** Sums the tallies of several rounds. */
export function mergeFacts(all: readonly BodyFacts[]): BodyFacts {
  const out = emptyFacts();
  const addAll = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
  };
  for (const f of all) {
    addAll(out.paths, f.paths);
    addAll(out.versions, f.versions);
    out.versionSwitches += f.versionSwitches;
  }
  return out;
}

/**
 * Whether a path matches a pattern: exact (`ensemble`), any reason of a step (`locale:*`), any step
 * with a reason (`*:unknown-client`), or everything (`*`).
 */
export function pathMatches(path: string, pattern: string): boolean {
  if (pattern === '*' || pattern === path) return true;
  const [ps, pr] = pattern.split(':');
  const [s, r] = path.split(':');
  if (pr === undefined || r === undefined) return false;
  return (ps === '*' || ps === s) && (pr === '*' || pr === r);
}

/** Answers whose path matches one of `patterns`. */
export function countMatching(paths: Record<string, number>, patterns: readonly string[]): number {
  let n = 0;
  for (const [path, count] of Object.entries(paths)) if (patterns.some((p) => pathMatches(path, p))) n += count;
  return n;
}

export function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}
