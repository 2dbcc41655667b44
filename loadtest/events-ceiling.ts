/**
 * The ceiling of the events scenario: a bare node:http server that reads the whole POST body, then
 * answers a fixed JSON body. (loadtest/ceiling-server.ts answers before the body is read, which for
 * multi-KiB POSTs breaks keep-alive and measures reconnects instead of HTTP.) Run as a child:
 *
 *   CEILING_BODY_B64=… node dist/loadtest/events-ceiling.js   → prints "listening on http://127.0.0.1:PORT"
 */
import { createServer } from 'node:http';

const payload = Buffer.from(process.env.CEILING_BODY_B64 ?? '', 'base64');
const headers = { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) };
const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    res.writeHead(200, headers);
    res.end(payload);
  });
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`listening on http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
