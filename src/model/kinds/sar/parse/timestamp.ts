/**
 * Event times: epoch seconds (integer or decimal) or ISO 8601 date-times, including Product
 * Recommendations' `2015/08/04T11:02:52` with slashes. A time without a zone is UTC, so a log means the
 * same thing on every machine. Returns epoch seconds, or NaN when the text is not a time.
 */
const EPOCH = /^-?\d+(\.\d+)?$/;
const ISO =
  /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export function parseTimestamp(text: string): number {
  const t = text.trim();
  if (EPOCH.test(t)) return Number(t);
  const m = ISO.exec(t);
  if (!m) return NaN;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1, 7);
  const frac = m[7] ? Number(m[7]) : 0;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return NaN;
  const ms = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s));
  // Date.UTC rolls 31 February over into March: reject dates that do not exist.
  if (new Date(ms).getUTCDate() !== day) return NaN;
  return ms / 1000 + frac - zoneOffsetSeconds(m[8]);
}

function zoneOffsetSeconds(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2) || '0') * 60);
}
