/** The HTTP listener: address, timeouts, limits, access log. */
import { int, text } from '../values.js';
import { setting, type Setting } from './define.js';

const ms = (max: number) => int(1, max);

export const LISTENER_SETTINGS = {
  host: setting({ env: 'RECSCORE_HOST', flag: 'host', kind: text(255), default: '127.0.0.1', doc: 'Bind address' }),
  port: setting({
    env: 'PORT',
    flag: 'port',
    kind: int(0, 65_535),
    default: 8000,
    doc: "TCP port (TAAR's variable); 0 picks a free one",
  }),
  headersTimeoutMs: setting({
    env: 'RECSCORE_HEADERS_TIMEOUT_MS',
    flag: 'headers-timeout-ms',
    kind: ms(600_000),
    default: 10_000,
    doc: 'All request headers must arrive within this (408 otherwise); ≤ the request timeout',
  }),
  requestTimeoutMs: setting({
    env: 'RECSCORE_REQUEST_TIMEOUT_MS',
    flag: 'request-timeout-ms',
    kind: ms(600_000),
    default: 30_000,
    doc: 'The whole request, body included, must arrive within this (408 otherwise)',
  }),
  keepAliveTimeoutMs: setting({
    env: 'RECSCORE_KEEP_ALIVE_TIMEOUT_MS',
    flag: 'keep-alive-timeout-ms',
    kind: ms(600_000),
    default: 65_000,
    doc: 'Idle keep-alive; above the usual 60 s load-balancer idle timeout',
  }),
  maxConnections: setting({
    env: 'RECSCORE_MAX_CONNECTIONS',
    flag: 'max-connections',
    kind: int(1, 1_000_000),
    default: 10_000,
    doc: 'Open sockets; Node drops further ones',
  }),
  maxHeaderBytes: setting({
    env: 'RECSCORE_MAX_HEADER_BYTES',
    flag: 'max-header-bytes',
    kind: int(1_024, 1_048_576),
    default: 16_384,
    doc: 'Largest request head (431 above)',
  }),
  bodyLimitBytes: setting({
    env: 'RECSCORE_BODY_LIMIT_BYTES',
    flag: 'body-limit-bytes',
    kind: int(1_024, 16_777_216),
    default: 65_536,
    doc: 'Largest request body (413 above)',
  }),
  closeGraceMs: setting({
    env: 'RECSCORE_CLOSE_GRACE_MS',
    flag: 'close-grace-ms',
    kind: int(0, 600_000),
    default: 10_000,
    doc: 'On SIGTERM, in-flight requests get this long before their sockets are destroyed',
  }),
  accessLogPerSecond: setting({
    env: 'RECSCORE_ACCESS_LOG_PER_SECOND',
    flag: 'access-log-per-second',
    kind: int(0, 1_000_000),
    default: 100,
    doc: 'Access-log lines per second; requests above it are counted in the next line (0: no access log)',
  }),
} satisfies Record<string, Setting<unknown>>;
