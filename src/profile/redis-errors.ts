/** What the Redis profile store says when Redis fails: errors in recscore's words, URLs without passwords. */
import { isRecscoreError, RecscoreError } from '../errors.js';
import { RedisProtocolError } from './redis-reply-guard.js';

/** The URL without its password, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

// ioredis's messages name its options, not what happened; say what happened.
export function redisStoreError(e: unknown, commandTimeoutMs: number): RecscoreError {
  if (isRecscoreError(e)) return e;
  const msg = (e as Error).message;
  let problem = msg;
  if (msg === 'Command timed out') problem = `no answer within ${commandTimeoutMs} ms`;
  else if ((e as Error).name === 'MaxRetriesPerRequestError') problem = 'connection lost during the read';
  else if (msg.startsWith("Stream isn't writeable") || msg === 'Connection is closed.') problem = 'not connected';
  else if (e instanceof RedisProtocolError) problem = msg.replace(/^redis /, '');
  return new RecscoreError('RECSCORE_PROFILE_STORE', `redis: ${problem}`, undefined, { cause: e });
}
