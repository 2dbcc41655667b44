/**
 * Locale hints for the locale fallback, most specific source first: the profile's locale, `?locale=`
 * (or the posted `locale`), then the first language of `Accept-Language`. Values that do not fit the
 * locale rule below (or `*`) are skipped, never rejected: a header is not a request option.
 */
export const LOCALE = /^[A-Za-z0-9_-]{0,64}$/;

/** The locale rule, shared with request validation (src/server/validate.ts). */
export function isLocale(s: string): boolean {
  return LOCALE.test(s);
}

export function localeHints(
  profileLocale: unknown,
  queryLocale: string | undefined,
  acceptLanguage: string | undefined,
): string[] {
  const hints: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === 'string' && v !== '' && isLocale(v) && !hints.includes(v)) hints.push(v);
  };
  add(profileLocale);
  add(queryLocale);
  add(firstLanguage(acceptLanguage));
  return hints;
}

/** `"de-AT,de;q=0.9,en;q=0.5"` → `"de-AT"` (the first listed; clients list their preference first). */
export function firstLanguage(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const first = header.slice(0, 256).split(',')[0].split(';')[0].trim();
  return first === '*' || first === '' ? undefined : first;
}
