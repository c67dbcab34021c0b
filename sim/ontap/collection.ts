import { ERRORS, ontapError } from './errors.js';

/**
 * ONTAP's REST query conventions for GET: `fields`, field filters, `order_by`, `max_records` with
 * `_links.next` paging, and `return_records`. Views are the full JSON records.
 */

type View = Record<string, unknown>;

/** Query parameters that are not field filters. Paging cursors are `start.<field>`. */
const CONTROL_PARAMS = new Set(['fields', 'max_records', 'return_records', 'return_timeout', 'order_by']);
/** Every record carries its key and links, whatever `fields` asks for. */
const ALWAYS = ['uuid', '_links'];

/**
 * The record with the fields `fields=` asks for: `*` (or `**`) for all of them, else the listed
 * dotted paths. Without `fields`, `defaults` (undefined meaning all).
 */
export function selectFields(view: View, query: URLSearchParams, defaults?: string[]): View {
  const asked = query
    .getAll('fields')
    .flatMap((value) => value.split(','))
    .map((field) => field.trim())
    .filter(Boolean);
  const fields = asked.length ? asked : defaults;
  if (!fields || fields.some((field) => field === '*' || field === '**')) return view;
  const out: View = {};
  for (const path of [...ALWAYS, ...fields]) copyPath(view, out, path.split('.'));
  return out;
}

/** The `{records, num_records, _links}` answer of a collection GET at `path`. */
export function collectionAnswer(path: string, query: URLSearchParams, views: View[], defaults: string[]): View {
  const filters = [...query.entries()].filter(([key]) => !CONTROL_PARAMS.has(key) && !key.startsWith('start.'));
  const matching = views.filter((view) => filters.every(([field, pattern]) => matches(valueAt(view, field), pattern)));
  const self = { href: href(path, query) };
  if (query.get('return_records') === 'false') return { num_records: matching.length, _links: { self } };

  const order = orderBy(query);
  const sorted = [...matching].sort((a, b) => compareKeys(sortKey(a, order), sortKey(b, order), order));
  const cursor = order.map(({ field }) => query.get(`start.${field}`));
  const from = cursor.some((value) => value !== null)
    ? sorted.findIndex(
        (view) =>
          compareKeys(
            sortKey(view, order),
            cursor.map((v) => v ?? ''),
            order,
          ) >= 0,
      )
    : 0;
  const rest = from < 0 ? [] : sorted.slice(from);
  const max = maxRecords(query) ?? rest.length;
  const page = rest.slice(0, max);
  const following = rest[max];
  const links: View = { self };
  if (following) {
    const next = new URLSearchParams([...query.entries()].filter(([key]) => !key.startsWith('start.')));
    sortKey(following, order).forEach((value, i) => next.set(`start.${order[i].field}`, value));
    links.next = { href: href(path, next) };
  }
  return { records: page.map((view) => selectFields(view, query, defaults)), num_records: page.length, _links: links };
}

interface OrderKey {
  field: string;
  desc: boolean;
}

/** `order_by=name desc,...`; uuid always ends the key so the order, and the cursor, are total. */
function orderBy(query: URLSearchParams): OrderKey[] {
  const keys = (query.get('order_by') ?? '')
    .split(',')
    .map((part) => part.trim().split(/\s+/))
    .filter(([field]) => field)
    .map(([field, direction]) => {
      if (direction !== undefined && direction !== 'asc' && direction !== 'desc') {
        throw ontapError(ERRORS.invalidValue, { target: 'order_by', detail: `"${direction}" is not asc or desc.` });
      }
      return { field, desc: direction === 'desc' };
    });
  return keys.some(({ field }) => field === 'uuid') ? keys : [...keys, { field: 'uuid', desc: false }];
}

function maxRecords(query: URLSearchParams): number | undefined {
  const raw = query.get('max_records');
  if (raw === null) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw ontapError(ERRORS.invalidValue, { target: 'max_records', detail: `"${raw}" is not a positive integer.` });
  return Number(raw);
}

function sortKey(view: View, order: OrderKey[]): string[] {
  return order.map(({ field }) => {
    const value = valueAt(view, field);
    return value === undefined || value === null ? '' : String(value);
  });
}

function compareKeys(a: string[], b: string[], order: OrderKey[]): number {
  for (let i = 0; i < order.length; i++) {
    if (a[i] === b[i]) continue;
    const lower = a[i] < b[i] ? -1 : 1;
    return order[i].desc ? -lower : lower;
  }
  return 0;
}

/**
 * ONTAP's query values: alternatives separated by `|`, `*` as a wildcard, a leading `!` to
 * negate; case-insensitive. An array field matches when one of its items does.
 */
function matches(value: unknown, pattern: string): boolean {
  if (Array.isArray(value)) return value.some((item) => matches(item, pattern));
  return pattern.split('|').some((alternative) => (alternative.startsWith('!') ? !matchesOne(value, alternative.slice(1)) : matchesOne(value, alternative)));
}

function matchesOne(value: unknown, pattern: string): boolean {
  if (value === undefined || value === null || typeof value === 'object') return false;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(String(value));
}

function valueAt(view: View, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' && !Array.isArray(node) ? (node as View)[key] : undefined), view);
}

/** Copies the value at `path` into `out`; a path through an array copies the whole array. */
function copyPath(from: View, out: View, path: string[]): void {
  const [key, ...rest] = path;
  const value = from[key];
  if (value === undefined) return;
  if (rest.length === 0 || typeof value !== 'object' || value === null || Array.isArray(value)) {
    out[key] = value;
    return;
  }
  const target = (out[key] ??= {}) as View;
  copyPath(value as View, target, rest);
}

function href(path: string, query: URLSearchParams): string {
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
