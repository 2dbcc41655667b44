/**
 * The soak's view of the server's heap, from outside: the server child is started with
 * `--inspect=127.0.0.1:PORT` (NODE_OPTIONS, this harness only), and this module speaks the DevTools
 * protocol to it — `HeapProfiler.collectGarbage` (a full GC), then `Runtime.getHeapUsage`. Nothing in the
 * server changes for it: no admin route, no --expose-gc. What is read is the main thread's heap, where the
 * request path, its caches and the in-flight set live (Piscina workers have heaps of their own).
 */
import { WebSocket } from 'undici';

export interface HeapReader {
  /** Full GC (twice: weak references and finalizers free more on the second pass), then the used heap in bytes. */
  usedAfterGc(): Promise<number>;
  close(): void;
}

/** The inspector's WebSocket URL, from its /json/list (retried: the inspector starts with the process). */
async function debuggerUrl(port: number, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(2_000) });
      const list = (await res.json()) as Array<{ webSocketDebuggerUrl?: string }>;
      const url = list.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
      if (url) return url;
      last = 'no target';
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`inspector on port ${port}: no debugger URL within ${timeoutMs} ms (${last})`);
}

export async function connectHeapReader(port: number, timeoutMs = 10_000): Promise<HeapReader> {
  const ws = new WebSocket(await debuggerUrl(port, timeoutMs));
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error(`inspector on port ${port}: WebSocket error`)), { once: true });
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  ws.addEventListener('message', (ev) => {
    const msg = JSON.parse(String(ev.data)) as { id?: number; result?: unknown; error?: { message: string } };
    const p = msg.id === undefined ? undefined : pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id!);
    if (msg.error) p.reject(new Error(msg.error.message));
    else p.resolve(msg.result);
  });
  const call = (method: string, timeout = 30_000): Promise<unknown> => {
    const id = nextId++;
    ws.send(JSON.stringify({ id, method }));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`inspector: ${method} not answered within ${timeout} ms`));
      }, timeout);
      pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
    });
  };
  return {
    async usedAfterGc() {
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.collectGarbage');
      const usage = (await call('Runtime.getHeapUsage')) as { usedSize: number };
      return usage.usedSize;
    },
    close: () => ws.close(),
  };
}
