/**
 * `recscore related --models DIR (--guid GUID [--normalize M] | --queries FILE.jsonl) [--limit N]`:
 * TAAR-lite's `[[guid, rankString], …]` for one GUID, or one JSON line per query line
 * (`{"guid", "normalize"?}` as in the vectors' taarlite_queries.jsonl).
 */
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { RecscoreError } from '../errors.js';
import { WasmKernel } from '../kernel/wasm-kernel.js';
import { related } from '../recommend/related.js';
import { intOption, parse, required } from './args.js';
import { openModels } from './open-models.js';

export async function relatedCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    models: { type: 'string' },
    guid: { type: 'string' },
    normalize: { type: 'string' },
    queries: { type: 'string' },
    limit: { type: 'string' },
    debug: { type: 'boolean' },
  });
  const limit = intOption('limit', values.limit, 4, 0, 10_000);
  if ((values.guid === undefined) === (values.queries === undefined))
    throw new RecscoreError('RECSCORE_CONFIG', 'give exactly one of --guid or --queries');
  if (values.queries !== undefined) {
    await access(values.queries).catch(() => {
      throw new RecscoreError('RECSCORE_CONFIG', `--queries ${values.queries}: no such readable file`);
    });
  }
  const model = await openModels(required('models', values.models));
  const kernel = new WasmKernel(model.memory);
  if (values.guid !== undefined) {
    process.stdout.write(JSON.stringify(related(kernel, model, values.guid, values.normalize, limit)) + '\n');
    return 0;
  }
  const file = values.queries!;
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    n++;
    if (line.trim() === '') continue;
    let q: { guid?: unknown; normalize?: unknown };
    try {
      q = JSON.parse(line);
    } catch (e) {
      throw new RecscoreError('RECSCORE_BAD_JSON', `${file}:${n}: invalid JSON (${(e as Error).message})`);
    }
    if (typeof q.guid !== 'string')
      throw new RecscoreError('RECSCORE_BAD_REQUEST', `${file}:${n}: guid must be a string`);
    if (q.normalize !== undefined && q.normalize !== null && typeof q.normalize !== 'string') {
      throw new RecscoreError('RECSCORE_BAD_REQUEST', `${file}:${n}: normalize must be a string`);
    }
    const normalize = (q.normalize ?? null) as string | null;
    process.stdout.write(
      JSON.stringify({ guid: q.guid, normalize, results: related(kernel, model, q.guid, normalize, limit) }) + '\n',
    );
  }
  return 0;
}
