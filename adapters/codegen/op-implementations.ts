// Whether a generated kernel can compute a step program's sqrt and rsqrt: WASM, WGSL and ONNX emit
// the plain ops, so a program whose rule computes a framework's algorithm for an op the step uses
// (reference/op-implementations) is not theirs to run. Their adapters fix the plain ops in
// fixedAxes, so the runner compares them against the reference with the plain ops; this guards
// the kernels themselves.

import { opImplementationUnsupported } from '../../reference/op-implementations/index.js';
import type { StepProgram } from '../../reference/program/index.js';

/** Why a kernel with plain sqrt/rsqrt cannot run the program, or null. */
export function plainOpsUnsupported(program: StepProgram, kernel: string): string | null {
  const kinds = new Set<string>(program.ops.map((o) => o.kind));
  return opImplementationUnsupported(program.rule, kinds, program.rule.compute.dtype, kernel);
}
