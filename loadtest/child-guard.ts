/**
 * Runs a Node entry point as a child that cannot outlive the load test: the parent starts it with an
 * IPC channel, and when that channel closes (the parent exited, even by SIGKILL) the child exits too.
 * The entry point then runs in this very process (same pid, so /proc/<pid> and signals reach it):
 *
 *   node dist/loadtest/child-guard.js dist/src/cli/index.js serve --port 0 …
 *
 * The channel is unref'd so that it never keeps a finished child alive.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: child-guard.js ENTRY.js [args…]\n');
  process.exit(2);
}
if (process.channel) {
  process.on('disconnect', () => process.exit(70));
  process.channel.unref();
}
process.argv = [process.argv[0], resolve(entry), ...args];
await import(pathToFileURL(resolve(entry)).href);
