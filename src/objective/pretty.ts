/**
 * Formulas as a person writes them, for what people read (the terminal, the
 * report, summary.md): `6x - 3`, `3x^2 - 3x + 4`, `sin(x) exp(-0.05x^2)`.
 * The grammar's own text (`6 * x - 3`) stays the canonical form in
 * results.json; this is a view of it, never parsed back.
 */
import { parse, type MathNode } from './mathjs.js';

interface Op {
  type: 'OperatorNode';
  op: string;
  fn: string;
  args: MathNode[];
}

/** Binding strength: higher binds tighter. */
const enum Prec {
  Sum = 1,
  Product = 2,
  Unary = 3,
  Power = 4,
  Atom = 5,
}

function precedence(n: MathNode): Prec {
  if (n.type === 'ParenthesisNode') return precedence((n as unknown as { content: MathNode }).content);
  if (n.type === 'OperatorNode') {
    const o = n as unknown as Op;
    if (o.args.length === 1) return Prec.Unary;
    if (o.op === '+' || o.op === '-') return Prec.Sum;
    if (o.op === '*' || o.op === '/') return Prec.Product;
    return Prec.Power;
  }
  if (n.type === 'ConstantNode') return Number((n as unknown as { value: unknown }).value) < 0 ? Prec.Unary : Prec.Atom;
  return Prec.Atom;
}

/** A number, or a negated one (mathjs parses `-0.05` as unary minus of 0.05). */
function isNumber(n: MathNode): boolean {
  if (n.type === 'ConstantNode') return true;
  if (n.type !== 'OperatorNode') return false;
  const o = n as unknown as Op;
  return o.args.length === 1 && (o.args[0] as MathNode).type === 'ConstantNode';
}

function isMinusOne(n: MathNode): boolean {
  const m = negated(n);
  return m !== null && m.type === 'ConstantNode' && Number((m as unknown as { value: unknown }).value) === 1;
}

/** Built only for printing: a node that shows as `a op b`. */
function operator(op: '*' | '/', a: MathNode, b: MathNode): MathNode {
  return { type: 'OperatorNode', op, fn: op === '*' ? 'multiply' : 'divide', args: [a, b] } as unknown as MathNode;
}

/** `n` as `-m` where that reads better (-3, -x, a * -1, (a * -1) / 20), else null. */
function negated(n: MathNode): MathNode | null {
  if (n.type === 'ConstantNode') {
    const v = (n as unknown as { value: unknown }).value;
    return typeof v === 'number' && v < 0 ? parse(String(-v)) : null;
  }
  if (n.type === 'OperatorNode') {
    const o = n as unknown as Op;
    if (o.args.length === 1 && o.op === '-') return o.args[0] as MathNode;
    const [a, b] = o.args as [MathNode, MathNode];
    if (o.op === '*' && isMinusOne(b)) return a;
    if (o.op === '*' && isMinusOne(a)) return b;
    if (o.op === '*' || o.op === '/') {
      const m = negated(a);
      if (m !== null) return operator(o.op, m, b);
    }
  }
  return null;
}

function wrap(n: MathNode, min: Prec): string {
  const s = show(n);
  return precedence(n) < min ? `(${s})` : s;
}

/** Only numbers and the constants pi and e: `2pi` may be followed by `x` with a space. */
function isConstantProduct(n: MathNode): boolean {
  if (n.type === 'ConstantNode') return true;
  if (n.type === 'SymbolNode') return ['pi', 'e'].includes((n as unknown as { name: string }).name);
  if (n.type !== 'OperatorNode') return false;
  const o = n as unknown as Op;
  return o.op === '*' && o.args.every(isConstantProduct);
}

function showProduct(a: MathNode, b: MathNode): string {
  const left = wrap(a, Prec.Product);
  const right = wrap(b, Prec.Product + 1);
  // A number before a letter is juxtaposed (6x, 0.05x^2); other factors are
  // separated by a space (sin(x) exp(x)); a number on the right keeps its `*`
  // (x * 2 would otherwise read as "x 2").
  if (isNumber(b) || /^[-+0-9.]/.test(right)) return `${left} * ${right}`;
  if (isNumber(a) && /^[A-Za-z(]/.test(right)) return `${left}${right}`;
  if (b.type === 'SymbolNode' && !isConstantProduct(a)) return `${left} * ${right}`;
  return `${left} ${right}`;
}

function show(n: MathNode): string {
  switch (n.type) {
    case 'ConstantNode': {
      const v = (n as unknown as { value: unknown }).value;
      return String(v);
    }
    case 'SymbolNode':
      return (n as unknown as { name: string }).name;
    case 'ParenthesisNode':
      return show((n as unknown as { content: MathNode }).content);
    case 'FunctionNode': {
      const f = n as unknown as { fn: { name: string }; args: MathNode[] };
      return `${f.fn.name}(${f.args.map(show).join(', ')})`;
    }
    case 'OperatorNode': {
      const o = n as unknown as Op;
      const [a, b] = o.args as [MathNode, MathNode | undefined];
      // -(a b) and (-a) b are the same number: no parentheses needed around a product.
      if (b === undefined) return `${o.op}${wrap(a, Prec.Product)}`;
      const minus = negated(n);
      if (minus !== null && (o.op === '*' || o.op === '/')) return `-${wrap(minus, Prec.Product)}`;
      switch (o.op) {
        case '+': {
          const minus = negated(b);
          return minus ? `${wrap(a, Prec.Sum)} - ${wrap(minus, Prec.Sum + 1)}` : `${wrap(a, Prec.Sum)} + ${wrap(b, Prec.Sum + 1)}`;
        }
        case '-':
          return `${wrap(a, Prec.Sum)} - ${wrap(b, Prec.Sum + 1)}`;
        case '*':
          return showProduct(a, b);
        case '/':
          return `${wrap(a, Prec.Product)} / ${wrap(b, Prec.Product + 1)}`;
        case '^':
          // Right-associative: a^(b^c) needs no parentheses, (a^b)^c does.
          return `${wrap(a, Prec.Atom)}^${wrap(b, Prec.Power)}`;
        default:
          return `${wrap(a, Prec.Atom)} ${o.op} ${wrap(b, Prec.Atom)}`;
      }
    }
    default:
      return n.toString();
  }
}

function constantValue(n: MathNode): number | null {
  if (n.type === 'ConstantNode') {
    const v = (n as unknown as { value: unknown }).value;
    return typeof v === 'number' ? v : null;
  }
  if (n.type === 'ParenthesisNode') return constantValue((n as unknown as { content: MathNode }).content);
  const m = negated(n);
  const v = m !== null && m.type === 'ConstantNode' ? constantValue(m) : null;
  return v === null ? null : -v;
}

function constant(v: number): MathNode {
  return parse(Object.is(v, -0) ? '0' : String(v));
}

const FOLD: Record<string, (a: number, b: number) => number> = { '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b, '/': (a, b) => a / b, '^': (a, b) => a ** b };

/**
 * Arithmetic on numbers alone, done for the reader: an unsimplified
 * derivative (kept where simplification would be wrong, as across abs)
 * otherwise reads `2 * 1 x^(2 - 1)`. Only what is exact: 1 * a, a * 1,
 * a^1, and constant operations whose result prints short.
 */
function fold(n: MathNode): MathNode {
  if (n.type === 'ParenthesisNode') return fold((n as unknown as { content: MathNode }).content);
  if (n.type === 'FunctionNode') {
    const f = n as unknown as { fn: unknown; args: MathNode[] };
    return { type: 'FunctionNode', fn: f.fn, args: f.args.map(fold) } as unknown as MathNode;
  }
  if (n.type !== 'OperatorNode') return n;
  const o = n as unknown as Op;
  const args = o.args.map(fold);
  const [a, b] = args as [MathNode, MathNode | undefined];
  if (b === undefined) return { type: 'OperatorNode', op: o.op, fn: o.fn, args } as unknown as MathNode;
  const va = constantValue(a);
  const vb = constantValue(b);
  const op = FOLD[o.op];
  if (va !== null && vb !== null && op) {
    const v = op(va, vb);
    if (Number.isFinite(v) && String(v).length <= 8) return v < 0 ? ({ type: 'OperatorNode', op: '-', fn: 'unaryMinus', args: [constant(-v)] } as unknown as MathNode) : constant(v);
  }
  if (o.op === '*' && va === 1) return b;
  if ((o.op === '*' || o.op === '/') && vb === 1) return a;
  if (o.op === '^' && vb === 1) return a;
  return { type: 'OperatorNode', op: o.op, fn: o.fn, args } as unknown as MathNode;
}

/** `6 * x - 3` -> `6x - 3`. Text that does not parse is returned as it is. */
export function prettyExpression(src: string): string {
  let node: MathNode;
  try {
    node = parse(src);
  } catch {
    return src;
  }
  return show(fold(node));
}
