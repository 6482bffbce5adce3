// Writes the generated parts of docs/protocol.md from the code, so they cannot drift: every axis
// with its values, every hyperparameter with its neutral value, and every problem with the float32
// evaluation order of its gradient (traced by running the problem's gradient function with an
// arithmetic that records each operation). Each part sits between
//   <!-- BEGIN GENERATED: name (npx tsx scripts/write-protocol-doc.ts) --> and <!-- END GENERATED: name -->
// `--check` compares instead of writing (exit 1 when stale).
//   npx tsx scripts/write-protocol-doc.ts [--check]

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { float32Arithmetic, type Arithmetic } from '../reference/arithmetic.js';
import { AXES, BASE_AXES, BASE_HYPERPARAMETERS, HYPERPARAMETERS } from '../reference/variant.js';
import type { AutodiffOrder, Problem } from '../suites/problem.js';
import { PROBLEMS } from '../suites/problems.js';

export const PROTOCOL_DOC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'protocol.md');

const show = (v: unknown): string =>
  Array.isArray(v) ? (v.length === 0 ? '`[]`' : `\`[${v.join(',')}]\``) : `\`${JSON.stringify(v)}\``;
const cell = (s: string) => s.replace(/\|/g, '\\|');

function axesTable(): string {
  const rows = AXES.map((a) => {
    const values =
      a.values === 'boolean'
        ? '`true`, `false`'
        : a.values === 'list'
          ? a.name === 'fma'
            ? 'a list of sites, or `"on"` / `"off"`'
            : a.items
              ? `a list of ${a.items.map((v) => `\`${v}\``).join(', ')}`
              : 'a list of hyperparameter names'
          : a.values.map((v) => `\`${v}\``).join(', ');
    return `| \`${a.name}\` | ${cell(values)} | ${show(BASE_AXES[a.name])} | ${cell(a.describe)} |`;
  });
  return ['| axis | values | where no profile sets it | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

function hyperparameterTable(): string {
  const always = new Set(['lr', 'decay', 'eps']);
  const rows = HYPERPARAMETERS.map((h) => {
    const neutral = always.has(h.name) ? '— (every implementation has it)' : show(BASE_HYPERPARAMETERS[h.name]);
    const aliases = h.aliases?.length ? ` (also ${h.aliases.map((a) => `\`${a}\``).join(', ')})` : '';
    return `| \`${h.name}\`${aliases} | ${h.kind} | ${neutral} | ${cell(h.describe)} |`;
  });
  return ['| canonical name | kind | neutral value (the feature is off) | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

/**
 * The gradient of a problem as the float32 operations it performs, in evaluation order: the
 * problem's own gradient function runs on float32Arithmetic with each operation replaced by one
 * that also records an expression for its result (values are distinct enough to key on).
 */
export function traceGradient(problem: Problem, order: AutodiffOrder, dim: number): string[] {
  const A = float32Arithmetic as { -readonly [K in keyof Arithmetic]: Arithmetic[K] };
  const saved = { ...A };
  const savedLog = Math.log;
  const names = new Map<number, string>();
  const operand = (x: number): string => {
    const n = names.get(x) ?? (x !== 0 && names.has(-x) ? `-${operand(-x)}` : String(x));
    return / /.test(n) && !/^[a-z]+\(.*\)$/.test(n) ? `(${n})` : n;
  };
  const record = (r: number, text: string) => {
    if (!names.has(r)) names.set(r, text);
    return r;
  };
  const binary = (op: 'add' | 'sub' | 'mul' | 'div', sign: string) => (a: number, b: number) =>
    record(saved[op](a, b), `${operand(a)} ${sign} ${operand(b)}`);
  try {
    A.round = (x) => record(saved.round(x), names.get(x) ?? String(x));
    A.add = binary('add', '+');
    A.sub = binary('sub', '-');
    A.mul = binary('mul', '*');
    A.div = binary('div', '/');
    A.sqrt = (a) => record(saved.sqrt(a), `sqrt(${operand(a)})`);
    Math.log = (x) => record(savedLog(x), `ln(${operand(x)})`);
    // Inputs distinct from every constant, so each value names one expression.
    const x = Float64Array.from({ length: dim }, (_, i) => Math.fround(1.2345678 + 1.1111111 * i) * (i % 2 === 0 ? 1 : -1));
    x.forEach((v, i) => names.set(v, `x[${i}]`));
    const g = problem.gradient(x, 'float32', 0, order);
    return Array.from(g, (v, i) => `g[${i}] = ${names.get(v) ?? operand(v)}`);
  } finally {
    Object.assign(A, saved);
    Math.log = savedLog;
  }
}

function problemsSection(): string {
  const out: string[] = [
    'Every operation is rounded to float32 (in float64 runs, to float64) in the order shown: innermost parentheses first, left to right. Constants are rounded to the dtype first. `x` is the parameter vector at the step.',
    '',
    '| problem | dim | default x0 | objective |',
    '|---|---|---|---|',
  ];
  for (const p of PROBLEMS)
    out.push(
      `| \`${p.id}\` | ${p.dim ?? `any (default ${p.defaultDim})`} | \`[${p.defaultX0(p.defaultDim).join(', ')}]\` | ${cell(p.describe)} |`,
    );
  for (const p of PROBLEMS) {
    const dim = p.dim ?? 3;
    const torch = traceGradient(p, 'torch', dim);
    const tf = traceGradient(p, 'tf', dim);
    out.push(
      '',
      `**${p.id}**${p.dim === null ? ` (shown with dim ${dim})` : ''}${p.id === 'linreg-minibatch' ? ' (step 1: the rows of the first minibatch)' : ''}:`,
      '',
    );
    if (torch.join() === tf.join()) out.push('```', ...torch, '```');
    else
      out.push(
        'PyTorch-style autograd (profiles torch, chainer, d2l, ...):',
        '',
        '```',
        ...torch,
        '```',
        '',
        'TensorFlow-style autograd (profiles tf*, keras*, tfjs):',
        '',
        '```',
        ...tf,
        '```',
      );
  }
  return out.join('\n');
}

export const GENERATED_SECTIONS: Readonly<Record<string, () => string>> = {
  axes: axesTable,
  hyperparameters: hyperparameterTable,
  problems: problemsSection,
};

/** The doc with every generated section rewritten; throws when a marker is missing. */
export function renderProtocolDoc(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(GENERATED_SECTIONS)) {
    const begin = `<!-- BEGIN GENERATED: ${name} (npx tsx scripts/write-protocol-doc.ts) -->`;
    const end = `<!-- END GENERATED: ${name} -->`;
    const i = out.indexOf(begin);
    const j = out.indexOf(end);
    if (i < 0 || j < i)
      throw new Error(`docs/protocol.md: the markers of the generated section '${name}' are missing:\n${begin}\n${end}`);
    out = `${out.slice(0, i + begin.length)}\n${render()}\n${out.slice(j)}`;
  }
  return out;
}

function main(): void {
  const current = readFileSync(PROTOCOL_DOC, 'utf8');
  const next = renderProtocolDoc(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      process.stderr.write('docs/protocol.md is out of date: run npx tsx scripts/write-protocol-doc.ts\n');
      process.exit(1);
    }
    return;
  }
  writeFileSync(PROTOCOL_DOC, next);
  process.stdout.write('wrote the generated sections of docs/protocol.md\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
