/**
 * TAAR's test client ids (SPEC §3.2): after removing dashes, the id is one character repeated
 * (`"0000000000"`, `"1"*64`, `"aaaaaaaa-aaaa-…"`, even `"-a-"`); `""` and `"---"` are not test ids.
 * A test id is served from the whole whitelist without reading a profile.
 */
export function isTestClient(clientId: string): boolean {
  let first = '';
  for (const ch of clientId) {
    if (ch === '-') continue;
    if (first === '') first = ch;
    else if (ch !== first) return false;
  }
  return first !== '';
}
