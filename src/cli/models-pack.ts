/**
 * `recscore models pack --models SRC --out FILE`: load, validate and pack a model set, then write the
 * packed bundle (src/model/lifecycle/bundle.ts) — what the server's bundle cache holds.
 */
import { writeBundle } from '../model/lifecycle/bundle.js';
import { parse, required } from './args.js';
import { openModels } from './open-models.js';

export async function packCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { models: { type: 'string' }, out: { type: 'string' }, debug: { type: 'boolean' } });
  const location = required('models', values.models);
  const out = required('out', values.out);
  const t0 = performance.now();
  const model = await openModels(location);
  const bytes = await writeBundle(model, out, location);
  process.stdout.write(
    JSON.stringify({
      out,
      version: model.version,
      bytes,
      items: model.nItems,
      donors: model.nDonors,
      guids: model.nGuids,
      ms: Math.round(performance.now() - t0),
    }) + '\n',
  );
  return 0;
}
