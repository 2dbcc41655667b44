/**
 * A registry folder. Every write goes to a temporary file that is renamed over the object, so a reader
 * never sees half an object. A conditional write holds `<name>.lock` (created with O_EXCL) for the few
 * milliseconds of compare-then-rename, so two replicas on one folder (NFS aside) never lose an update.
 * A lock older than STALE_LOCK_MS is a dead writer's and is broken.
 *
 * The generation is the file's inode and change time: a rename always installs a new inode.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { conflict, storageError, type ObjectStore, type Precondition, type StoredObject } from './objects.js';

const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

function generationOf(s: { ino: bigint; ctimeNs: bigint; size: bigint }): string {
  return `${s.ino}.${s.ctimeNs}.${s.size}`;
}

async function current(path: string): Promise<string | null> {
  try {
    return generationOf(await stat(path, { bigint: true }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export class LocalObjects implements ObjectStore {
  readonly location: string;
  constructor(folder: string) {
    this.location = resolve(folder);
  }

  #path(name: string): string {
    return join(this.location, ...name.split('/'));
  }

  urlOf(name: string): string {
    return this.#path(name);
  }

  async list(prefix: string): Promise<Array<{ name: string; generation: string }>> {
    const dir = this.#path(prefix.replace(/\/$/, ''));
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw storageError(this.location, `listing ${prefix}`, e);
    }
    const out: Array<{ name: string; generation: string }> = [];
    for (const n of names) {
      if (n.startsWith('.') || n.endsWith('.lock')) continue;
      const name = `${prefix.replace(/\/$/, '')}/${n}`;
      const generation = await current(this.#path(name)).catch(() => null);
      if (generation !== null) out.push({ name, generation });
    }
    return out;
  }

  async read(name: string): Promise<StoredObject | undefined> {
    const path = this.#path(name);
    // Stat, read, stat again: equal generations mean the bytes belong to that generation (no rename in between).
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const before = await current(path);
        if (before === null) return undefined;
        const bytes = await readFile(path);
        if ((await current(path)) === before) return { bytes, generation: before };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw storageError(this.location, `reading ${name}`, e);
      }
    }
    throw conflict(this.location, name);
  }

  async write(name: string, bytes: Uint8Array, expected?: Precondition): Promise<string> {
    const path = this.#path(name);
    try {
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${dirname(path)}/.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(tmp, bytes, { flush: true });
      try {
        return await this.#locked(name, expected, async () => {
          await rename(tmp, path);
          return (await current(path))!;
        });
      } finally {
        await unlink(tmp).catch(() => {});
      }
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('RECSCORE_')) throw e;
      throw storageError(this.location, `writing ${name}`, e);
    }
  }

  async remove(name: string, expected?: Precondition): Promise<boolean> {
    const path = this.#path(name);
    try {
      return await this.#locked(name, expected, async () => {
        try {
          await unlink(path);
          return true;
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
          throw e;
        }
      });
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('RECSCORE_')) throw e;
      throw storageError(this.location, `removing ${name}`, e);
    }
  }

  async close(): Promise<void> {}

  /** Runs `fn` holding the object's lock, after checking the precondition (none: no lock needed). */
  async #locked<T>(name: string, expected: Precondition, fn: () => Promise<T>): Promise<T> {
    const path = this.#path(name);
    if (expected === undefined) return fn();
    const lock = `${path}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const h = await open(lock, 'wx');
        await h.close();
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const age = await stat(lock).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (age > STALE_LOCK_MS) await unlink(lock).catch(() => {});
        else if (Date.now() > deadline) throw conflict(this.location, name);
        else await sleep(5 + Math.random() * 20);
      }
    }
    try {
      if ((await current(path)) !== expected) throw conflict(this.location, name);
      return await fn();
    } finally {
      await unlink(lock).catch(() => {});
    }
  }
}
