/**
 * Read a YAML file keeping positions, so that every later error can name
 * file:line:col. Size, encoding, syntax, nesting, tags, keys and alias
 * limits are enforced here, before anything else looks at the data: a
 * sweep file is plain YAML 1.2 data (strings, numbers, lists, mappings),
 * and nothing in it can make the reader run code or exhaust memory or stack.
 */
import { readFileSync, statSync } from 'node:fs';
import { Composer, Lexer, LineCounter, Parser, visit, YAMLParseError, type CST, type Document } from 'yaml';
import { fsProblem, SweepConfigError, UserError } from '../errors.js';
import { fileError, findKeyProblem, syntaxError } from './yaml-problems.js';
import { YamlSource } from './yaml-position.js';

export { YamlSource, type PathSegment } from './yaml-position.js';

export interface ReadLimits {
  maxFileBytes: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { maxFileBytes: 1024 * 1024 };

/** How deep a sweep file may nest lists and mappings (a real one needs about 6). */
export const MAX_YAML_NESTING = 32;

/** Aliases may be expanded this many times in all (a real sweep file needs a few, if any). */
const MAX_ALIAS_COUNT = 100;

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

/** The file's bytes, refused when they are not a regular file or more than the limit. */
function readSweepBytes(file: string, limits: ReadLimits): Buffer {
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
  return bytes;
}

/** The bytes as UTF-8 text (a byte order mark read as a space, so columns stay), or an error at the first bad byte. */
function decodeSweepText(file: string, bytes: Buffer): string {
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
  return text;
}

/** The text as one YAML 1.2 document, refused at its first syntax error, too deep a nesting, or a %YAML other than 1.2. */
function parseSweepSource(file: string, text: string): YamlSource {
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
  return source;
}

/** The document as plain data, refused where its aliases expand to too much. */
function sweepData(source: YamlSource): unknown {
  try {
    return source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    let aliasAt = 0;
    visit(source.doc, {
      Alias(_, node) {
        aliasAt = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const { line, col } = source.at(aliasAt);
    const msg = (err as Error).message;
    throw new SweepConfigError(
      source.file,
      line,
      col,
      /alias count/i.test(msg) ? `YAML: the aliases (*name) expand to too much data (more than ${MAX_ALIAS_COUNT} copies); a sweep file needs only a few` : `YAML: ${msg}`,
    );
  }
}

export function readYamlSource(file: string, limits: ReadLimits = DEFAULT_READ_LIMITS): { source: YamlSource; data: unknown } {
  const source = parseSweepSource(file, decodeSweepText(file, readSweepBytes(file, limits)));
  // Keys are names, each once per mapping: a list, mapping, alias or nothing
  // as a key has no place in a sweep (and would be stringified, with a
  // warning on stderr), nor has a merge key.
  const keyProblem = findKeyProblem(source);
  if (keyProblem) throw keyProblem;
  return { source, data: sweepData(source) };
}
