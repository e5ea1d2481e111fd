/**
 * What is wrong with a YAML file, said in one line at the place a user needs
 * to look: syntax errors (an unclosed bracket or quote where it opens, not
 * where the parser gave up), and keys that have no place in a sweep file.
 */
import { isAlias, isScalar, visit, type Document, type Node, type YAMLError } from 'yaml';
import { SweepConfigError } from '../errors.js';
import type { YamlSource } from './yaml-position.js';

/** An error at a character offset of text that has no YamlSource (it did not decode or parse). */
export function fileError(file: string, text: string, offset: number, detail: string): SweepConfigError {
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
export function syntaxError(source: YamlSource, err: YAMLError): SweepConfigError {
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

/**
 * The first key (in file order) that has no place in a sweep file: a list,
 * mapping or alias as a key, an empty key, a YAML merge key, or a key given
 * twice in one mapping. Linear in the number of keys.
 */
export function findKeyProblem(source: YamlSource): SweepConfigError | null {
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
