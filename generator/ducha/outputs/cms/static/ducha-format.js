// ducha's YAML format for Decap CMS: a form edit changes the file the way a person would.
//
// Decap's own YAML format re-dumps the whole file: it drops the first-line
// `# yaml-language-server` comment and every other comment, reorders keys and rewraps long
// lines, so appending one progress entry rewrites the record. This format reads every scalar
// as a string (like ducha's own reader) and remembers the text it read; on save it keeps each
// unchanged top-level key's lines byte for byte, adds new log entries after the old ones, and
// writes only what changed. Scalars are quoted by the same rule as ducha's yaml_scalar.
import * as YAML from './yaml/index.js';

/** The key under which an entry carries the text it was read from (never written out). */
export const SOURCE = '__ducha_source';
/** The first line of a new record: editors validate it against the packaged schema. */
export const HEADER = '# yaml-language-server: $schema=../../schema/case.schema.json\n';

const PLAIN_SAFE = /^[^\s\-?:,[\]{}#&*!|>'"%@`][^#:]*(?<!\s)$/;
const YAML11_WORDS = /^(?:y|n|yes|no|true|false|on|off|null|~|[-+.\d][\d_.:eE+-]*)$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const BREAKS = /[\n\r\t]/;

/** `text` as a YAML scalar that reads back unchanged (ducha.io.yamltext.yaml_scalar). */
export function scalar(text) {
  if (ISO_DATE.test(text)) return text;
  if (PLAIN_SAFE.test(text) && !YAML11_WORDS.test(text) && !BREAKS.test(text)) return text;
  return JSON.stringify(text);
}

/** The field names of a Decap `fields` list, nested: the order keys are written in. */
export function fieldOrder(fields) {
  const children = {};
  for (const field of fields) {
    if (Array.isArray(field.fields)) children[field.name] = fieldOrder(field.fields);
  }
  return { keys: fields.map(field => field.name), children };
}

const NO_ORDER = { keys: [], children: {} };

/** Empty strings, lists and maps removed: the schema forbids them, and a blank form field is no fact. */
export function prune(value) {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    const items = value.map(prune).filter(item => item !== undefined);
    return items.length ? items : undefined;
  }
  if (typeof value === 'object') {
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      const kept = prune(item);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length ? out : undefined;
  }
  const text = String(value);
  return text === '' ? undefined : text;
}

/** Deep equality of plain data; the order of a map's keys does not count. */
export function equal(a, b) {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every(key => key in b && equal(a[key], b[key]));
  }
  return a === b;
}

function ordered(map, order) {
  const rank = key => {
    const index = order.keys.indexOf(key);
    return index < 0 ? order.keys.length : index;
  };
  return Object.keys(map).sort((a, b) => rank(a) - rank(b));  // stable: unknown keys keep their order
}

function renderItems(list, indent, order) {
  const pad = ' '.repeat(indent);
  return list.map(item => {
    if (typeof item !== 'object') return `${pad}- ${scalar(item)}\n`;
    const body = renderMap(item, indent + 2, order);
    return `${pad}- ${body.slice(indent + 2)}`;
  }).join('');
}

function renderKey(key, value, indent, order) {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) return `${pad}${key}:\n${renderItems(value, indent + 2, order)}`;
  if (typeof value === 'object') return `${pad}${key}:\n${renderMap(value, indent + 2, order)}`;
  return `${pad}${key}: ${scalar(value)}\n`;
}

function renderMap(map, indent, order) {
  return ordered(map, order).map(key => renderKey(key, map[key], indent, order.children[key] || NO_ORDER)).join('');
}

/** A record written from scratch: the schema line, then every key in the form's order. */
export function renderFile(data, order) {
  return HEADER + renderMap(data, 0, order);
}

function lineStarts(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n' && i + 1 < text.length) starts.push(i + 1);
  return starts;
}

function lineOf(starts, offset) {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid] <= offset) low = mid; else high = mid - 1;
  }
  return low;
}

/** The top-level keys of `source` with their lines, or null when it is not a plain block map. */
function blocks(source) {
  const doc = YAML.parseDocument(source, { schema: 'failsafe', uniqueKeys: true });
  if (doc.errors.length || !YAML.isMap(doc.contents) || doc.contents.flow) return null;
  const text = source.endsWith('\n') ? source : `${source}\n`;
  const starts = lineStarts(text);
  const lines = starts.map((start, i) => text.slice(start, i + 1 < starts.length ? starts[i + 1] : text.length));
  const pairs = doc.contents.items.map(pair => ({ key: String(pair.key.value), line: lineOf(starts, pair.key.range[0]) }));
  if (pairs.some((pair, i) => !lines[pair.line].startsWith(pair.key) || (i && pair.line <= pairs[i - 1].line))) return null;
  const out = pairs.map((pair, i) => {
    const next = i + 1 < pairs.length ? pairs[i + 1].line : lines.length;
    let end = next;
    // Blank lines and column-0 comments before the next key stay with it (as ducha's append_entry does).
    while (end - 1 > pair.line && (!lines[end - 1].trim() || lines[end - 1].startsWith('#'))) end -= 1;
    return { key: pair.key, content: lines.slice(pair.line, end), gap: lines.slice(end, next).join('') };
  });
  const header = pairs.length ? lines.slice(0, pairs[0].line).join('') : text;
  return { data: doc.toJS() || {}, header, blocks: out };
}

function appended(before, after) {
  return Array.isArray(before) && Array.isArray(after) && before.length > 0 && after.length > before.length
    && before.every((item, i) => equal(item, after[i]));
}

/** `fresh` written over `source`: unchanged keys keep their text, logs gain only their new entries. */
export function splice(source, fresh, order) {
  const old = blocks(source);
  if (old === null) return renderFile(fresh, order);
  const rank = key => {
    const index = order.keys.indexOf(key);
    return index < 0 ? order.keys.length : index;
  };
  // A key the file did not have goes after the last old key that precedes it in the form's order.
  const after = new Map();
  for (const key of ordered(fresh, order).filter(key => !(key in old.data))) {
    const anchor = [...old.blocks].reverse().find(block => rank(block.key) < rank(key));
    const slot = anchor ? anchor.key : null;
    after.set(slot, (after.get(slot) || '') + renderKey(key, fresh[key], 0, order.children[key] || NO_ORDER));
  }
  let out = old.header + (after.get(null) || '');
  for (const block of old.blocks) {
    const key = block.key;
    const sub = order.children[key] || NO_ORDER;
    if (key in fresh) {
      if (equal(old.data[key], fresh[key])) {
        out += block.content.join('');
      } else if (appended(old.data[key], fresh[key]) && /^[^\s:]+\s*:\s*(#.*)?$/.test(block.content[0].trimEnd())) {
        const item = block.content.slice(1).find(line => line.trimStart().startsWith('- '));
        const indent = item ? item.length - item.trimStart().length : 2;
        out += block.content.join('') + renderItems(fresh[key].slice(old.data[key].length), indent, sub);
      } else {
        out += renderKey(key, fresh[key], 0, sub);
      }
    }
    out += (after.get(key) || '') + block.gap;
  }
  return out;
}

/** Decap's formatter interface, for a form whose fields are in `order` (see fieldOrder). */
export function formatter(order) {
  return {
    fromFile(text) {
      const doc = YAML.parseDocument(text, { schema: 'failsafe', uniqueKeys: true });
      if (doc.errors.length) throw new Error(`记录无法读取：${doc.errors.map(error => error.message).join('；')}`);
      return { ...(doc.toJS() || {}), [SOURCE]: text };
    },
    toFile(data) {
      const { [SOURCE]: source, ...rest } = data;
      const fresh = prune(rest) || {};
      return source ? splice(source, fresh, order) : renderFile(fresh, order);
    },
  };
}

/** The widget that shows a fact of the record as text (config.py FACT_WIDGET): a unit adds to the logs,
 * and never changes 事项名称, 主办单位 or 到期 through the form (the guard would refuse it anyway). */
export const FACT = 'ducha-fact';

/** A fact as one line of text: a list joined with 、, a map as 「label：value」 parts, nothing as —. */
export function factText(value, labels = {}) {
  const plain = value && typeof value.toJS === 'function' ? value.toJS() : value;
  if (plain === null || plain === undefined || plain === '') return '—';
  if (Array.isArray(plain)) return plain.length ? plain.map(item => factText(item, labels)).join('、') : '—';
  if (typeof plain === 'object') {
    const parts = Object.entries(plain).filter(([, item]) => item !== '' && item !== null && item !== undefined);
    return parts.length ? parts.map(([key, item]) => `${labels[key] || key}：${factText(item)}`).join('；') : '—';
  }
  return String(plain);
}

/** Decap's control for FACT: the value as text, never an input. */
export function factControl(createClass, h) {
  return createClass({
    render() {
      const subFields = this.props.field.get('fields');
      const labels = {};
      if (subFields) subFields.forEach(sub => { labels[sub.get('name')] = sub.get('label'); });
      return h('div', { id: this.props.forID, className: this.props.classNameWrapper, 'data-ducha-fact': '' },
               factText(this.props.value, labels));
    },
  });
}
