/**
 * UTF-8 bytes of a JSON model file → batches of its top-level elements (src/model/decode/json-stream.ts), so
 * that decoding holds one batch of text at a time rather than the whole document.
 */
import { ModelError } from '../../errors.js';
import { JsonSplitter, type JsonBatch } from './json-stream.js';

/** Text is scanned in pieces of at least this many characters (fewer, larger batches). */
const SCAN_CHARS = 1 << 20;

/**
 * UTF-8 bytes → batches of top-level elements. Bytes are decoded strictly (a multi-byte character may be
 * split across chunks); invalid UTF-8 is RECSCORE_MODEL_DECODE, as is any JSON problem. Errors thrown by
 * `bytes` itself (a source failure) pass through unchanged.
 */
export async function* jsonBatches(
  file: string,
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  opts: { batchChars?: number } = {},
): AsyncGenerator<JsonBatch> {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const decode = (chunk?: Uint8Array): string => {
    try {
      return chunk ? utf8.decode(chunk, { stream: true }) : utf8.decode();
    } catch (e) {
      throw new ModelError('RECSCORE_MODEL_DECODE', file, 'not valid UTF-8', { cause: e });
    }
  };
  const ready: JsonBatch[] = [];
  const splitter = new JsonSplitter(file, (b) => ready.push(b), opts);
  let pending: string[] = [];
  let pendingChars = 0;
  for await (const chunk of bytes) {
    const text = decode(chunk);
    pending.push(text);
    pendingChars += text.length;
    if (pendingChars < SCAN_CHARS) continue;
    splitter.push(pending.length === 1 ? pending[0] : pending.join(''));
    pending = [];
    pendingChars = 0;
    yield* ready.splice(0);
  }
  pending.push(decode());
  splitter.push(pending.join(''));
  splitter.end();
  yield* ready.splice(0);
}
