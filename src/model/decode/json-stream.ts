/**
 * An incremental splitter for a JSON document whose top level is an array or an object: the text arrives
 * in pieces, the splitter tracks strings, escapes and bracket depth just enough to find where each
 * top-level element ends, and hands batches of complete elements to JSON.parse (native and fast). The
 * whole document text never exists at once, so a 400 MB model file costs a batch of text plus what the
 * caller keeps of each element.
 *
 * The splitter checks the top-level structure (separators, brackets, trailing text); everything inside an
 * element is checked by JSON.parse. Every failure is RECSCORE_MODEL_DECODE naming the file and a byte offset.
 *
 * @example
 *   const s = new JsonSplitter('x.json', (b) => console.log(b.first, b.keys, b.values));
 *   s.push('{"a": [1, "]"], "b"'); s.push(': 2}'); s.end(); // → 0 ['a', 'b'] [[1, ']'], 2]
 */
import { ModelError } from '../../errors.js';

export type JsonContainer = 'array' | 'object' | 'scalar';

export interface JsonBatch {
  container: JsonContainer;
  /** Position of values[0] among the container's elements. */
  first: number;
  /** Object keys, aligned with `values` (objects only). */
  keys: string[] | undefined;
  values: unknown[];
}

// Where the scanner is between tokens.
const START = 0; // before the top-level value
const OPEN = 1; // after `[` or `{`: an element or the closing bracket
const NEXT = 2; // after `,`: an element must follow
const AFTER = 3; // after an element: `,` or the closing bracket
const COLON = 4; // after an object key
const VALUE = 5; // after `:`
const IN_KEY = 6; // inside a key string
const IN_VALUE = 7; // inside an element
const DONE = 8; // after the closing bracket: only whitespace may follow
const SCALAR = 9; // the top level is not a container: buffer it whole (rare, tiny in valid files)

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export class JsonSplitter {
  #file: string;
  #onBatch: (batch: JsonBatch) => void;
  #batchChars: number;
  #buf = '';
  #pos = 0; // next char of #buf to scan
  #bytesBefore = 0; // UTF-8 bytes of the text already dropped from #buf
  #state = START;
  #container: JsonContainer | undefined;
  #close = 0; // `]` or `}`
  #count = 0; // elements emitted so far
  // The element being scanned.
  #entryStart = -1; // where the current entry (key or value) began; -1 when between entries
  #keyStart = 0;
  #keyEnd = 0;
  #valStart = 0;
  #valKind = 0; // QUOTE for a string, 1 for nested, 2 for a primitive
  #depth = 0;
  #inStr = false;
  // Complete elements not yet parsed: [keyStart, keyEnd, valStart, valEnd] per element.
  #spans: number[] = [];
  #spanChars = 0;

  constructor(file: string, onBatch: (batch: JsonBatch) => void, opts: { batchChars?: number } = {}) {
    this.#file = file;
    this.#onBatch = onBatch;
    this.#batchChars = opts.batchChars ?? 1 << 20;
  }

  get container(): JsonContainer | undefined {
    return this.#container;
  }

  push(text: string): void {
    this.#buf = this.#buf.length === 0 ? text : this.#buf + text;
    if (this.#state === SCALAR) return;
    this.#scan();
    this.#flush();
    this.#compact();
  }

  end(): void {
    if (this.#state === SCALAR) return this.#endScalar();
    if (this.#state !== DONE) {
      const what = this.#state === START ? 'empty document' : 'unexpected end of input (truncated?)';
      throw this.#error(this.#buf.length, what);
    }
    // An empty container still says which container it was (a record where a list belongs is a schema error).
    if (this.#count === 0)
      this.#onBatch({
        container: this.#container!,
        first: 0,
        keys: this.#container === 'object' ? [] : undefined,
        values: [],
      });
  }

  #scan(): void {
    const buf = this.#buf;
    const n = buf.length;
    let i = this.#pos;
    while (i < n) {
      const state = this.#state;
      if (state === IN_VALUE) {
        i = this.#scanValue(buf, i, n);
        continue;
      }
      if (state === IN_KEY) {
        const end = this.#stringEnd(buf, i, n);
        if (end < 0) {
          i = n;
          break;
        }
        this.#keyEnd = end;
        this.#state = COLON;
        i = end;
        continue;
      }
      const c = buf.charCodeAt(i);
      if (isSpace(c)) {
        i++;
        continue;
      }
      switch (state) {
        case START:
          if (c === 0x5b || c === 0x7b) {
            this.#container = c === 0x5b ? 'array' : 'object';
            this.#close = c + 2;
            this.#state = OPEN;
            i++;
          } else {
            this.#container = 'scalar';
            this.#state = SCALAR;
            this.#buf = buf.slice(i);
            this.#pos = 0;
            return;
          }
          break;
        case OPEN:
        case NEXT:
          if (c === this.#close && state === OPEN) {
            this.#state = DONE;
            i++;
            break;
          }
          this.#entryStart = i;
          if (this.#container === 'object') {
            if (c !== QUOTE) throw this.#error(i, `expected a key string, found ${show(c)}`);
            this.#keyStart = i;
            this.#state = IN_KEY;
            i++;
          } else {
            this.#startValue(c, i);
            i++;
          }
          break;
        case COLON:
          if (c !== 0x3a) throw this.#error(i, `expected ':' after a key, found ${show(c)}`);
          this.#state = VALUE;
          i++;
          break;
        case VALUE:
          this.#startValue(c, i);
          i++;
          break;
        case AFTER:
          if (c === 0x2c) {
            this.#state = NEXT;
            i++;
            break;
          }
          if (c === this.#close) {
            this.#state = DONE;
            i++;
            break;
          }
          throw this.#error(i, `expected ',' or '${String.fromCharCode(this.#close)}', found ${show(c)}`);
        case DONE:
          throw this.#error(i, `unexpected text after the end of the document: ${show(c)}`);
      }
    }
    this.#pos = i;
  }

  #startValue(c: number, i: number): void {
    if (c === 0x2c || c === 0x5d || c === 0x7d || c === 0x3a)
      throw this.#error(i, `expected a value, found ${show(c)}`);
    this.#valStart = i;
    this.#valKind = c === QUOTE ? QUOTE : c === 0x5b || c === 0x7b ? 1 : 2;
    this.#depth = this.#valKind === 1 ? 1 : 0;
    this.#inStr = false;
    this.#state = IN_VALUE;
    if (this.#container === 'array') this.#entryStart = i;
  }

  /** Scans the element from `i`; returns where scanning stopped (its end, or `n` when it continues). */
  #scanValue(buf: string, i: number, n: number): number {
    if (this.#valKind === QUOTE) {
      const end = this.#stringEnd(buf, i, n);
      if (end < 0) return n;
      return this.#endValue(end);
    }
    if (this.#valKind === 2) {
      for (; i < n; i++) {
        const c = buf.charCodeAt(i);
        if (c === 0x2c || c === 0x5d || c === 0x7d || isSpace(c)) return this.#endValue(i);
      }
      return n;
    }
    let depth = this.#depth;
    while (i < n) {
      if (this.#inStr) {
        const end = this.#stringEnd(buf, i, n);
        if (end < 0) {
          i = n;
          break;
        }
        this.#inStr = false;
        i = end;
        continue;
      }
      const c = buf.charCodeAt(i++);
      if (c === QUOTE) this.#inStr = true;
      else if (c === 0x5b || c === 0x7b) depth++;
      else if ((c === 0x5d || c === 0x7d) && --depth === 0) {
        this.#depth = 0;
        return this.#endValue(i);
      }
    }
    this.#depth = depth;
    return n;
  }

  /** Index just past the closing quote of the string whose body continues at `i`, or -1 if not in `buf` yet. */
  #stringEnd(buf: string, i: number, n: number): number {
    for (;;) {
      const q = buf.indexOf('"', i);
      if (q < 0 || q >= n) return -1;
      let b = q - 1;
      while (buf.charCodeAt(b) === BACKSLASH) b--;
      if ((q - 1 - b) % 2 === 0) return q + 1;
      i = q + 1;
    }
  }

  #endValue(end: number): number {
    const keyed = this.#container === 'object';
    this.#spans.push(keyed ? this.#keyStart : 0, keyed ? this.#keyEnd : 0, this.#valStart, end);
    this.#spanChars += end - this.#entryStart;
    this.#entryStart = -1;
    this.#state = AFTER;
    if (this.#spanChars >= this.#batchChars) this.#flush();
    return end;
  }

  #flush(): void {
    const spans = this.#spans;
    if (spans.length === 0) return;
    const buf = this.#buf;
    const keyed = this.#container === 'object';
    const parts: string[] = [];
    for (let s = 0; s < spans.length; s += 4) {
      if (keyed) parts.push(buf.slice(spans[s], spans[s + 1]));
      parts.push(buf.slice(spans[s + 2], spans[s + 3]));
    }
    let parsed: unknown[];
    try {
      parsed = JSON.parse(`[${parts.join(',')}]`) as unknown[];
    } catch {
      throw this.#locateParseError(parts, spans);
    }
    const first = this.#count;
    this.#count += spans.length / 4;
    this.#spans = [];
    this.#spanChars = 0;
    if (!keyed) return this.#onBatch({ container: 'array', first, keys: undefined, values: parsed });
    const keys: string[] = new Array(parsed.length / 2);
    const values: unknown[] = new Array(parsed.length / 2);
    for (let j = 0; j < keys.length; j++) {
      keys[j] = parsed[2 * j] as string;
      values[j] = parsed[2 * j + 1];
    }
    this.#onBatch({ container: 'object', first, keys, values });
  }

  /** Re-parses a failed batch piece by piece to name the offending element's offset. */
  #locateParseError(parts: string[], spans: number[]): ModelError {
    const per = this.#container === 'object' ? 2 : 1;
    for (let p = 0; p < parts.length; p++) {
      try {
        JSON.parse(parts[p]);
      } catch (e) {
        const element = Math.floor(p / per);
        const isKey = per === 2 && p % 2 === 0;
        return this.#error(spans[4 * element + (isKey ? 0 : 2)], (e as Error).message);
      }
    }
    return this.#error(spans[0], 'malformed element');
  }

  /** Drops the text before the entry in progress so that the buffer holds at most one unfinished element. */
  #compact(): void {
    const cut = this.#entryStart >= 0 ? this.#entryStart : this.#pos;
    if (cut === 0) return;
    this.#bytesBefore += Buffer.byteLength(this.#buf.slice(0, cut));
    this.#buf = this.#buf.slice(cut);
    this.#pos -= cut;
    if (this.#entryStart >= 0) {
      this.#entryStart -= cut;
      this.#keyStart -= cut;
      this.#keyEnd -= cut;
      this.#valStart -= cut;
    }
  }

  #endScalar(): void {
    let value: unknown;
    try {
      value = JSON.parse(this.#buf);
    } catch (e) {
      throw this.#error(0, (e as Error).message);
    }
    this.#onBatch({ container: 'scalar', first: 0, keys: undefined, values: [value] });
  }

  #error(at: number, problem: string): ModelError {
    const byte = this.#bytesBefore + Buffer.byteLength(this.#buf.slice(0, at));
    return new ModelError('RECSCORE_MODEL_DECODE', this.#file, `invalid JSON near byte ${byte}: ${problem}`);
  }
}

function show(c: number): string {
  return JSON.stringify(String.fromCharCode(c));
}
