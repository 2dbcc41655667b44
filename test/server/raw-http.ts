/**
 * Sends bytes on a raw TCP socket and parses the one HTTP/1.1 response — for requests that undici
 * refuses to send (empty or bogus Host, malformed request lines, oversized headers).
 */
import { connect } from 'node:net';

export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  json: any;
}

export function rawRequest(port: number, bytes: string | Buffer, timeoutMs = 3_000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no complete response within ${timeoutMs} ms: ${Buffer.concat(chunks).toString('latin1').slice(0, 200)}`,
        ),
      );
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      try {
        resolve(parse(Buffer.concat(chunks)));
      } catch (e) {
        reject(e);
      }
    };
    socket.on('data', (d) => {
      chunks.push(d);
      // Resolve as soon as one full response is in, whether or not the server closes the socket.
      try {
        const r = parse(Buffer.concat(chunks));
        socket.destroy();
        clearTimeout(timer);
        resolve(r);
      } catch {
        /* incomplete */
      }
    });
    socket.on('end', finish);
    socket.on('error', (e) => (chunks.length > 0 ? finish() : (clearTimeout(timer), reject(e))));
  });
}

function parse(buf: Buffer): RawReply {
  const text = buf.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error('incomplete head');
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(statusLine.split(' ')[1]);
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let rest = buf.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  let body: Buffer;
  if (headers['transfer-encoding'] === 'chunked') {
    const parts: Buffer[] = [];
    for (;;) {
      const nl = rest.indexOf('\r\n');
      if (nl < 0) throw new Error('incomplete chunk');
      const size = parseInt(rest.subarray(0, nl).toString('latin1'), 16);
      if (size === 0) break;
      if (rest.length < nl + 2 + size + 2) throw new Error('incomplete chunk');
      parts.push(rest.subarray(nl + 2, nl + 2 + size));
      rest = rest.subarray(nl + 2 + size + 2);
    }
    body = Buffer.concat(parts);
  } else {
    const len = Number(headers['content-length'] ?? 0);
    if (rest.length < len) throw new Error('incomplete body');
    body = rest.subarray(0, len);
  }
  const s = body.toString('utf8');
  let json: any;
  try {
    json = JSON.parse(s);
  } catch {
    json = undefined;
  }
  return { status, headers, body: s, json };
}
