import { sweepJsonSchema } from '../config/schema.js';
import { BUILTINS } from '../objective/builtins.js';
import { deriveExpression } from '../objective/objective.js';
import { parseExpression } from '../objective/grammar.js';
import { prettyExpression } from '../objective/pretty.js';
import { sig6 } from '../format/numbers.js';
import { samplePoints } from '../objective/check.js';
import type { Io } from './common.js';

export function schemaCommand(io: Io): number {
  io.out(JSON.stringify(sweepJsonSchema(), null, 2) + '\n');
  return 0;
}

export function objectivesCommand(io: Io, json: boolean): number {
  const rows = BUILTINS.map((b) => ({
    name: b.name,
    expr: b.expr,
    derivative: deriveExpression(parseExpression(b.expr), samplePoints(b.domain)),
    domain: b.domain,
    minima: b.minima,
    description: b.description,
  }));
  if (json) {
    io.out(JSON.stringify(rows, null, 2) + '\n');
    return 0;
  }
  for (const r of rows) {
    io.out(`${r.name}\n  f(x)  = ${prettyExpression(r.expr)}\n  f'(x) = ${prettyExpression(r.derivative)}\n  domain [${r.domain.map(sig6).join(', ')}], local minima at ${r.minima.map(sig6).join(', ')}\n  ${r.description}\n\n`);
  }
  return 0;
}
