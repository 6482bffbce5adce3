// Adding an axis touches the step program and its interpreters, not the adapters: a toy axis
// (tests/fixtures/toy-axis) is defined in data only, and the interpreter, the JavaScript loop, the
// ONNX graph and the WASM kernel generated from it agree bit for bit and mean what the axis says
// (a doubled gradient). The WGSL generator expresses it too (shown as text: running it needs the
// GPU test's device).
import { PLAIN_OP_AXES } from '../../reference/op-implementations/index.js';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { programWgsl } from '../../adapters/gpu/rmsprop-wgsl.js';
import { compileProgramStep } from '../../adapters/native/kernel-codegen.js';
import { buildProgramGraph, graphUnsupportedReason } from '../../adapters/onnx/rmsprop-graph.js';
import { compileKernel, kernelSourcePath } from '../../adapters/wasm/compile.js';
import { stepArguments, stepFlags } from '../../adapters/wasm/flags.js';
import { generateKernelSource } from '../../adapters/wasm/kernel-source.js';
import { layoutArrays } from '../../adapters/wasm/kernels.js';
import { WA, type WasmMemory } from '../../adapters/wasm/webassembly.js';
import type { Dtype } from '../../reference/arithmetic.js';
import { prepareScalars } from '../../reference/program/index.js';
import { ElementInterpreter } from '../../reference/program/interpret.js';
import { compileProgram, type StepProgram } from '../../reference/program/program.js';
import { ruleFor } from '../../reference/program/rounding.js';
import { resolveVariant, type Settings } from '../../reference/resolve.js';
import { step, type OptimizerState } from '../../reference/step.js';
import type { Variant } from '../../reference/variant.js';
import { TOY_RMSPROP, type ToyVariant } from '../fixtures/toy-axis/toy-rmsprop.js';

const N = 37;
const CASES: [string, Settings][] = [
  ['torch', {}],
  ['torch', { centered: true, momentum: 0.9, weightDecay: 0.01 }],
  ['keras', { momentum: 0.5, centered: true }],
  ['tf-raw', { momentum: 0.3 }],
  ['mxnet', { clip: 0.5, rescale: 0.5, weightDecay: 0.1 }],
];

function vector(seed: number, dtype: Dtype, scale = 1, positive = false): Float64Array {
  let s = seed;
  const rule = ruleFor(dtype);
  return Float64Array.from({ length: N }, () => {
    s = (s * 1103515245 + 12345) >>> 0;
    const x = (s / 2 ** 32) * 2 - 1;
    return rule.storage((positive ? Math.abs(x) : x) * scale);
  });
}

interface Inputs {
  params: Float64Array;
  grad: Float64Array;
  state: OptimizerState;
}

function inputs(dtype: Dtype): Inputs {
  return {
    params: vector(1, dtype),
    grad: vector(2, dtype, 3),
    state: { step: 3, v: vector(3, dtype, 0.5, true), m: vector(4, dtype, 0.1), b: vector(5, dtype, 0.1) },
  };
}

function toyVariant(
  profile: string,
  dtype: Dtype,
  settings: Settings,
  toyGradient: ToyVariant['toyGradient'],
  fma?: [],
): ToyVariant {
  const variant = resolveVariant(profile, dtype, {}, settings).variant;
  // The generated WASM/ONNX kernels compute the plain sqrt and rsqrt (torch's MKL sqrt runs in the reference only).
  return { ...variant, ...PLAIN_OP_AXES, ...(fma ? { fma } : {}), toyGradient };
}

/** The program's interpreter over the whole vector: the expected result of every kernel. */
function interpret(
  program: StepProgram<Variant>,
  x: Inputs,
): { p: Float64Array; v: Float64Array; m: Float64Array; b: Float64Array } {
  const interpreter = new ElementInterpreter(program.ops, program.rule);
  interpreter.setScalars({ ...prepareScalars(program, x.state.step, x.grad) });
  const out = { p: new Float64Array(N), v: new Float64Array(N), m: new Float64Array(N), b: new Float64Array(N) };
  for (let i = 0; i < N; i++) {
    const e = interpreter.run({ p: x.params[i], g: x.grad[i], v: x.state.v[i], m: x.state.m[i], b: x.state.b[i] });
    out.p[i] = e.p;
    out.v[i] = e.v;
    out.m[i] = e.m;
    out.b[i] = e.b;
  }
  return out;
}

const bits = (x: ArrayLike<number>) => Array.from(x, (v) => (Object.is(v, -0) ? '-0' : String(v)));

describe.each(['float32', 'float64'] as const)('a toy axis defined in the program only (%s)', (dtype) => {
  const x = inputs(dtype);

  it.each(CASES)('%s %j: off, the program is RMSprop; on, it is RMSprop of the doubled gradient', (profile, settings) => {
    const off = interpret(compileProgram(TOY_RMSPROP, toyVariant(profile, dtype, settings, 'plain'), ruleFor(dtype)), x);
    const on = interpret(compileProgram(TOY_RMSPROP, toyVariant(profile, dtype, settings, 'doubled'), ruleFor(dtype)), x);
    const variant = { ...resolveVariant(profile, dtype, {}, settings).variant, ...PLAIN_OP_AXES };
    const plain = step(variant, dtype, x.state, x.params, x.grad);
    const doubled = step(
      variant,
      dtype,
      x.state,
      x.params,
      x.grad.map((g) => g + g),
    );
    expect(bits(off.p)).toEqual(bits(plain.params));
    expect(bits(on.p)).toEqual(bits(doubled.params));
    expect(bits(on.v)).toEqual(bits(doubled.state.v));
    expect(bits(on.p)).not.toEqual(bits(off.p));
  });

  it.each(CASES)('%s %j: the generated JavaScript loop equals the interpreter', (profile, settings) => {
    const program = compileProgram(TOY_RMSPROP, toyVariant(profile, dtype, settings, 'doubled'), ruleFor(dtype));
    const typed = (a: Float64Array) => (dtype === 'float32' ? Float32Array.from(a) : Float64Array.from(a));
    const [p, g, v, m, b] = [x.params, x.grad, x.state.v, x.state.m, x.state.b].map(typed) as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    compileProgramStep(program)(p, g, v, m, b, prepareScalars(program, x.state.step, x.grad));
    const expected = interpret(program, x);
    expect([bits(p), bits(v), bits(m), bits(b)]).toEqual([
      bits(expected.p),
      bits(expected.v),
      bits(expected.m),
      bits(expected.b),
    ]);
  });

  it.each(CASES)('%s %j: the generated ONNX graph, run by onnxruntime, equals the interpreter', async (profile, settings) => {
    const variant = toyVariant(profile, dtype, settings, 'doubled', []);
    expect(graphUnsupportedReason(variant)).toBeNull();
    const program = compileProgram(TOY_RMSPROP, variant, ruleFor(dtype));
    const graph = buildProgramGraph(program);
    expect(graph.ops.slice(0, 1)).toEqual(['Add']);
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(graph.bytes, {
      executionProviders: ['cpu'],
      logSeverityLevel: 3,
      graphOptimizationLevel: 'all',
    });
    const tensor = (a: Float64Array) =>
      new ort.Tensor(dtype, dtype === 'float32' ? Float32Array.from(a) : Float64Array.from(a), [N]);
    const S = prepareScalars(program, x.state.step, x.grad);
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      params: tensor(x.params),
      grad: tensor(x.grad),
      v: tensor(x.state.v),
      m: tensor(x.state.m),
      b: tensor(x.state.b),
    };
    for (const name of graph.scalars)
      feeds[name] = new ort.Tensor(
        dtype,
        dtype === 'float32' ? Float32Array.of(Number(S[name])) : Float64Array.of(Number(S[name])),
        [],
      );
    const out = await session.run(feeds);
    const expected = interpret(program, x);
    expect([bits(out.params_out.data as Float64Array), bits(out.v_out.data as Float64Array)]).toEqual([
      bits(expected.p),
      bits(expected.v),
    ]);
  });
});

it('the WGSL shader generated from the float32 program carries the new op only when the axis is on', () => {
  const program = compileProgram(TOY_RMSPROP, toyVariant('torch', 'float32', {}, 'doubled'), ruleFor('float32'));
  expect(programWgsl(program)).toContain('g = (g + g);');
  const plain = compileProgram(TOY_RMSPROP, toyVariant('torch', 'float32', {}, 'plain'), ruleFor('float32'));
  expect(programWgsl(plain)).not.toContain('g = (g + g);');
});

describe('the WASM kernel generated from the toy definition', () => {
  let exports: Record<string, (...args: number[]) => number> & { memory: WasmMemory };
  beforeAll(async () => {
    const source = generateKernelSource(readFileSync(kernelSourcePath(), 'utf8'), TOY_RMSPROP);
    const instance = await WA.instantiate(await WA.compile(await compileKernel('plain', source)), {
      env: {
        abort: () => {
          throw new Error('abort');
        },
      },
    });
    exports = instance.exports as typeof exports;
  }, 180_000);

  it.each(
    CASES.flatMap(([p, s]) =>
      (['float32', 'float64'] as const).flatMap((d) => (['plain', 'doubled'] as const).map((t) => [p, s, d, t] as const)),
    ),
  )(
    '%s %j %s toyGradient=%s: the general kernel, with the axis on a flag bit of its own, equals the interpreter',
    (profile, settings, dtype, toy) => {
      const x = inputs(dtype);
      const variant = toyVariant(profile, dtype, settings, toy, []);
      const program = compileProgram(TOY_RMSPROP, variant, ruleFor(dtype));
      const S = prepareScalars(program, x.state.step, x.grad);
      const { offsets, end } = layoutArrays(exports.heap_base(), N, dtype, 5);
      if (end > exports.memory.buffer.byteLength)
        exports.memory.grow(Math.ceil((end - exports.memory.buffer.byteLength) / 65536));
      const view = (k: number) =>
        dtype === 'float32'
          ? new Float32Array(exports.memory.buffer, offsets[k], N)
          : new Float64Array(exports.memory.buffer, offsets[k], N);
      [x.params, x.grad, x.state.v, x.state.m, x.state.b].forEach((a, k) => view(k).set(a));
      exports[dtype === 'float32' ? 'step_f32' : 'step_f64'](
        ...(offsets as [number, number, number, number, number]),
        0,
        N,
        stepFlags(variant, S, TOY_RMSPROP),
        ...stepArguments(S),
      );
      const expected = interpret(program, x);
      expect([bits(view(0)), bits(view(2))]).toEqual([bits(expected.p), bits(expected.v)]);
    },
  );
});
