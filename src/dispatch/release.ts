/**
 * Releasing a model version in every pool worker. Piscina has no broadcast and a task reaches one worker
 * only, so the main thread posts the version on a BroadcastChannel that every worker listens to; a worker
 * then drops its kernel instance over that version's memory, and the memory can be freed once the main
 * thread let go of it too. Delivery is asynchronous and unordered with respect to tasks: a batch that
 * arrives after the release re-instantiates the kernel, so workers also bound their kernels by count
 * (sar-worker.ts) — a release frees memory early, the bound keeps a missed one from leaking for ever.
 */
import { BroadcastChannel, isMainThread } from 'node:worker_threads';

const CHANNEL = 'recscore:release-version';

export interface ReleaseMessage {
  kind: string;
  version: string;
}

/** Main thread: one channel per pool, closed with it. */
export function createReleaser(): { release(m: ReleaseMessage): void; close(): void } {
  const channel = new BroadcastChannel(CHANNEL);
  return {
    release: (m) => channel.postMessage(m),
    close: () => channel.close(),
  };
}

/** Worker: `onRelease` runs for every released version (of every kind); the channel never keeps the thread alive. */
export function onRelease(listener: (m: ReleaseMessage) => void): void {
  if (isMainThread) return;
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (e) => listener((e as { data: ReleaseMessage }).data);
  channel.unref();
}
