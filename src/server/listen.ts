/**
 * Serves the app over HTTP/1.1 with @hono/node-server's request listener on a Node http.Server that
 * recscore configures itself. Not `serve()`: it hides the listener's `errorHandler`, and without one a
 * request the adapter cannot turn into a URL (a `Host: a/b` header, a backslash in the path) gets an
 * empty 400. An empty `Host` is valid HTTP/1.1 (RFC 9112 §3.2) and is served, the URL being built
 * with `localhost`.
 *
 * What Node itself answers before the app runs (checked by test/server/listen.test.ts), all as JSON
 * through the `clientError` handler below, then the socket is closed:
 * - malformed request line or headers, bad chunked encoding, a body without length on a keep-alive
 *   request, an unknown method (llhttp `HPE_*` errors) → 400 RECSCORE_BAD_REQUEST;
 * - headers larger than `maxHeaderBytes` (`HPE_HEADER_OVERFLOW`) → 431 RECSCORE_HEADERS_TOO_LARGE;
 * - headers not complete within `headersTimeoutMs`, or the whole request not within `requestTimeoutMs`
 *   (`ERR_HTTP_REQUEST_TIMEOUT`) → 408 RECSCORE_TIMEOUT;
 * - an HTTP/1.1 request without any `Host` header, or any request with two → 400 RECSCORE_BAD_REQUEST
 *   (RFC 9112 §3.2; Node's own `requireHostHeader` check answers a bodiless 400, so it is off and the
 *   same check is made here);
 * - an `Expect` other than `100-continue` → 417 RECSCORE_BAD_REQUEST (Node's default has no body);
 * - `CONNECT` → 405 RECSCORE_METHOD_NOT_ALLOWED (Node's default closes the socket without an answer);
 * - a `Host` that cannot be part of a URL (`a/b`, `a b`) → 400 RECSCORE_BAD_REQUEST (@hono/node-server's
 *   RequestError, through `errorHandler`); a backslash in the path → the same;
 * - more than `maxConnections` sockets: Node closes the new socket at once, no answer.
 *
 * Every request gets its `x-request-id` here (request-context.ts), before any of the checks above.
 *
 * Graceful close: stop accepting, close idle keep-alive sockets, answer in-flight requests with
 * `Connection: close`, destroy what is left after `closeGraceMs`, resolve when the server is closed.
 */
import { createServer, type IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import type { ErrorCode } from '../errors.js';
import type { Logger } from '../log.js';
import type { ServerConfig } from './config.js';
import { errorBody, statusOf } from './on-error.js';
import { acceptRequestId, assignRequestId, REQUEST_ID_HEADER, requestIdSource } from './request-context.js';

export interface FetchApp {
  /** `env.incoming`: Node's request, for reads cheaper than the Fetch Request's (env.ts `requestHeader`). */
  fetch: (request: Request, env: { incoming: IncomingMessage }) => Response | Promise<Response>;
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` */
  readonly url: string;
  /** Graceful close (idempotent). */
  close(): Promise<void>;
}

type ListenConfig = Pick<
  ServerConfig,
  | 'host'
  | 'port'
  | 'headersTimeoutMs'
  | 'requestTimeoutMs'
  | 'keepAliveTimeoutMs'
  | 'maxConnections'
  | 'maxHeaderBytes'
  | 'closeGraceMs'
>;

export async function listen(app: FetchApp, config: ListenConfig, log: Logger): Promise<RunningServer> {
  let closing = false;
  // Responses whose head is written after close() starts get `Connection: close`, so their sockets end
  // with them. Decided when the head is written, not by tracking responses: Node never emits 'close'
  // for a pipelined response still queued behind another when the client goes away, so a set of
  // in-flight responses kept every such response (and its request) for ever (issue 10 #3).
  class RecscoreResponse<R extends IncomingMessage = IncomingMessage> extends ServerResponse<R> {
    override writeHead(statusCode: number, ...rest: unknown[]): this {
      if (closing && !this.headersSent) this.setHeader('Connection', 'close');
      return super.writeHead(statusCode, ...(rest as [])) as this;
    }
  }
  const nextId = requestIdSource();
  const jsonResponse = (status: number, code: ErrorCode, message: string) =>
    new Response(JSON.stringify(errorBody(code, message)), { status, headers: { 'Content-Type': 'application/json' } });
  const listener = getRequestListener((req, env) => app.fetch(req, env as { incoming: IncomingMessage }), {
    hostname: 'localhost',
    errorHandler: (err) => {
      const e = err as Error;
      if (e?.name === 'RequestError') return jsonResponse(400, 'RECSCORE_BAD_REQUEST', `bad request: ${e.message}`);
      log.error('request listener failed', { error: e });
      return jsonResponse(500, 'RECSCORE_INTERNAL', 'internal error');
    },
  });
  const server = createServer(
    {
      maxHeaderSize: config.maxHeaderBytes,
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      // Node checks both timeouts on this interval (default 30 s, coarser than the timeouts themselves).
      connectionsCheckingInterval: Math.min(1_000, config.headersTimeoutMs),
      requireHostHeader: false,
      ServerResponse: RecscoreResponse,
    },
    (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers[REQUEST_ID_HEADER];
      const id = acceptRequestId(typeof given === 'string' ? given : undefined) ?? nextId();
      res.setHeader(REQUEST_ID_HEADER, id);
      assignRequestId(req, id);
      const hostProblem = checkHost(req);
      if (hostProblem !== undefined) answerEarly(res, 400, 'RECSCORE_BAD_REQUEST', hostProblem);
      else void listener(req, res);
    },
  );
  server.maxConnections = config.maxConnections;
  // An `Expect` other than 100-continue: Node's default is a bodiless 417.
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader(REQUEST_ID_HEADER, nextId());
    answerEarly(res, 417, 'RECSCORE_BAD_REQUEST', `unsupported expectation: ${truncate(String(req.headers.expect))}`);
  });
  // CONNECT (recscore is no proxy): Node's default drops the socket without an answer.
  server.on('connect', (_req: IncomingMessage, socket: Socket) =>
    answerOnSocket(socket, 405, 'Method Not Allowed', 'RECSCORE_METHOD_NOT_ALLOWED', 'CONNECT is not supported'),
  );
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => answerClientError(err, socket));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  log.info('listening', { host: config.host, port });

  let closed: Promise<void> | undefined;
  return {
    host: config.host,
    port,
    url: `http://${hostForUrl}:${port}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        const force = setTimeout(() => server.closeAllConnections(), config.closeGraceMs);
        server.close(() => {
          clearTimeout(force);
          log.info('server closed', { port });
          resolve();
        });
        server.closeIdleConnections();
      });
      return closed;
    },
  };
}

// The status comes from the one code → status map (431 and 408 there).
const CLIENT_ERRORS: Record<string, [string, ErrorCode]> = {
  HPE_HEADER_OVERFLOW: ['Request Header Fields Too Large', 'RECSCORE_HEADERS_TOO_LARGE'],
  ERR_HTTP_REQUEST_TIMEOUT: ['Request Timeout', 'RECSCORE_TIMEOUT'],
};

// Replaces Node's default (a bodiless 400/408/431) with the same statuses and a JSON body.
function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  // A response already under way cannot be replaced (Node's default makes the same check).
  const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (err.code === 'ECONNRESET' || !socket.writable || started) {
    socket.destroy();
    return;
  }
  const [text, code] = CLIENT_ERRORS[err.code ?? ''] ?? ['Bad Request', 'RECSCORE_BAD_REQUEST'];
  answerOnSocket(socket, statusOf(code), text, code, `${text} (${err.code ?? 'unknown'})`);
}

function answerOnSocket(socket: Socket, status: number, text: string, code: ErrorCode, message: string): void {
  const body = JSON.stringify(errorBody(code, message));
  const head = `HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json`;
  socket.end(`${head}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

/** A JSON error before the app runs; the connection closes after it (any body is not read). */
function answerEarly(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  const body = JSON.stringify(errorBody(code, message));
  const length = Buffer.byteLength(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': length, Connection: 'close' });
  res.end(body);
}

/**
 * RFC 9112 §3.2: an HTTP/1.1 request needs exactly one Host line (Node keeps the first of several in
 * `headers`, so the raw list is counted).
 */
function checkHost(req: IncomingMessage): string | undefined {
  const raw = req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === 4 && name.toLowerCase() === 'host') hosts++;
  }
  if (hosts > 1) return 'more than one Host header';
  const http11 = req.httpVersionMajor === 1 && req.httpVersionMinor >= 1;
  if (hosts === 0 && http11) return 'an HTTP/1.1 request needs a Host header';
  return undefined;
}

function truncate(s: string, max = 100): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
