/**
 * bzip2 decoding through unbzip2-stream (pure JS, streaming). Its own error messages are unhelpful
 * ("I gave up a while ago on writing error messages"), so every failure is rethrown as a ModelError
 * naming the object.
 */
import { Readable, type Transform } from 'node:stream';
import unbzip2 from 'unbzip2-stream';
import { ModelError } from '../errors.js';

export function bz2DecodeStream(): Transform {
  return unbzip2() as unknown as Transform;
}

export async function decompressBz2(name: string, input: Buffer): Promise<Buffer> {
  if (input.length < 4 || input.toString('latin1', 0, 3) !== 'BZh') {
    throw new ModelError('RECSCORE_MODEL_DECODE', name, 'not a bzip2 stream (no BZh magic)');
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    const dec = bz2DecodeStream();
    const fail = (e: unknown) =>
      reject(new ModelError('RECSCORE_MODEL_DECODE', name, `corrupt or truncated bzip2 data (${(e as Error)?.message ?? e})`, { cause: e }));
    dec.on('data', (c: Buffer) => chunks.push(c));
    dec.on('end', () => resolve(Buffer.concat(chunks)));
    dec.on('error', fail);
    const src = Readable.from([input]);
    src.on('error', fail);
    src.pipe(dec);
  });
}
