/**
 * A folder of packed bundles keyed by model version id, so a restarted server maps the version it
 * served last with one read. Only the newest `keep` bundles are kept. A corrupt bundle is deleted and
 * ignored (the caller then loads from the source).
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { log as rootLog, type Logger } from '../../log.js';
import { readBundle, writeBundle } from './bundle.js';
import type { ModelKind, ServableModel } from '../kind.js';

export class BundleCache<M extends ServableModel = ServableModel> {
  constructor(
    private readonly kind: ModelKind<M>,
    private readonly dir: string,
    private readonly source: string,
    private readonly keep = 3,
    private readonly log: Logger = rootLog,
  ) {}

  #file(versionId: string): string {
    return join(this.dir, `${versionId.replace(/[^A-Za-z0-9_-]/g, '_')}.rscb`);
  }

  async get(versionId: string): Promise<M | undefined> {
    const file = this.#file(versionId);
    try {
      await stat(file);
    } catch {
      return undefined;
    }
    try {
      return (await readBundle(file, this.kind)).model;
    } catch (e) {
      this.log.warn('cached bundle unusable; deleting it', { file, err: e });
      await rm(file, { force: true });
      return undefined;
    }
  }

  async put(model: M): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeBundle(model, this.#file(model.version), this.source);
    const files = await Promise.all(
      (await readdir(this.dir))
        .filter((f) => f.endsWith('.rscb'))
        .map(async (f) => ({ f, t: (await stat(join(this.dir, f))).mtimeMs })),
    );
    files.sort((a, b) => b.t - a.t);
    await Promise.all(files.slice(this.keep).map(({ f }) => rm(join(this.dir, f), { force: true })));
  }
}
