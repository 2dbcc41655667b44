/**
 * One line of the embedded event log, and its encoder:
 *
 *   {"b":"<batch id>","k":"<idempotency key>"|null,"r":<received ms>,"e":[<stored event>, …]}
 *
 * Each stored event is the posted one with `"id":"<batch id>:<index>"` first. The encoder writes the text
 * by hand rather than through JSON.stringify of copied objects (it runs on the main thread for every
 * accepted event and every served answer). The text parses to what JSON.stringify would write for the
 * same fields (every value is a string, a finite number, a string array or a flat string record; absent
 * fields are left out; only the order of the fields differs); readers use JSON.parse.
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
  let out = `{"b":${q(b)},"k":${k === null ? 'null' : q(k)},"r":${r},"e":[`;
  const idPrefix = `{"id":"${b}:`; // batch ids are UUIDs: nothing to escape
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    let s = `${i === 0 ? '' : ','}${idPrefix}${i}","type":${q(e.type)},"client_id":${q(e.client_id)},"ts":${e.ts}`;
    if (e.item !== undefined) s += `,"item":${q(e.item)}`;
    if (e.items !== undefined) s += `,"items":${q(e.items)}`;
    if (e.item_variants !== undefined) s += `,"item_variants":${q(e.item_variants)}`;
    if (e.position !== undefined) s += `,"position":${e.position}`;
    if (e.request_id !== undefined) s += `,"request_id":${q(e.request_id)}`;
    if (e.weight !== undefined) s += `,"weight":${q(e.weight)}`;
    if (e.context !== undefined) s += `,"context":${q(e.context)}`;
    out += s + '}';
  }
  return out + ']}\n';
}
