/**
 * SAR training entry points: from events in memory (tests, posted data) or streamed from a file or
 * folder with a parse report and a bad-line limit (the CLI). Parameters are validated first.
 */
import { RecscoreError } from '../../../../errors.js';
import { badLines, emptyReport, type ParseReport } from '../parse/codes.js';
import { readEvents, type ReadOptions } from '../parse/read-events.js';
import { validateParams } from '../params.js';
import type { SarModel, SarParams, UsageEvent } from '../types.js';
import { EventAccumulator } from './accumulate.js';
import { buildModel, type BuildProgress } from './build.js';

export function train(
  events: Iterable<UsageEvent>,
  params: Partial<SarParams> = {},
  progress?: BuildProgress,
): SarModel {
  const acc = new EventAccumulator(validateParams(params));
  for (const e of events) {
    if (!Number.isFinite(e.rating))
      throw new RecscoreError('RECSCORE_SAR_TRAINING', `rating of (${e.user}, ${e.item}) is not a finite number`);
    acc.add(e.user, e.item, e.rating, e.timestamp);
  }
  if (acc.events === 0) throw new RecscoreError('RECSCORE_SAR_TRAINING', 'no events to train on');
  return buildModel(acc, progress);
}

export interface FileTrainOptions extends ReadOptions, BuildProgress {
  /** Training fails when more lines than this are bad (default 100). */
  maxBadLines?: number;
}

export async function trainFromPath(
  path: string,
  params: Partial<SarParams>,
  opts: FileTrainOptions = {},
): Promise<{ model: SarModel; report: ParseReport }> {
  const acc = new EventAccumulator(validateParams(params));
  const report = emptyReport();
  const maxBad = opts.maxBadLines ?? 100;
  await readEvents(path, report, (e) => acc.add(e.user, e.item, e.rating, e.timestamp), opts);
  const bad = badLines(report);
  if (bad > maxBad) {
    throw new RecscoreError('RECSCORE_SAR_TRAINING', `${bad} bad lines (more than --max-bad-lines ${maxBad})`, {
      report,
    });
  }
  if (acc.events === 0) throw new RecscoreError('RECSCORE_SAR_TRAINING', `no valid event in ${path}`, { report });
  return { model: buildModel(acc, opts), report };
}
