/**
 * A sweep file as parsed, with its positions: every later step names
 * file:line:col through it, for a path of keys and indices into the data
 * (and, inside an expression, the offending character).
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Scalar } from 'yaml';
import { SweepConfigError } from '../errors.js';

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
