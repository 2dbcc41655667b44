/**
 * A TCP proxy on 127.0.0.1 that makes a server slow or silent, for fault tests:
 *
 *   const proxy = await startDelayProxy(redis.port);   // connect clients to proxy.port
 *   proxy.setDelay(300);   // every chunk, both ways, is held 300 ms (order kept)
 *   proxy.blackhole(true); // everything is swallowed; connections stay open, nothing answers
 *   await proxy.close();   // drops every connection
 */
import { connect, createServer, type Socket } from 'node:net';

export interface DelayProxy {
  readonly port: number;
  setDelay(ms: number): void;
  blackhole(on: boolean): void;
  close(): Promise<void>;
}

export async function startDelayProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<DelayProxy> {
  let delayMs = 0;
  let swallow = false;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  // Relays one direction; a chunk leaves no earlier than the one before it, so a delay change keeps order.
  const relay = (from: Socket, to: Socket) => {
    let lastRelease = 0;
    from.on('data', (chunk) => {
      if (swallow) return;
      const release = Math.max(Date.now() + delayMs, lastRelease);
      lastRelease = release;
      const wait = release - Date.now();
      if (wait <= 0) {
        to.write(chunk);
        return;
      }
      const t = setTimeout(() => {
        timers.delete(t);
        if (!to.destroyed) to.write(chunk);
      }, wait);
      timers.add(t);
    });
  };

  const server = createServer((client) => {
    const upstream = connect({ host: targetHost, port: targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    relay(client, upstream);
    relay(upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    setDelay(ms) {
      delayMs = Math.max(0, ms);
    },
    blackhole(on) {
      swallow = on;
    },
    async close() {
      timers.forEach(clearTimeout);
      timers.clear();
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
