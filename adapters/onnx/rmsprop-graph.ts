// One RMSprop step as an ONNX model: elementwise ops only, emitted in the reference's operation
// order (reference/step.ts stepElement) for the axes of one Variant. ONNX has no fused multiply-add,
// so every a*b + c is Mul then Add (the adapter declares fma: []). The per-step scalars are graph
// inputs computed on the host by the reference's stepScalars; which ops exist at all depends only on
// the variant (useMomentum, rescale != 1, clip, lerp's |w| < 0.5 branch, bias correction...).
//
// The model is written with onnx-proto's protobuf message classes (protobufjs), never by hand.

import { HARNESS_VERSION } from '../../reference/version.js';
import onnxProto from 'onnx-proto';

import { arithmeticFor, type Dtype } from '../../reference/arithmetic.js';
import { stepScalars, type StepScalars } from '../../reference/step.js';
import { AXES, type Variant } from '../../reference/variant.js';

export const onnx = onnxProto.onnx;
export type OnnxModel = onnxProto.onnx.ModelProto;

export const RMSPROP_OPSET = 17;
/** IR version 8 is the newest onnx-proto 8.0.1 (onnx 1.10.2) knows; it carries opset 17 fine. */
export const RMSPROP_IR_VERSION = 8;

/** Graph input / output names. */
export const STATE_INPUTS = ['params', 'grad', 'v', 'm', 'b'] as const;
export const STATE_OUTPUTS = ['params_out', 'v_out', 'm_out', 'b_out'] as const;

/** Scalars a graph may take as inputs (0-d tensors of the dtype), named as in StepScalars. */
export type GraphScalar = 'lr' | 'decay' | 'oneMinusDecay' | 'eps' | 'momentum' | 'weightDecay' | 'rescale' | 'clip' | 'biasCorrection';

/** How the float32 rsqrt is computed: the reference's rsqrt is 1/sqrt(x) rounded once from float64. */
// Reciprocal rather than Div(1, .): onnxruntime's DivMulFusion (a basic-level graph rewrite) turns
// Mul(y, Div(1, x)) into Div(y, x), which rounds once instead of twice and so changes the result.
export const RSQRT_FORM = {
  float64: 'Reciprocal(Sqrt(x))',
  float32: 'Cast(Reciprocal(Sqrt(Cast(x, double))), float): sqrt and 1/x in float64, then rounded to float32, as the reference rsqrt',
} as const;

export class GraphUnsupportedError extends Error {
  override name = 'GraphUnsupportedError';
}

export interface RmspropGraph {
  model: OnnxModel;
  /** The encoded ModelProto. */
  bytes: Uint8Array;
  dtype: Dtype;
  opset: number;
  /** Scalar inputs the graph reads, in input order (after the state inputs). */
  scalars: readonly GraphScalar[];
  /** Op types emitted, in order, for reports and tests. */
  ops: readonly string[];
}

/** Which of lerp's two branches ATen takes for weight w (known on the host: w = 1 - decay is a constant). */
export function lerpSmallWeight(w: number): boolean {
  return Math.abs(w) < 0.5;
}

/** Why ONNX cannot express this variant, or null. */
export function graphUnsupportedReason(variant: Variant): string | null {
  if (variant.fma.length > 0) return `ONNX has no fused multiply-add (the variant contracts ${variant.fma.join(', ')})`;
  if (variant.clipNorm !== null) return 'global-norm clipping needs a reduction whose summation order ONNX does not fix (clipNorm is not expressed)';
  return null;
}

/** Builds the ModelProto of one step for a variant in a dtype. Throws GraphUnsupportedError where ONNX cannot express it. */
export function buildRmspropGraph(variant: Variant, dtype: Dtype, opset: number = RMSPROP_OPSET): RmspropGraph {
  const reason = graphUnsupportedReason(variant);
  if (reason) throw new GraphUnsupportedError(reason);
  const A = arithmeticFor(dtype);
  // The structure depends on step-independent scalars only: rescale, clip, 1-decay, useMomentum.
  const S0: StepScalars = stepScalars(variant, A, 0, new Float64Array(0));
  const elemType = dtype === 'float32' ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.DOUBLE;

  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.ITensorProto[] = [];
  const ops: string[] = [];
  const usedScalars = new Set<GraphScalar>();
  let counter = 0;

  const op = (opType: string, inputs: string[], attribute: onnxProto.onnx.IAttributeProto[] = []): string => {
    const out = `t${counter}_${opType}`;
    nodes.push({ name: `n${counter}_${opType}`, opType, input: inputs, output: [out], attribute });
    counter++;
    ops.push(opType);
    return out;
  };
  const scalar = (name: GraphScalar): string => {
    usedScalars.add(name);
    return name;
  };
  const constants = new Map<string, string>();
  const constant = (value: number, type: Dtype = dtype): string => {
    const key = `${type}:${value}`;
    const known = constants.get(key);
    if (known) return known;
    const name = `const_${type}_${constants.size}`;
    initializers.push(
      type === 'float32'
        ? { name, dataType: onnx.TensorProto.DataType.FLOAT, dims: [], floatData: [value] }
        : { name, dataType: onnx.TensorProto.DataType.DOUBLE, dims: [], doubleData: [value] },
    );
    constants.set(key, name);
    return name;
  };
  const mul = (a: string, b: string) => op('Mul', [a, b]);
  const add = (a: string, b: string) => op('Add', [a, b]);
  const sub = (a: string, b: string) => op('Sub', [a, b]);
  const div = (a: string, b: string) => op('Div', [a, b]);
  const sqrt = (a: string) => op('Sqrt', [a]);
  // madd without FMA: Add(Mul(x, y), c), as the reference computes A.add(A.mul(x, y), c).
  const madd = (x: string, y: string, c: string) => add(mul(x, y), c);
  /** Evaluates a node-producing function once, on first use. */
  const once = (f: () => string): (() => string) => {
    let name: string | undefined;
    return () => (name ??= f());
  };

  let p = 'params';
  let g = 'grad';
  let v = 'v';
  let m = 'm';
  let b = 'b';

  // Decoupled weight decay acts on the parameter before the step.
  if (variant.weightDecayKind === 'decoupled' && variant.weightDecay !== 0) {
    const shrink = variant.decoupledScaledByLr ? mul(mul(p, scalar('weightDecay')), scalar('lr')) : mul(p, scalar('weightDecay'));
    p = sub(p, shrink);
  }

  // Gradient preprocessing.
  if (variant.maximize) g = op('Neg', [g]);
  if (S0.rescale !== 1) g = mul(scalar('rescale'), g);
  const coupled = variant.weightDecayKind === 'coupled' && variant.weightDecay !== 0;
  if (coupled && variant.weightDecayBeforeClip) g = madd(scalar('weightDecay'), p, g);
  if (S0.clip !== null) {
    // g > c ? c : g < -c ? -c : g (NaN passes through; Clip/Min/Max leave NaN handling to the kernel).
    const c = scalar('clip');
    const negC = op('Neg', [c]);
    const low = op('Where', [op('Less', [g, negC]), negC, g]);
    g = op('Where', [op('Greater', [g, c]), c, low]);
  }
  if (coupled && !variant.weightDecayBeforeClip) g = madd(scalar('weightDecay'), p, g);

  // Second moment.
  const w = () => scalar('oneMinusDecay');
  const one = () => constant(1);
  const lerp = (start: string, end: string): string => {
    const diff = sub(end, start);
    if (lerpSmallWeight(S0.oneMinusDecay)) return add(start, mul(w(), diff));
    return sub(end, mul(diff, sub(one(), w())));
  };
  if (variant.emaForm === 'increment') {
    v = madd(sub(mul(g, g), v), w(), v);
  } else if (variant.emaForm === 'lerp') {
    v = lerp(v, mul(g, g));
  } else {
    const kept = mul(scalar('decay'), v);
    v = variant.squareGrouping === '((1-b)*g)*g' ? madd(mul(w(), g), g, kept) : madd(w(), mul(g, g), kept);
  }

  // Centered mean.
  if (variant.centered) {
    if (variant.meanForm === 'increment') m = madd(sub(g, m), w(), m);
    else if (variant.meanForm === 'lerp') m = lerp(m, g);
    else m = madd(w(), g, mul(scalar('decay'), m));
  }

  // Denominator: eps placement, centered grouping, scale form.
  const vHat = variant.biasCorrection ? div(v, scalar('biasCorrection')) : v;
  const meanSquare = once(() => mul(m, m));
  const variance = once(() => (variant.centered ? sub(vHat, meanSquare()) : vHat));
  const eps = () => scalar('eps');
  let denominator: () => string;
  let scale: () => string = () => {
    throw new Error('scale used with scaleForm=divide');
  };
  if (variant.epsPlacement === 'outside') {
    denominator = once(() => add(sqrt(variance()), eps()));
    // The reference computes 1/(sqrt(var)+eps) as a division for both rsqrt and reciprocal here.
    if (variant.scaleForm !== 'divide') scale = once(() => op('Reciprocal', [denominator()]));
  } else {
    const inner = once(() => {
      if (!variant.centered) return add(vHat, eps());
      if (variant.epsPlacement === 'inside-subtracted') return sub(vHat, add(meanSquare(), eps()));
      if (variant.centeredGrouping === '(v+eps)-m2') return sub(add(vHat, eps()), meanSquare());
      return add(variance(), eps());
    });
    denominator = once(() => sqrt(inner()));
    if (variant.scaleForm === 'rsqrt') {
      scale = once(() => {
        if (dtype === 'float64') return op('Reciprocal', [sqrt(inner())]);
        const wide = op('Cast', [inner()], [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.DOUBLE }]);
        const r = op('Reciprocal', [sqrt(wide)]);
        return op('Cast', [r], [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.FLOAT }]);
      });
    } else if (variant.scaleForm === 'reciprocal') {
      scale = once(() => op('Reciprocal', [denominator()]));
    }
  }
  const byDenominator = (x: string) => (variant.scaleForm === 'divide' ? div(x, denominator()) : mul(x, scale()));

  // Update and momentum.
  const lr = () => scalar('lr');
  const momentum = () => scalar('momentum');
  if (S0.useMomentum && variant.momentumKind === 'lr-outside') {
    b = madd(momentum(), b, byDenominator(g));
    p = sub(p, mul(lr(), b));
  } else {
    let u: string;
    if (variant.updateOrder === 'lr-first') u = byDenominator(mul(lr(), g));
    else if (variant.updateOrder === 'lr-last') u = mul(lr(), byDenominator(g));
    else u = mul(g, variant.scaleForm === 'divide' ? div(lr(), denominator()) : mul(lr(), scale()));

    if (!S0.useMomentum) {
      p = sub(p, u);
    } else if (variant.momentumKind === 'graves') {
      b = sub(mul(momentum(), b), u);
      p = add(p, b);
    } else if (variant.momentumKind === 'nesterov') {
      b = madd(momentum(), b, u);
      p = sub(p, madd(momentum(), b, u));
    } else {
      b = madd(momentum(), b, u);
      p = sub(p, b);
    }
  }

  const finals = [p, v, m, b];
  STATE_OUTPUTS.forEach((name, i) => {
    nodes.push({ name: `out_${name}`, opType: 'Identity', input: [finals[i]!], output: [name] });
    ops.push('Identity');
  });

  const scalarOrder: GraphScalar[] = ['lr', 'decay', 'oneMinusDecay', 'eps', 'momentum', 'weightDecay', 'rescale', 'clip', 'biasCorrection'];
  const scalars = scalarOrder.filter((s) => usedScalars.has(s));
  const vector = (name: string): onnxProto.onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'n' }] } } },
  });
  const zeroD = (name: string): onnxProto.onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType, shape: { dim: [] } } } });

  const model = onnx.ModelProto.create({
    irVersion: RMSPROP_IR_VERSION,
    producerName: 'rmsprop-harness',
    producerVersion: HARNESS_VERSION,
    opsetImport: [{ domain: '', version: opset }],
    // Axes only, no hyperparameter values: models of one shape encode to the same bytes (one session).
    docString: `One RMSprop step (${dtype}); axes ${JSON.stringify(axesOf(variant))}`,
    graph: {
      name: 'rmsprop_step',
      node: nodes,
      initializer: initializers,
      input: [...STATE_INPUTS.map(vector), ...scalars.map(zeroD)],
      output: STATE_OUTPUTS.map(vector),
    },
  });
  const bytes = onnx.ModelProto.encode(model).finish();
  return { model, bytes, dtype, opset, scalars, ops };
}

function axesOf(variant: Variant): Record<string, unknown> {
  return Object.fromEntries(AXES.map((a) => [a.name, variant[a.name]]));
}

/** Decodes an encoded ModelProto (for round-trip checks and inspection). */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  return onnx.ModelProto.decode(bytes);
}
