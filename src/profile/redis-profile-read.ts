/**
 * The read of one profile key, as a Lua script run by the Redis store (redis-store.ts), and the check of its
 * reply. Nothing in a reply is trusted: anything but the shapes below is a RedisProtocolError.
 */
import { RedisProtocolError } from './redis-reply-guard.js';

/**
 * One round trip, inside Redis: the type and length first, so that a hash or list stored under a profile key
 * is that client's bad data (not a failing store that opens the breaker for everyone), and an oversized
 * value stays on the server. The key is echoed back so that a reply meant for another command is recognised.
 */
export const READ_PROFILE = `local t = redis.call('TYPE', KEYS[1]).ok
if t ~= 'string' and t ~= 'none' then return {KEYS[1], 'type', t} end
local n = redis.call('STRLEN', KEYS[1])
if n > tonumber(ARGV[1]) then return {KEYS[1], 'size', n} end
local v = redis.call('GET', KEYS[1])
if not v then return {KEYS[1], 'none'} end
return {KEYS[1], 'value', v}`;

export type ProfileReply =
  | { kind: 'none' }
  | { kind: 'value'; value: string }
  | { kind: 'size'; bytes: number }
  | { kind: 'type'; type: string };

/** Checks READ_PROFILE's reply for `key`; anything else is a protocol error. */
export function profileReply(reply: unknown, key: string): ProfileReply {
  if (Array.isArray(reply) && reply[0] === key) {
    const [, kind, v] = reply;
    if (kind === 'none' && reply.length === 2) return { kind };
    if (kind === 'value' && typeof v === 'string' && reply.length === 3) return { kind, value: v };
    if (kind === 'size' && Number.isSafeInteger(v) && reply.length === 3) return { kind, bytes: v as number };
    if (kind === 'type' && typeof v === 'string' && reply.length === 3) return { kind, type: v };
  }
  throw new RedisProtocolError(`unexpected reply to the read of ${key}`);
}
