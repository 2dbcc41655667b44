/**
 * Item attributes for request filters (`?category=privacy`), per-surface block lists and diversity by
 * attribute, from a catalog file (RECSCORE_CATALOG / --catalog) merged with the surfaces file's inline
 * `catalog:`. Two formats, told apart by the first non-blank line: `{` then `"` or `}` → JSONL (a CSV line may
 * start with `{` too: Firefox add-on ids are often `{uuid}`):
 *
 * - Product Recommendations' catalog CSV, unquoted like its usage files, no header:
 *   `<item id>,<item name>,<item category>[,<description>[,<feature>=<value>,…]]`
 *   → attributes `category` (when not empty) and every feature. The name and description are checked and
 *   not kept (nothing filters on them), which is why a description cannot hold a comma: the next field would
 *   be read as a malformed feature and named in the error.
 * - JSONL: one object per line, `{"id": "…", "<attribute>": "<value>", …}`.
 *
 * Every error names the file, line and field. The file is size-bounded (`maxBytes`, checked before reading),
 * as are items (MAX_ITEMS) and attributes per item (MAX_ATTRIBUTES); an id twice is an error (no silent
 * last-wins). An inline attribute wins over the file's for the same item and attribute: the surfaces file is
 * the operator's hand-written correction.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { RecscoreError } from '../../errors.js';

export type Attributes = Readonly<Record<string, string>>;

/** What the stages read: an item's attributes (a Map satisfies it). */
export interface ItemAttributes {
  get(item: string): Attributes | undefined;
}

export const MAX_ITEMS = 2_000_000;
export const MAX_ATTRIBUTES = 64;
/** Product Recommendations' limits: item name, category and feature names and values 255, description 4000. */
const MAX_VALUE = 255;
const MAX_DESCRIPTION = 4_000;
const ITEM = /^[\x21-\x24\x26-\x2B\x2D\x2E\x30-\x7E]{1,200}$/; // the surfaces' GUID rule, and no comma (CSV)
const ATTRIBUTE = /^[a-z][a-z0-9_]{0,39}$/;
/** A JSON object's start: `{"…` or `{}`; a CSV line's `{uuid},…` is not one. */
const JSONL_START = /^\s*\{\s*["}]/;

/** A loaded catalog: items with attributes, and the attribute names any item has (the routes' check). */
export class Catalog implements ItemAttributes {
  static readonly EMPTY = new Catalog(new Map(), new Set());

  constructor(
    private readonly items: ReadonlyMap<string, Attributes>,
    readonly attributes: ReadonlySet<string>,
    /** Inline entries already merged over `items` (inline wins per attribute). */
    private readonly overlay: ReadonlyMap<string, Attributes> = new Map(),
  ) {}

  get(item: string): Attributes | undefined {
    return this.overlay.get(item) ?? this.items.get(item);
  }

  get size(): number {
    let n = this.items.size;
    for (const k of this.overlay.keys()) if (!this.items.has(k)) n++;
    return n;
  }

  /** This catalog with the surfaces file's inline attributes over it; the file's entries are shared, not copied. */
  withInline(inline: Readonly<Record<string, Readonly<Record<string, string>>>>): Catalog {
    const overlay = new Map<string, Attributes>();
    const names = new Set(this.attributes);
    for (const [item, attrs] of Object.entries(inline)) {
      overlay.set(item, { ...this.items.get(item), ...attrs });
      for (const k of Object.keys(attrs)) names.add(k);
    }
    return new Catalog(this.items, names, overlay);
  }
}

const bad = (what: string, line: number, field: string, message: string) =>
  new RecscoreError('RECSCORE_SURFACES_INVALID', `${what}:${line}: ${field}: ${message}`, {
    path: what,
    line,
    field,
  });

/** Parses a catalog's lines (numbered from 1); `what` names the file in errors. */
export async function parseCatalog(lines: AsyncIterable<string> | Iterable<string>, what: string): Promise<Catalog> {
  const items = new Map<string, Attributes>();
  const firstLine = new Map<string, number>();
  const names = new Set<string>();
  let format: 'csv' | 'jsonl' | undefined;
  let n = 0;
  interned = new Map();
  for await (const raw of lines) {
    n++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    format ??= JSONL_START.test(line) ? 'jsonl' : 'csv';
    const [id, attrs] = format === 'jsonl' ? jsonlLine(line, what, n) : csvLine(line, what, n);
    const seen = firstLine.get(id);
    if (seen !== undefined) throw bad(what, n, 'id', `item ${id} again (first on line ${seen})`);
    if (items.size >= MAX_ITEMS) throw bad(what, n, 'id', `more than ${MAX_ITEMS} items`);
    const key = flat(id); // not a slice of the line: the line is not kept alive with it
    firstLine.set(key, n);
    items.set(key, attrs);
    for (const k of Object.keys(attrs)) names.add(k);
  }
  interned = new Map();
  return new Catalog(items, names);
}

function checkId(id: string, what: string, n: number): void {
  if (!ITEM.test(id))
    throw bad(what, n, 'id', `${JSON.stringify(id.slice(0, 60))}: 1–200 printable ASCII, no spaces, %, / or ,`);
}

function checkAttribute(key: string, value: string, attrs: Record<string, string>, at: Where): void {
  const [what, n, field] = at;
  if (!ATTRIBUTE.test(key))
    throw bad(what, n, field, `attribute name ${JSON.stringify(key.slice(0, 60))}: a-z 0-9 _, starting with a letter`);
  if (value.length === 0 || value.length > MAX_VALUE)
    throw bad(what, n, field, `${key}: value of 1–${MAX_VALUE} characters`);
  if (Object.hasOwn(attrs, key)) throw bad(what, n, field, `${key} twice`);
  if (Object.keys(attrs).length >= MAX_ATTRIBUTES) throw bad(what, n, field, `more than ${MAX_ATTRIBUTES} attributes`);
  attrs[intern(key)] = intern(value);
}

type Where = [what: string, line: number, field: string];

// Attribute names and values repeat (categories, feature values are categorical): one copy of each, and not
// a slice that would keep its whole line alive. Cleared per parse, so it only lives while a file loads.
let interned = new Map<string, string>();
function intern(s: string): string {
  let x = interned.get(s);
  if (x === undefined) {
    x = flat(s);
    interned.set(x, x);
  }
  return x;
}
/** A copy of `s` that holds no reference to the string it was cut from. */
const flat = (s: string): string => (s.length < 13 ? s : JSON.parse(JSON.stringify(s)));

function csvLine(line: string, what: string, n: number): [string, Attributes] {
  const f = line.split(',');
  if (f.length < 3) throw bad(what, n, `field ${f.length + 1}`, 'expected <item id>,<item name>,<item category>');
  const id = f[0].trim();
  checkId(id, what, n);
  const name = f[1].trim();
  if (name.length === 0 || name.length > MAX_VALUE)
    throw bad(what, n, 'field 2 (item name)', `1–${MAX_VALUE} characters`);
  const attrs: Record<string, string> = {}; // not Object.create(null): V8 keeps those in slow dictionary mode
  const category = f[2].trim();
  if (category !== '') checkAttribute('category', category, attrs, [what, n, 'field 3 (item category)']);
  if (f.length > 3 && f[3].length > MAX_DESCRIPTION)
    throw bad(what, n, 'field 4 (description)', `at most ${MAX_DESCRIPTION} characters`);
  for (let i = 4; i < f.length; i++) {
    const feature = f[i].trim();
    if (feature === '') continue;
    const eq = feature.indexOf('=');
    const field = `field ${i + 1} (feature)`;
    if (eq <= 0) throw bad(what, n, field, `${JSON.stringify(feature.slice(0, 60))} is not <name>=<value>`);
    checkAttribute(feature.slice(0, eq).trim(), feature.slice(eq + 1).trim(), attrs, [what, n, field]);
  }
  return [id, attrs];
}

function jsonlLine(line: string, what: string, n: number): [string, Attributes] {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch (e) {
    throw bad(what, n, '(line)', `not JSON: ${(e as Error).message}`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw bad(what, n, '(line)', 'not a JSON object');
  const { id, ...rest } = o as Record<string, unknown>;
  if (typeof id !== 'string') throw bad(what, n, 'id', 'missing or not a string');
  checkId(id, what, n);
  const attrs: Record<string, string> = {}; // not Object.create(null): V8 keeps those in slow dictionary mode
  for (const [k, v] of Object.entries(rest)) {
    if (typeof v !== 'string') throw bad(what, n, k, 'attribute values are strings');
    checkAttribute(k, v, attrs, [what, n, k]);
  }
  return [id, attrs];
}

/** Reads and parses a catalog file of at most `maxBytes` (checked before reading a byte of it). */
export async function loadCatalog(path: string, maxBytes: number): Promise<Catalog> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (e) {
    throw new RecscoreError('RECSCORE_SURFACES_INVALID', `${path}: ${(e as Error).message}`, { path });
  }
  if (size > maxBytes)
    throw new RecscoreError('RECSCORE_SURFACES_INVALID', `${path}: ${size} bytes; at most ${maxBytes}`, { path });
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    return await parseCatalog(lines, path);
  } finally {
    lines.close();
    input.destroy();
  }
}
