/**
 * Read a YAML file keeping positions, so that every later error can name
 * file:line:col. Size, encoding, syntax, nesting, tags, keys and alias
 * limits are enforced here, before anything else looks at the data: a
 * sweep file is plain YAML 1.2 data (strings, numbers, lists, mappings),
 * and nothing in it can make the reader run code or exhaust memory or stack.
 */
import { readFileSync, statSync } from 'node:fs';
import { Composer, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, visit, YAMLParseError, type CST, type Document, type Node, type Scalar, type YAMLError } from 'yaml';
import { fsProblem, SweepConfigError, UserError } from '../errors.js';

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
        // Keys are compared as the data has them: `1:` and `true:` are the keys '1' and 'true'.
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
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

/** How deep a sweep file may nest lists and mappings (a real one needs about 6). */
export const MAX_YAML_NESTING = 32;

/** Aliases may be expanded this many times in all (a real sweep file needs a few, if any). */
const MAX_ALIAS_COUNT = 100;

/** Core YAML 1.2 tags: the only explicit tags a sweep file may use. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq']);

/** `tag:yaml.org,2002:binary` as it is written in a file: `!!binary`. */
function shortTag(tag: string): string {
  return tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice('tag:yaml.org,2002:'.length)}` : tag;
}

/** The opening quote of a quoted scalar that runs to `end` without being closed. */
function unclosedQuoteAt(doc: Document.Parsed, end: number): number | null {
  let at: number | null = null;
  visit(doc, {
    Scalar(_, node) {
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range && node.range[1] >= end) {
        at = node.range[0];
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return at;
}

/** One line for the first YAML error, at the place a user needs to look. */
function syntaxError(source: YamlSource, err: YAMLError): SweepConfigError {
  const file = source.file;
  const msg = err.message.split('\n')[0]?.replace(/ at line \d+, column \d+.*$/, '') ?? 'YAML syntax error';
  let offset = err.pos[0];
  let detail = `YAML: ${msg}`;
  if (err.code === 'BAD_INDENT' && /^Flow (sequence|map)/.test(msg)) {
    // The parser notices where the next key begins; the mistake is the bracket never closed.
    const at = unclosedFlowAt(source.text, err.pos[0]);
    if (at !== null) {
      offset = at;
      const c = source.text[at] === '[' ? ['[', ']', 'list'] : ['{', '}', 'mapping'];
      detail = `YAML: '${c[0]}' is never closed: a flow ${c[2]} must end with '${c[1]}' before the next key`;
    }
  } else if (err.code === 'MISSING_CHAR' && /^Missing closing .?quote/.test(msg)) {
    // Reported at the end of the file; the mistake is where the quote opens.
    const at = unclosedQuoteAt(source.doc, err.pos[0]);
    if (at !== null) {
      offset = at;
      detail = `YAML: the quote ${source.text[at] === '"' ? `'"'` : `"'"`} that opens here is never closed`;
    }
  } else if (err.code === 'BLOCK_AS_IMPLICIT_KEY') {
    detail = "YAML: this value holds ': ' as a key would (quote the value), or runs on into a more indented line below (indent it like its siblings)";
  } else if (err.code === 'BAD_SCALAR_START') {
    detail = `YAML: ${msg}; quote the value`;
  } else if (err.code === 'MULTIPLE_DOCS') {
    detail = source.text.startsWith('---', offset)
      ? "YAML: a sweep file holds one document, but a second one begins here ('---')"
      : 'YAML: a sweep file holds one document, but a second one begins here';
  } else if (err.code === 'TAG_RESOLVE_FAILED') {
    const tag = /Unresolved tag: (.*)$/.exec(msg)?.[1] ?? '';
    const short = shortTag(tag);
    detail = CORE_TAGS.has(short.slice(2))
      ? `YAML: the value is not a valid ${short}`
      : `YAML: tag ${short || tag} is not supported: a sweep file holds plain strings, numbers, lists and mappings`;
  }
  const { line, col } = source.at(offset);
  return new SweepConfigError(file, line, col, detail);
}

/** Offset of the first byte that is not valid UTF-8 (WHATWG rules: no overlongs, surrogates or truncated sequences), or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Lists and mappings nested deeper than MAX_YAML_NESTING: seen while parsing, before anything recurses over them. */
class NestingError extends Error {
  readonly offset: number;
  constructor(offset: number) {
    super('YAML nested too deep');
    this.offset = offset;
  }
}

/**
 * The CST tokens of `text`, as yaml's own Parser.parse() gives them, but
 * refusing to nest deeper than MAX_YAML_NESTING. The lexer and parser keep
 * their own stack; what comes after them (compose, toJS, visit) recurses,
 * and would exhaust the call stack on `[[[[...]]]]` ten thousand deep.
 */
function* cstTokens(text: string, parser: Parser, onNewLine: (offset: number) => void): Generator<CST.Token> {
  onNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    const at = parser.offset;
    yield* parser.next(lexeme);
    // The document itself takes one level.
    if (parser.stack.length > MAX_YAML_NESTING + 1) throw new NestingError(at);
  }
  yield* parser.end();
}

/** parseDocument(), with nesting refused early and duplicate keys left to findKeyProblem (yaml's check is quadratic). */
function parseSweepYaml(text: string, lines: LineCounter): Document.Parsed {
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer({ uniqueKeys: false, strict: true, stringKeys: false, prettyErrors: false, resolveKnownTags: false });
  let doc: Document.Parsed | null = null;
  for (const d of composer.compose(cstTokens(text, parser, lines.addNewLine), true, text.length)) {
    if (!doc) doc = d;
    else {
      doc.errors.push(new YAMLParseError([d.range[0], d.range[1]], 'MULTIPLE_DOCS', 'Source contains multiple documents'));
      break;
    }
  }
  // compose(..., forceDoc = true) always ends with a document.
  return doc as Document.Parsed;
}

/**
 * The first key (in file order) that has no place in a sweep file: a list,
 * mapping or alias as a key, an empty key, a YAML merge key, or a key given
 * twice in one mapping. Linear in the number of keys.
 */
function findKeyProblem(source: YamlSource): SweepConfigError | null {
  let best: { offset: number; detail: string } | null = null;
  const found = (offset: number, detail: string) => {
    if (!best || offset < best.offset) best = { offset, detail };
  };
  visit(source.doc, {
    Map(_, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        const key = pair.key as Node | null;
        const at = key?.range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? map.range?.[0] ?? 0;
        if (key === null || (isScalar(key) && (key.value === null || key.value === ''))) {
          found(at, "YAML: a key is empty; each key must be a name, such as learning_rate");
          continue;
        }
        if (isAlias(key)) {
          found(at, `YAML: a key must be a plain name, not an alias (*${key.source})`);
          continue;
        }
        if (!isScalar(key)) {
          found(at, 'YAML: a key must be a plain name, not a list or a mapping');
          continue;
        }
        const name = String(key.value);
        if (name === '<<' && key.type === 'PLAIN') {
          found(at, 'YAML: merge keys (<<) are not supported; write the keys out');
          continue;
        }
        const first = seen.get(name);
        if (first !== undefined) found(at, `${name}: key given twice (first on line ${source.at(first).line}); each key may appear once`);
        else seen.set(name, at);
      }
      return undefined;
    },
  });
  const b = best as { offset: number; detail: string } | null;
  if (!b) return null;
  const { line, col } = source.at(b.offset);
  return new SweepConfigError(source.file, line, col, b.detail);
}

export function readYamlSource(file: string, limits: ReadLimits = DEFAULT_READ_LIMITS): { source: YamlSource; data: unknown } {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new UserError(`${file}: ${st.isDirectory() ? 'is a folder, not a sweep file' : 'not a regular file'}`);
    size = st.size;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${file}: ${fsProblem(err)}`);
  }
  if (size > limits.maxFileBytes) {
    throw new SweepConfigError(file, 1, 1, `file is ${size} bytes, more than the limit of ${limits.maxFileBytes} (raise it with --max-file-size)`);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new UserError(`${file}: ${fsProblem(err)}`);
  }
  // A file that grew since stat (or one that stat cannot size, as in /proc).
  if (bytes.length > limits.maxFileBytes) {
    throw new SweepConfigError(file, 1, 1, `file is ${bytes.length} bytes, more than the limit of ${limits.maxFileBytes} (raise it with --max-file-size)`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const ok = bad < 0 ? bytes.length : bad;
    const prefix = new TextDecoder('utf-8').decode(bytes.subarray(0, ok));
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    throw fileError(
      file,
      prefix,
      prefix.length,
      `not valid UTF-8 (byte 0x${(bytes[ok] ?? 0).toString(16).padStart(2, '0')} at offset ${ok}); sweep files are UTF-8 text${utf16 ? ' (this one looks like UTF-16: save it as UTF-8)' : ''}`,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);
  const lines = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseSweepYaml(text, lines);
  } catch (err) {
    if (!(err instanceof NestingError)) throw err;
    throw fileError(file, text, err.offset, `YAML: lists and mappings nested more than ${MAX_YAML_NESTING} deep; a sweep file needs only a few levels`);
  }
  const source = new YamlSource(file, text, doc, lines);
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first) throw syntaxError(source, first);
  const version = doc.directives?.yaml.version;
  if (version !== undefined && version !== '1.2') {
    const { line, col } = source.at(Math.max(0, text.search(/^%YAML/m)));
    throw new SweepConfigError(file, line, col, `YAML: %YAML ${version} is not supported: sweep files are YAML 1.2, where yes/no/on/off are strings and 010 is ten (remove the %YAML line)`);
  }
  // Keys are names, each once per mapping: a list, mapping, alias or nothing
  // as a key has no place in a sweep (and would be stringified, with a
  // warning on stderr), nor has a merge key.
  const keyProblem = findKeyProblem(source);
  if (keyProblem) throw keyProblem;
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
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
    throw new SweepConfigError(
      file,
      line,
      col,
      /alias count/i.test(msg) ? `YAML: the aliases (*name) expand to too much data (more than ${MAX_ALIAS_COUNT} copies); a sweep file needs only a few` : `YAML: ${msg}`,
    );
  }
  return { source, data };
}
