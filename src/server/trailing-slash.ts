/**
 * TAAR's routes end with `/`; Werkzeug answers the slash-less form with a 308 to the slash form
 * (SPEC §2.1), which keeps the method and body. recscore does the same for its TAAR routes. The
 * Location is the request's own path (still percent-encoded as sent) plus `/`, and its query: a
 * relative reference, so neither the Host header nor the scheme matters.
 */
import type { Context } from 'hono';

export function redirectToSlash(c: Context): Response {
  const url = new URL(c.req.url);
  const location = `${url.pathname}/${url.search}`;
  return c.json({ redirect: location }, 308, { Location: location });
}
