// Whether a compared cell is exact: bit-exact (every compared value has the reference's bits), exact
// up to the declared op error (the claimed profile declares ops the framework's build does not round
// correctly, reference/op-error.ts, and every step of the adapter's own run, re-anchored on its own
// state, is reproduced bit for bit by some choice of those ops' results within the bound), or
// inexact (within or beyond the tolerance, by the ULP comparison). The re-anchored check needs the
// adapter's state after every step and the gradients it was fed: replay cells of adapters that read
// their state.

import type { Dtype } from '../reference/arithmetic.js';
import { describeOpErrors, opErrorsInEffect } from '../reference/op-error.js';
import { OpErrorStep, type StepVectors } from '../reference/op-error-step.js';
import type { Expected } from './expected.js';
import type { Mode } from './run-cell.js';
import type { CellMeasurement } from './run-cell.js';
import type { Series } from './metrics.js';

export type Exactness = 'bit-exact' | 'exact-up-to-op-error' | 'inexact';

export interface CellExactness {
  exactness: Exactness;
  /** The declared inexact ops and bounds of the claimed profile in this dtype, where it declares any. */
  opErrors?: string;
}

const identical = (s: Series | null) => s === null || (s.firstDivergentStep === null && s.maxUlp === 0);

export function cellExactness(m: CellMeasurement, expected: Expected, dtype: Dtype, mode: Mode): CellExactness {
  const declared = opErrorsInEffect(expected.resolved.profile.opErrors, expected.resolved.variant, dtype);
  const opErrors = describeOpErrors(declared, dtype) || undefined;
  const withDeclared = opErrors ? { opErrors } : {};
  if (identical(m.freeRunning) && identical(m.state) && identical(m.reanchored))
    return { exactness: 'bit-exact', ...withDeclared };
  if (!opErrors || mode !== 'replay') return { exactness: 'inexact', ...withDeclared };
  const checker = new OpErrorStep(expected.resolved.variant, dtype, declared);
  const points = expected.trajectory.points;
  if (m.actual.length !== points.length) return { exactness: 'inexact', ...withDeclared };
  let before: StepVectors = { p: expected.x0, ...expected.initial };
  for (let t = 0; t < points.length; t++) {
    const state = m.actualStates[t];
    if (checker.stateWritten.some((q) => !state?.[q])) return { exactness: 'inexact', ...withDeclared };
    // A vector of the wrong length is no choice of op results: the check below reads only the
    // reference's elements, so an extra or missing element must be refused here.
    const n = expected.x0.length;
    if (m.actual[t].length !== n || checker.stateWritten.some((q) => state![q]!.length !== n))
      return { exactness: 'inexact', ...withDeclared };
    const after: StepVectors = {
      p: m.actual[t],
      v: state?.v ?? expected.initial.v,
      m: state?.m ?? expected.initial.m,
      b: state?.b ?? expected.initial.b,
    };
    if (checker.check(t, before, points[t].grad, after) !== null) return { exactness: 'inexact', ...withDeclared };
    before = after;
  }
  return { exactness: 'exact-up-to-op-error', ...withDeclared };
}
