/**
 * The expression grammar of SPEC section 2: `x`, numbers, `+ - * / ^`,
 * parentheses, `pi`, `e` and a fixed set of one-argument functions. Parsing is
 * mathjs's; acceptance is ours, in two passes so that every refusal can point
 * at the offending character: a tokenizer that knows the grammar's alphabet,
 * then a whitelist over mathjs's node kinds and operators.
 */
import { parse, type MathNode } from './mathjs.js';

export const FUNCTIONS = ['sin', 'cos', 'tan', 'exp', 'log', 'sqrt', 'abs', 'tanh'] as const;
export const CONSTANTS = ['pi', 'e'] as const;
const BINARY_OPS = new Set(['+', '-', '*', '/', '^']);
const UNARY_OPS = new Set(['-', '+']);

export interface GrammarLimits {
  maxLength: number;
  maxDepth: number;
}

export const DEFAULT_GRAMMAR_LIMITS: GrammarLimits = { maxLength: 2000, maxDepth: 64 };

/** An expression outside the grammar; `offset` is 0-based into the source. */
export class ExpressionError extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.name = 'ExpressionError';
    this.offset = offset;
  }
}

interface Token {
  kind: 'number' | 'ident' | 'op' | 'lparen' | 'rparen';
  text: string;
  offset: number;
}

const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

/** A character as a message shows it: quoted, with its code point where it is not ASCII, and only the code point where it is invisible. */
function showChar(src: string, i: number): string {
  const cp = src.codePointAt(i) as number;
  const ch = String.fromCodePoint(cp);
  if (ch === "'") return `"'"`;
  if (cp >= 0x21 && cp <= 0x7e) return `'${ch}'`;
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch) ? `'${ch}' (${code})` : `invisible character ${code}`;
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    const rest = src.slice(i);
    const num = NUMBER.exec(rest);
    if (num) {
      tokens.push({ kind: 'number', text: num[0], offset: i });
      i += num[0].length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (id) {
      const name = id[0];
      if (name !== 'x' && !(CONSTANTS as readonly string[]).includes(name) && !(FUNCTIONS as readonly string[]).includes(name)) {
        throw new ExpressionError(i, `unknown name '${name}': expressions may use x, pi, e and ${FUNCTIONS.join(' ')}`);
      }
      tokens.push({ kind: 'ident', text: name, offset: i });
      i += name.length;
      continue;
    }
    if ('+-*/^'.includes(ch)) {
      tokens.push({ kind: 'op', text: ch, offset: i });
    } else if (ch === '(') {
      tokens.push({ kind: 'lparen', text: ch, offset: i });
    } else if (ch === ')') {
      tokens.push({ kind: 'rparen', text: ch, offset: i });
    } else if (ch === ',') {
      throw new ExpressionError(i, `unexpected ',': functions take exactly one argument`);
    } else if (ch === '=') {
      throw new ExpressionError(i, `unexpected '=': an expression has no assignments or comparisons`);
    } else if (ch === '.') {
      throw new ExpressionError(i, `unexpected '.': there is no property access (numbers are written like 0.5)`);
    } else {
      throw new ExpressionError(i, `unexpected ${showChar(src, i)}: expressions may use x, numbers, + - * / ^, parentheses, pi, e and ${FUNCTIONS.join(' ')}`);
    }
    i++;
  }
  return tokens;
}

/**
 * Structural checks mathjs would accept but the grammar does not, and the
 * nesting limit, before mathjs (which recurses per level) sees the text.
 * Nesting counts parentheses (a function call's included), and within one
 * pair of parentheses each unary sign and each `^` of a chain, since
 * `--x` and `x^x^x` nest to the right as deeply as parentheses do.
 */
function checkTokens(src: string, tokens: Token[], limits: GrammarLimits): void {
  // chain[k]: signs and '^' since the last + - * / at parenthesis level k.
  const chain: number[] = [0];
  const tooDeep = (offset: number) => new ExpressionError(offset, `expression nested deeper than ${limits.maxDepth} levels (raise it with --max-expr-depth)`);
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k] as Token;
    const next = tokens[k + 1];
    const prev = tokens[k - 1];
    const level = chain.length - 1;
    if (tok.kind === 'lparen') {
      if (next?.kind === 'rparen') {
        if (prev?.kind === 'ident') throw new ExpressionError(prev.offset, `function '${prev.text}' takes exactly one argument, got none`);
        throw new ExpressionError(tok.offset, 'empty parentheses');
      }
      chain.push(0);
      if (chain.length - 1 > limits.maxDepth) throw tooDeep(tok.offset);
    } else if (tok.kind === 'rparen') {
      chain.pop();
      if (chain.length === 0) throw new ExpressionError(tok.offset, "unbalanced ')'");
    } else if (tok.kind === 'op') {
      const unary = (tok.text === '-' || tok.text === '+') && (!prev || prev.kind === 'op' || prev.kind === 'lparen');
      if (unary || tok.text === '^') {
        chain[level] = (chain[level] as number) + 1;
        if (level + (chain[level] as number) > limits.maxDepth) throw tooDeep(tok.offset);
      } else chain[level] = 0;
    } else if (tok.kind === 'ident' && (FUNCTIONS as readonly string[]).includes(tok.text)) {
      if (!next || next.kind !== 'lparen') {
        throw new ExpressionError(tok.offset, `function '${tok.text}' must be called with one argument in parentheses`);
      }
    } else if (tok.kind === 'ident' && next && next.kind === 'lparen') {
      throw new ExpressionError(tok.offset, `'${tok.text}' is not a function: functions are ${FUNCTIONS.join(' ')}`);
    }
  }
  if (chain.length > 1) throw new ExpressionError(src.length, "missing ')'");
}

/** Depth of the parsed tree, without recursion (the tree may be deep: that is what is being measured). */
function nodeDepth(root: MathNode): number {
  let max = 0;
  const stack: [MathNode, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, d] = stack.pop() as [MathNode, number];
    if (d > max) max = d;
    node.forEach((child: MathNode) => {
      stack.push([child, d + 1]);
    });
  }
  return max;
}

/** Whitelist over the parsed tree: node kinds, operators, names, arity. */
function checkNode(node: MathNode, src: string): void {
  switch (node.type) {
    case 'ConstantNode': {
      const value: unknown = (node as MathNode & { value: unknown }).value;
      if (typeof value !== 'number') throw new ExpressionError(0, 'only numbers are allowed as constants');
      return;
    }
    case 'SymbolNode': {
      const name = (node as MathNode & { name: string }).name;
      if (name !== 'x' && !(CONSTANTS as readonly string[]).includes(name)) {
        throw new ExpressionError(Math.max(0, src.indexOf(name)), `unknown name '${name}'`);
      }
      return;
    }
    case 'ParenthesisNode':
      checkNode((node as MathNode & { content: MathNode }).content, src);
      return;
    case 'OperatorNode': {
      const op = node as MathNode & { op: string; args: MathNode[]; implicit?: boolean };
      const allowed = op.args.length === 1 ? UNARY_OPS : op.args.length === 2 ? BINARY_OPS : new Set<string>();
      if (!allowed.has(op.op)) throw new ExpressionError(Math.max(0, src.indexOf(op.op)), `operator '${op.op}' is not allowed`);
      op.args.forEach((a) => checkNode(a, src));
      return;
    }
    case 'FunctionNode': {
      const fn = node as MathNode & { fn: MathNode & { name?: string }; args: MathNode[] };
      const name = fn.fn.type === 'SymbolNode' ? fn.fn.name ?? '' : '';
      if (!(FUNCTIONS as readonly string[]).includes(name)) {
        throw new ExpressionError(0, 'only the functions ' + FUNCTIONS.join(' ') + ' may be called');
      }
      if (fn.args.length !== 1) {
        throw new ExpressionError(Math.max(0, src.indexOf(name)), `function '${name}' takes exactly one argument`);
      }
      checkNode(fn.args[0] as MathNode, src);
      return;
    }
    default:
      throw new ExpressionError(0, `${node.type.replace(/Node$/, '').toLowerCase()} expressions are not allowed`);
  }
}

/** mathjs's parse errors, in the words of this grammar. */
const PARSE_MESSAGES: Record<string, string> = {
  'Value expected': 'expected a number, x, pi, e, a function call or ( here',
  'Unexpected end of expression': 'the expression ends where a value is expected',
};

/** Parse an expression of the grammar, or throw an ExpressionError with its offset. */
export function parseExpression(src: string, limits: GrammarLimits = DEFAULT_GRAMMAR_LIMITS): MathNode {
  if (src.length > limits.maxLength) {
    throw new ExpressionError(limits.maxLength, `expression is ${src.length} characters long, more than ${limits.maxLength} (raise it with --max-expr-length)`);
  }
  const tokens = tokenize(src);
  if (tokens.length === 0) throw new ExpressionError(0, 'expression is empty');
  checkTokens(src, tokens, limits);
  let node: MathNode;
  try {
    node = parse(src);
  } catch (err) {
    if (err instanceof RangeError) {
      // mathjs recurses per level; the token checks above bound that, so this is a last resort.
      throw new ExpressionError(0, "expression nested too deeply to parse, whatever --max-expr-depth allows");
    }
    const e = err as Error & { char?: number };
    const offset = typeof e.char === 'number' ? Math.max(0, e.char - 1) : 0;
    const msg = e.message.replace(/\s*\(char \d+\)$/, '');
    throw new ExpressionError(Math.min(offset, src.length), `cannot parse expression: ${PARSE_MESSAGES[msg] ?? msg}`);
  }
  // A chain such as x+x+...+x parses one level deeper per operator; what
  // comes next (checks, derivative, compilation) recurses over the tree.
  const depth = nodeDepth(node);
  if (depth > limits.maxDepth * 4) {
    throw new ExpressionError(
      0,
      `expression parses ${depth} levels deep (a chain such as x+x+...+x adds one per operator), more than 4 × --max-expr-depth = ${limits.maxDepth * 4} (raise it with --max-expr-depth)`,
    );
  }
  checkNode(node, src);
  return node;
}
