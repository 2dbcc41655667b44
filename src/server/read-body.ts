/**
 * Reads a POST body as JSON under the rules of validate.ts: accepted media types, empty = no body,
 * strict UTF-8, JSON syntax. The size limit is enforced before this runs (bodyLimit in app.ts).
 */
import type { Context } from 'hono';
import { RecscoreError } from '../errors.js';

const JSON_TYPES = /^(application\/json|application\/[a-z0-9.+-]+\+json|text\/plain)$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The parsed body, or undefined when there is none. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (bytes.length === 0) return undefined;
  const type = c.req.header('content-type');
  if (type !== undefined) {
    const essence = type.split(';')[0].trim().toLowerCase();
    if (!JSON_TYPES.test(essence)) {
      throw new RecscoreError(
        'RECSCORE_UNSUPPORTED_MEDIA_TYPE',
        `body must be JSON (application/json), got content type ${JSON.stringify(essence.slice(0, 80))}`,
      );
    }
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new RecscoreError('RECSCORE_BAD_JSON', 'body is not valid UTF-8');
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new RecscoreError('RECSCORE_BAD_JSON', `body is not valid JSON: ${(e as Error).message.slice(0, 120)}`);
  }
}
