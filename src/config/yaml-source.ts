/**
 * Read a YAML file keeping positions, so that every later error can name
 * file:line:col. Size, encoding, syntax and alias limits are enforced here,
 * before anything else looks at the data.
 */
import { readFileSync, statSync } from 'node:fs';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node, type Scalar, type YAMLError } from 'yaml';
import { SweepConfigError } from '../errors.js';

export interface ReadLimits {
  maxFileBytes: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { maxFileBytes: 1024 * 1024 };

export type PathSegment = string | number;

export class YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  constructor(file: string, text: string, doc: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.text = text;
    this.doc = doc;
    this.lines = lines;
  }

  /** 1-based line and column of a character offset. */
  at(offset: number): { line: number; col: number } {
    const pos = this.lines.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line: pos.line, col: pos.col };
  }

  /** The node at `path`, or the deepest node on the way there. */
  nodeAt(path: readonly PathSegment[], wantKey = false): Node | null {
    let node: unknown = this.doc.contents;
    let last: Node | null = (node as Node | null) ?? null;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === seg);
        if (!pair) return last;
        if (wantKey && i === path.length - 1) return pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
      } else {
        return last;
      }
      if (node && typeof node === 'object' && 'range' in node) last = node as Node;
      else return last;
    }
    return last;
  }

  /** An error located at the node for `path`, plus a character offset into a scalar's value. */
  error(path: readonly PathSegment[], detail: string, opts: { key?: boolean; valueOffset?: number } = {}): SweepConfigError {
    const node = this.nodeAt(path, opts.key ?? false);
    let offset = node?.range?.[0] ?? 0;
    if (opts.valueOffset !== undefined && node && isScalar(node) && typeof node.value === 'string' && node.range) {
      offset = this.sourceOffset(node as Scalar<string>, opts.valueOffset);
    }
    const { line, col } = this.at(offset);
    return new SweepConfigError(this.file, line, col, detail);
  }

  /**
   * The offset in the file of character `index` of a string scalar's value,
   * so that an error inside an expression points at the offending character
   * whether the scalar is plain, quoted (with escapes) or a block scalar.
   * The value is aligned with the source text character by character:
   * quotes, escapes, indentation and folded line breaks are what differ.
   */
  private sourceOffset(node: Scalar<string>, index: number): number {
    const [start, end] = node.range as [number, number, number];
    const value = node.value;
    let p = start;
    if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') p = start + 1;
    else if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
      const nl = this.text.indexOf('\n', start);
      p = nl < 0 ? end : nl + 1;
    }
    const limit = Math.min(end, this.text.length);
    for (let i = 0; i < Math.min(index, value.length); i++) {
      const c = value[i] as string;
      // Skip what the value does not contain: indentation, escapes' backslashes,
      // doubled quotes, line breaks folded to one space.
      while (p < limit && this.text[p] !== c && !(c === ' ' && this.text[p] === '\n')) p++;
      if (p >= limit) return start;
      if (c === ' ' && this.text[p] === '\n') {
        // A folded break: skip it and the next line's indentation.
        p++;
        while (p < limit && (this.text[p] === ' ' || this.text[p] === '\t')) p++;
        continue;
      }
      p++;
    }
    // Land on the character itself, past any indentation before it.
    while (p < limit && index < value.length && this.text[p] !== value[index]) {
      if (this.text[p] !== ' ' && this.text[p] !== '\t' && this.text[p] !== '\n' && this.text[p] !== '\\' && this.text[p] !== "'") break;
      p++;
    }
    return p;
  }
}

function fileError(file: string, text: string, offset: number, detail: string): SweepConfigError {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      col = 1;
    } else col++;
  }
  return new SweepConfigError(file, line, col, detail);
}

/** The position of the last '[' or '{' still open at `end` (quotes and comments skipped). */
function unclosedFlowAt(text: string, end: number): number | null {
  const open: number[] = [];
  let quote: string | null = null;
  for (let i = 0; i < end && i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1] as string))) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1] as string))) quote = c;
    else if (c === '[' || c === '{') open.push(i);
    else if (c === ']' || c === '}') open.pop();
  }
  return open.length ? (open[open.length - 1] as number) : null;
}

/** One line for the first YAML error, at the place a user needs to look. */
function syntaxError(source: YamlSource, err: YAMLError): SweepConfigError {
  const file = source.file;
  const msg = err.message.split('\n')[0]?.replace(/ at line \d+, column \d+.*$/, '') ?? 'YAML syntax error';
  let offset = err.pos[0];
  let detail = `YAML: ${msg}`;
  if (err.code === 'DUPLICATE_KEY') {
    // Name the key and where it was first given.
    let found: { key: string; first: number } | null = null;
    visit(source.doc, {
      Map(_, map) {
        const seen = new Map<unknown, number>();
        for (const pair of map.items) {
          if (!isScalar(pair.key) || !pair.key.range) continue;
          const k = pair.key.value;
          const prev = seen.get(k);
          if (prev !== undefined && pair.key.range[0] === err.pos[0]) {
            found = { key: String(k), first: prev };
            return visit.BREAK;
          }
          if (prev === undefined) seen.set(k, pair.key.range[0]);
        }
        return undefined;
      },
    });
    const f = found as { key: string; first: number } | null;
    if (f) detail = `${f.key}: key given twice (first on line ${source.at(f.first).line}); each key may appear once`;
    else detail = 'YAML: key given twice; each key may appear once';
  } else if (err.code === 'BAD_INDENT' && /^Flow (sequence|map)/.test(msg)) {
    // The parser notices where the next key begins; the mistake is the bracket never closed.
    const at = unclosedFlowAt(source.text, err.pos[0]);
    if (at !== null) {
      offset = at;
      const c = source.text[at] === '[' ? ['[', ']', 'list'] : ['{', '}', 'mapping'];
      detail = `YAML: '${c[0]}' is never closed: a flow ${c[2]} must end with '${c[1]}' before the next key`;
    }
  } else if (err.code === 'MULTIPLE_DOCS') {
    detail = "YAML: a sweep file holds one document, but a second one begins here ('---')";
  }
  const { line, col } = source.at(offset);
  return new SweepConfigError(file, line, col, detail);
}

export function readYamlSource(file: string, limits: ReadLimits = DEFAULT_READ_LIMITS): { source: YamlSource; data: unknown } {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new SweepConfigError(file, 1, 1, 'not a regular file');
    size = st.size;
  } catch (err) {
    if (err instanceof SweepConfigError) throw err;
    throw new SweepConfigError(file, 1, 1, `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (size > limits.maxFileBytes) {
    throw new SweepConfigError(file, 1, 1, `file is ${size} bytes, more than the limit of ${limits.maxFileBytes} (raise it with --max-file-size)`);
  }
  const bytes = readFileSync(file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Locate the first byte that is not valid UTF-8.
    let ok = 0;
    for (let end = 1; end <= bytes.length; end++) {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
        ok = end;
      } catch {
        if (end - ok > 4) break;
      }
    }
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, ok));
    throw fileError(file, prefix, prefix.length, `not valid UTF-8 (byte 0x${(bytes[ok] ?? 0).toString(16).padStart(2, '0')} at offset ${ok}); sweep files are UTF-8 text`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true, stringKeys: false });
  const source = new YamlSource(file, text, doc, lines);
  const first = doc.errors[0];
  if (first) throw syntaxError(source, first);
  // Keys are names: a list or mapping as a key has no place in a sweep (and
  // would be stringified, with a warning on stderr).
  let complexKey: number | null = null;
  visit(doc, {
    Pair(_, pair) {
      if (pair.key !== null && !isScalar(pair.key)) {
        complexKey = (pair.key as Node).range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  if (complexKey !== null) {
    const { line, col } = source.at(complexKey);
    throw new SweepConfigError(file, line, col, 'YAML: a key must be a plain name, not a list or a mapping');
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    let aliasAt = 0;
    visit(doc, {
      Alias(_, node) {
        aliasAt = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const { line, col } = source.at(aliasAt);
    const msg = (err as Error).message;
    throw new SweepConfigError(file, line, col, /alias count/i.test(msg) ? `YAML: ${msg} (aliases expand to too much data)` : `YAML: ${msg}`);
  }
  return { source, data };
}
