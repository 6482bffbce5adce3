// A step program as text, one op per line with where it rounds and which ops are fused, so a
// person can hold it against a framework's source line by line (`profiles --program`).

import { operandName, type ElementOp, type ScalarOp } from './ops.js';
import type { StepProgram } from './program.js';

const INFIX: Partial<Record<string, string>> = { add: '+', sub: '-', mul: '*', div: '/' };

function elementExpression(op: ElementOp): string {
  const [a, b, c] = op.args.map(operandName);
  if (INFIX[op.kind]) return `${a} ${INFIX[op.kind]} ${b}`;
  if (op.kind === 'neg') return `-${a}`;
  if (op.kind === 'clip') return `clip(${a}, ±${b})`;
  if (op.kind === 'fma') return `fma(${a}, ${b}, ${c})`;
  return `${op.kind}(${a})`;
}

function elementMarks(op: ElementOp, program: StepProgram): string {
  const dtype =
    op.rounding === 'compute' ? program.rule.compute.dtype : op.rounding === 'storage' ? program.rule.storageDtype : '';
  const rounding = op.rounding === 'exact' ? 'exact' : `rounded ${op.rounding} (${dtype})`;
  const fused =
    op.kind === 'fma' ? `FMA ${op.site}, one rounding` : op.site && op.rounding !== 'exact' ? `unfused ${op.site}` : '';
  return [rounding, fused].filter((x) => x !== '').join('; ');
}

function scalarExpression(op: ScalarOp, program: StepProgram): string {
  const [a, b] = op.args.map(String);
  switch (op.kind) {
    case 'hyperparameter': {
      const onHost = op.args[1] === 'as-held' && program.variant.float32Hyperparameters.includes(a);
      return `${a}${onHost ? ' rounded to float32 on the host' : ''}`;
    }
    case 'constant':
      return a;
    case 'step':
      return 'steps taken';
    case 'cast':
      return `${program.rule.compute.dtype}(${a})`;
    case 'float32':
      return `float32(${a}) on the host`;
    case 'sum-of-squares':
    case 'fma-sum-of-squares': {
      const y = `clip(${b}*${a}[i], ±${String(op.args[2])})`;
      return op.kind === 'fma-sum-of-squares' ? `s = fma(y, y, s), y = ${y}, index order` : `sum of y*y, y = ${y}, index order`;
    }
    case 'min':
    case 'max':
      return `${op.kind}(${a}, ${b})`;
    case 'select-below':
      return `${a} < ${b} ? ${String(op.args[2])} : ${String(op.args[3])}`;
    case 'factor-above':
      return `${b} > ${a} ? ${a} / ${b} : 1`;
    case 'schedule': {
      const spec = (program.variant as unknown as Record<string, { name?: string; family?: string } | null>)[a];
      return `${spec?.name ?? a} at steps taken (${spec?.family ?? ''} arithmetic)${program.variant.float32Hyperparameters.includes(b) ? ', rounded to float32' : ''}`;
    }
    case 'nonzero':
      return `${a} != 0 ? 1 : 0`;
    case 'is-multiple':
      return `${b} given and ${a} % ${b} == 0 ? 1 : 0`;
    case 'stream':
      return `${a}[steps taken]${program.variant.float32Hyperparameters.includes(b) ? ' rounded to float32' : ''}`;
    case 'pow':
      return `${a} ** ${b}`;
    case 'sqrt':
      return `sqrt(${a})`;
    default:
      return `${a} ${INFIX[op.kind]} ${b}`;
  }
}

export function formatProgram(program: StepProgram, title: string): string {
  const lines = [
    `${title}: ${program.definition.name} step program, rounding rule ${program.rule.name} (compute ${program.rule.compute.dtype}, storage ${program.rule.storageDtype})`,
  ];
  const heading = (scalar: boolean, at: number) => {
    for (const s of program.stages) if (s.scalar === scalar && s.at === at) lines.push(`  # ${s.name}`);
  };
  const pad = (text: string, width: number) => (text.length >= width ? `${text} ` : text.padEnd(width));
  lines.push('scalars (host, once per step):');
  program.scalarOps.forEach((op, i) => {
    heading(true, i);
    const where =
      op.kind === 'cast'
        ? `cast to ${program.rule.compute.dtype}`
        : op.at === 'host'
          ? 'host float64'
          : `computed in ${program.rule.compute.dtype}`;
    lines.push(`    ${pad(op.out, 20)}= ${pad(scalarExpression(op, program), 44)}[${where}]`);
  });
  lines.push('element (per parameter, fused kernel order):');
  program.ops.forEach((op, i) => {
    heading(false, i);
    lines.push(`    ${pad(operandName(op.out), 14)}= ${pad(elementExpression(op), 32)}[${elementMarks(op, program)}]`);
  });
  return lines.join('\n');
}
