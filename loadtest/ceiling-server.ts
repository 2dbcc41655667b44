/**
 * The ceiling: a bare node:http server that answers every request with one fixed JSON body (a real
 * recommendation response captured from the server under test, so size and shape match). It does no
 * work besides HTTP, so its requests/s is what this machine, this Node and this load generator can do
 * in this run; scenarios are reported as a ratio to it. Run as a child (child-guard.js):
 *
 *   CEILING_BODY_B64=… node dist/loadtest/ceiling-server.js   → prints "listening on http://127.0.0.1:PORT"
 */
import { createServer } from 'node:http';

const body = Buffer.from(process.env.CEILING_BODY_B64 ?? '', 'base64');
const payload = body.length > 0 ? body : Buffer.from('{"results":[]}');
const headers = { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) };

// Same keep-alive settings as recscore's listener, so connection handling is alike.
const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  req.resume();
  res.writeHead(200, headers);
  res.end(payload);
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  process.stdout.write(`listening on http://127.0.0.1:${port}\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
