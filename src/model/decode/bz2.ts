/**
 * bzip2 decoding through unbzip2-stream (pure JS, streaming). Its own error messages are unhelpful
 * ("I gave up a while ago on writing error messages"), so every failure is rethrown as a ModelError
 * naming the object. Failures of the input itself (a source error) pass through unchanged.
 */
import type { Transform } from 'node:stream';
import unbzip2 from 'unbzip2-stream';
import { ModelError } from '../../errors.js';

export function bz2DecodeStream(): Transform {
  return unbzip2() as unknown as Transform;
}

/** Decompressed chunks of a bzip2 byte stream, block by block (at most ~1 MB of output at a time). */
export async function* bz2Chunks(
  name: string,
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): AsyncGenerator<Buffer> {
  const out: Buffer[] = [];
  let failure: unknown;
  const dec = bz2DecodeStream();
  dec.on('data', (c: Buffer) => out.push(c));
  dec.on('error', (e: unknown) => (failure ??= e));
  const fail = (e: unknown) =>
    new ModelError('RECSCORE_MODEL_DECODE', name, `corrupt or truncated bzip2 data (${(e as Error)?.message ?? e})`, {
      cause: e,
    });
  let head: Buffer | undefined = Buffer.alloc(0); // the first bytes, until the magic is checked
  const write = (chunk: Buffer) => {
    dec.write(chunk);
    if (failure !== undefined) throw fail(failure);
  };
  for await (const chunk of input) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (head !== undefined) {
      head = Buffer.concat([head, buf]);
      if (head.length < 4) continue;
      checkMagic(name, head);
      write(head);
      head = undefined;
    } else write(buf);
    yield* out.splice(0);
  }
  if (head !== undefined) checkMagic(name, head);
  // unbzip2-stream's `end` decodes what is left synchronously and reports a premature end as an error.
  dec.end();
  if (failure !== undefined) throw fail(failure);
  yield* out.splice(0);
}

function checkMagic(name: string, head: Buffer): void {
  if (head.length < 4 || head.toString('latin1', 0, 3) !== 'BZh') {
    throw new ModelError('RECSCORE_MODEL_DECODE', name, 'not a bzip2 stream (no BZh magic)');
  }
}
