/**
 * Parse error codes of the usage-event reader, named as Product Recommendations' parse report names them,
 * and the report itself: totals, and per code a count and the first offending {file, line}.
 */
export const PARSE_ERROR_CODES = [
  'MalformedLine',
  'MissingFields',
  'BadTimestampFormat',
  'BadWeightFormat',
  'UserIdTooLong',
  'ItemIdTooLong',
  'IllegalCharactersInUserId',
  'IllegalCharactersInItemId',
] as const;
export type ParseErrorCode = (typeof PARSE_ERROR_CODES)[number];

export interface ParseReport {
  files: number;
  totalLines: number;
  successfulLines: number;
  /** Blank lines are neither counted as events nor as errors. */
  blankLines: number;
  errors: Partial<Record<ParseErrorCode, { count: number; sample: { file: string; line: number } }>>;
}

export function emptyReport(): ParseReport {
  return { files: 0, totalLines: 0, successfulLines: 0, blankLines: 0, errors: {} };
}

export function badLines(report: ParseReport): number {
  let n = 0;
  for (const e of Object.values(report.errors)) n += e!.count;
  return n;
}

export function recordError(report: ParseReport, code: ParseErrorCode, file: string, line: number): void {
  const e = report.errors[code];
  if (e) e.count++;
  else report.errors[code] = { count: 1, sample: { file, line } };
}
