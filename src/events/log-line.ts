/**
 * One line of the embedded event log, and its encoder:
 *
 *   {"b":"<batch id>","k":"<idempotency key>"|null,"r":<received ms>,"e":[<stored event>, …]}
 *
 * Each stored event is the posted one with `"id":"<batch id>:<index>"` first. The encoder writes the text
 * by hand rather than through JSON.stringify of copied objects: it runs on the main thread for every
 * accepted event and every served impression, and one answer's impressions share all but item and
 * position, so the text of what they share is built once per run of them. The text parses to what
 * JSON.stringify would write for the same fields (every value is a string, a finite number or a flat
 * string record; absent fields are left out; only the order of the fields differs); readers use JSON.parse.
 */
import type { PostedEvent, StoredEvent } from './event.js';

/** A line as read back. */
export interface LogLine {
  b: string;
  k: string | null;
  r: number;
  e: StoredEvent[];
}

const q = JSON.stringify;

/** The text of one line (with its newline) for the events of batch `b`, their ids `b:0`, `b:1`, …. */
export function encodeLine(b: string, k: string | null, r: number, events: readonly PostedEvent[]): string {
  const parts: string[] = [`{"b":${q(b)},"k":${k === null ? 'null' : q(k)},"r":${r},"e":[`];
  const idPrefix = `{"id":"${b}:`; // batch ids are UUIDs: nothing to escape
  // The fields other than item and position, as text, reused while consecutive events share them.
  let last: PostedEvent | undefined;
  let head = '';
  let tail = '';
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (last === undefined || !sameButPlace(e, last)) {
      head = `","type":${q(e.type)},"client_id":${q(e.client_id)},"ts":${e.ts}`;
      tail = '';
      if (e.request_id !== undefined) tail += `,"request_id":${q(e.request_id)}`;
      if (e.weight !== undefined) tail += `,"weight":${q(e.weight)}`;
      if (e.context !== undefined) tail += `,"context":${q(e.context)}`;
      tail += '}';
      last = e;
    }
    let s = i === 0 ? idPrefix + i + head : ',' + idPrefix + i + head;
    if (e.item !== undefined) s += `,"item":${q(e.item)}`;
    if (e.position !== undefined) s += `,"position":${e.position}`;
    parts.push(s + tail);
  }
  parts.push(']}\n');
  return parts.join('');
}

function sameButPlace(a: PostedEvent, b: PostedEvent): boolean {
  return (
    a.client_id === b.client_id &&
    a.type === b.type &&
    a.ts === b.ts &&
    a.context === b.context &&
    a.request_id === b.request_id &&
    a.weight === b.weight
  );
}
