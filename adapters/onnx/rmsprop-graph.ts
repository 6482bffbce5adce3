// One RMSprop step as an ONNX model: elementwise ops only, one node (or a few, for rsqrt and clip)
// per op of the variant's step program (reference/program), in its order. ONNX has no fused
// multiply-add, so the adapter declares fma: [] and the program has Mul then Add. The per-step
// scalars are graph inputs prepared on the host by the program's scalar stage; which ops exist at
// all depends only on the variant.
//
// The model is written with onnx-proto's protobuf message classes (protobufjs), never by hand.

import { HARNESS_VERSION } from '../../reference/version.js';
import onnxProto from 'onnx-proto';

import { DTYPES, type Dtype } from '../../reference/arithmetic.js';
import { plainOpsUnsupported } from '../codegen/op-implementations.js';
import { MIN_NORMAL, stepProgram, type StepProgram } from '../../reference/program/index.js';
import type { ElementKind, ElementOp, Operand, VectorName } from '../../reference/program/ops.js';
import { AXES, type Variant } from '../../reference/variant.js';
import { lowerOps } from '../codegen/lower.js';

export const onnx = onnxProto.onnx;
export type OnnxModel = onnxProto.onnx.ModelProto;

export const RMSPROP_OPSET = 17;
/** IR version 8 is the newest onnx-proto 8.0.1 (onnx 1.10.2) knows; it carries opset 17 fine. */
export const RMSPROP_IR_VERSION = 8;

/** Graph input / output names. */
export const STATE_INPUTS = ['params', 'grad', 'v', 'm', 'b'] as const;
export const STATE_OUTPUTS = ['params_out', 'v_out', 'm_out', 'b_out'] as const;
const STATE_INPUT_OF: Record<VectorName, (typeof STATE_INPUTS)[number]> = { p: 'params', g: 'grad', v: 'v', m: 'm', b: 'b' };

/** Scalars a graph may take as inputs (0-d tensors of the dtype), named as in StepScalars. */
export type GraphScalar =
  'lr' | 'decay' | 'oneMinusDecay' | 'eps' | 'momentum' | 'weightDecay' | 'rescale' | 'clip' | 'biasCorrection';

/** How the float32 rsqrt is computed: the reference's rsqrt is 1/sqrt(x) rounded once from float64. */
// Reciprocal rather than Div(1, .): onnxruntime's DivMulFusion (a basic-level graph rewrite) turns
// Mul(y, Div(1, x)) into Div(y, x), which rounds once instead of twice and so changes the result.
export const RSQRT_FORM = {
  float64: 'Reciprocal(Sqrt(x))',
  float32:
    'Cast(Reciprocal(Sqrt(Cast(x, double))), float): sqrt and 1/x in float64, then rounded to float32, as the reference rsqrt',
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
  /** The step program the graph expresses; its scalar stage prepares the scalar inputs. */
  program: StepProgram<Variant>;
}

/** Why ONNX cannot express this variant, or null. */
export function graphUnsupportedReason(variant: Variant, dtype?: Dtype): string | null {
  if (variant.fma.length > 0) return `ONNX has no fused multiply-add (the variant contracts ${variant.fma.join(', ')})`;
  if (variant.clipNorm !== null)
    return 'global-norm clipping needs a reduction whose summation order ONNX does not fix (clipNorm is not expressed)';
  if (variant.computePrecision !== 'storage' && variant.computePrecision !== dtype)
    return `the graph computes in its tensor dtype${dtype ? ` (${dtype})` : ''}; computePrecision=${variant.computePrecision} is not generated (no Cast around each node)`;
  for (const d of dtype ? [dtype] : DTYPES) {
    const plain = plainOpsUnsupported(stepProgram(variant, d), 'the ONNX graph');
    if (plain) return plain;
  }
  return null;
}

const ONNX_BINARY: Partial<Record<ElementKind, string>> = { add: 'Add', sub: 'Sub', mul: 'Mul', div: 'Div' };

/** Builds the ModelProto of one step for a variant in a dtype. Throws GraphUnsupportedError where ONNX cannot express it. */
export function buildRmspropGraph(variant: Variant, dtype: Dtype, opset: number = RMSPROP_OPSET): RmspropGraph {
  const reason = graphUnsupportedReason(variant, dtype);
  if (reason) throw new GraphUnsupportedError(reason);
  return buildProgramGraph(stepProgram(variant, dtype), opset);
}

/** The ModelProto of any step program (the graph knows ops, not RMSprop). */
export function buildProgramGraph(program: StepProgram<Variant>, opset: number = RMSPROP_OPSET): RmspropGraph {
  const dtype = program.rule.storageDtype;
  const variant = program.variant;
  const elemType = dtype === 'float32' ? onnx.TensorProto.DataType.FLOAT : onnx.TensorProto.DataType.DOUBLE;

  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.ITensorProto[] = [];
  const ops: string[] = [];
  const usedScalars = new Set<GraphScalar>();
  let counter = 0;

  const node = (opType: string, inputs: string[], attribute: onnxProto.onnx.IAttributeProto[] = []): string => {
    const out = `t${counter}_${opType}`;
    nodes.push({ name: `n${counter}_${opType}`, opType, input: inputs, output: [out], attribute });
    counter++;
    ops.push(opType);
    return out;
  };
  const constant = (value: number, index: number): string => {
    const name = `const_${dtype}_${index}`;
    if (!initializers.some((t) => t.name === name)) {
      initializers.push(
        dtype === 'float32'
          ? { name, dataType: onnx.TensorProto.DataType.FLOAT, dims: [], floatData: [value] }
          : { name, dataType: onnx.TensorProto.DataType.DOUBLE, dims: [], doubleData: [value] },
      );
    }
    return name;
  };
  const one = (): string => constant(1, 0);
  const cast = (x: string, to: number) => node('Cast', [x], [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: to }]);
  // flushSubnormals (DAZ + FTZ): x * (|x| < smallest normal ? 0 : 1), a zero of x's sign where x is
  // subnormal and x itself otherwise (NaN and infinities too). Not Where: onnxruntime's Where drops
  // the sign of a zero it selects.
  const flush = program.rule.flushSubnormals === true;
  const fz = (x: string): string =>
    flush ? node('Mul', [x, cast(node('Not', [node('Less', [node('Abs', [x]), constant(MIN_NORMAL[dtype], 1)])]), elemType)]) : x;
  const isOne = (o: Operand) => 'scalar' in o && o.scalar === 'one';

  const finals = lowerOps<string>(program.ops, {
    input: (o) => {
      if ('vector' in o) return fz(STATE_INPUT_OF[o.vector]);
      if (o.scalar === 'one') return one();
      if (o.scalar === 'normScale' || o.scalar === 'normDivisor')
        throw new GraphUnsupportedError('global-norm clipping is not expressed in the graph');
      usedScalars.add(o.scalar);
      return fz(o.scalar);
    },
    // neg and clip move values: flushed arguments stay flushed.
    apply: (op, args) => (op.kind === 'neg' || op.kind === 'clip' ? expressOp(op, args) : fz(expressOp(op, args))),
  });

  function expressOp(op: ElementOp, [a, b, c]: readonly string[]): string {
    switch (op.kind) {
      case 'div':
        // Reciprocal rather than Div(1, .): see RSQRT_FORM.
        return isOne(op.args[0]) ? node('Reciprocal', [b]) : node('Div', [a, b]);
      case 'add':
      case 'sub':
      case 'mul':
        return node(ONNX_BINARY[op.kind]!, [a, b]);
      case 'sqrt':
        return node('Sqrt', [a]);
      case 'neg':
        return node('Neg', [a]);
      case 'rsqrt':
        if (dtype === 'float64') return node('Reciprocal', [node('Sqrt', [a])]);
        return cast(
          node('Reciprocal', [node('Sqrt', [cast(a, onnx.TensorProto.DataType.DOUBLE)])]),
          onnx.TensorProto.DataType.FLOAT,
        );
      case 'clip': {
        // g > c ? c : g < -c ? -c : g (NaN passes through; Clip/Min/Max leave NaN handling to the kernel).
        const negC = node('Neg', [b]);
        const low = node('Where', [node('Less', [a, negC]), negC, a]);
        return node('Where', [node('Greater', [a, b]), b, low]);
      }
      case 'fma':
      case 'copy':
        throw new GraphUnsupportedError(
          `ONNX has no ${op.kind} operator (the program asks for one: ${[a, b, c].filter(Boolean).join(', ')})`,
        );
    }
  }

  const outputs: Record<(typeof STATE_OUTPUTS)[number], VectorName> = { params_out: 'p', v_out: 'v', m_out: 'm', b_out: 'b' };
  for (const name of STATE_OUTPUTS) {
    const vector = outputs[name];
    nodes.push({
      name: `out_${name}`,
      opType: 'Identity',
      input: [finals.get(vector) ?? STATE_INPUT_OF[vector]],
      output: [name],
    });
    ops.push('Identity');
  }

  const scalarOrder: GraphScalar[] = [
    'lr',
    'decay',
    'oneMinusDecay',
    'eps',
    'momentum',
    'weightDecay',
    'rescale',
    'clip',
    'biasCorrection',
  ];
  const scalars = scalarOrder.filter((s) => usedScalars.has(s));
  const vector = (name: string): onnxProto.onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType, shape: { dim: [{ dimParam: 'n' }] } } },
  });
  const zeroD = (name: string): onnxProto.onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType, shape: { dim: [] } } },
  });

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
  return { model, bytes, dtype, opset, scalars, ops, program };
}

function axesOf(variant: Variant): Record<string, unknown> {
  return Object.fromEntries(AXES.map((a) => [a.name, variant[a.name]]));
}

/** Decodes an encoded ModelProto (for round-trip checks and inspection). */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  return onnx.ModelProto.decode(bytes);
}
