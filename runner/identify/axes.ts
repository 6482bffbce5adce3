// Which values of each axis the observations allow, for the identified (or closest) candidate with
// its changes applied: determined, ambiguous (other values agree too) or not probed (with why).

import { UNPROBED_PRECISIONS } from './probes.js';
import type { Evaluator } from './evaluate.js';
import {
  ALL_AXES,
  alternativesFor,
  applyChanges,
  axisValue,
  sameValue,
  type AxisChange,
  type AxisName,
  type AxisValue,
  type Candidate,
} from './predict.js';
import type { AxisGroup, AxisInference, ProbeRun } from './types.js';

/** Axes that only some probes expose, with the reason when those did not run. */
const NOT_PROBED: Partial<Record<AxisName, string>> = {
  weightDecayKind: 'no probe with weight decay ran',
  weightDecayBeforeClip: 'no probe with weight decay and clipping ran',
  decoupledScaledByLr: 'no probe with decoupled weight decay ran',
  lrSchedule: 'no probe with a learning-rate decay ran',
  momentumAlways: 'visible only in non-finite steps with momentum 0',
  computeDtype: 'only float32 storage can be computed in a wider dtype',
};

export function inferAxes(
  ev: Evaluator,
  c: Candidate,
  changes: readonly AxisChange[],
  runs: readonly ProbeRun[],
): AxisInference[] {
  const out: AxisInference[] = [];
  for (const axis of ALL_AXES) {
    const groups: AxisGroup[] = [];
    const byValue: { value: AxisValue; idx: number[] }[] = [];
    ev.ran.forEach((_, i) => {
      const v = ev.variant(c, i, changes);
      if ('refused' in v) return;
      const value = axisValue(v, axis);
      const g = byValue.find((x) => sameValue(x.value, value));
      if (g) g.idx.push(i);
      else byValue.push({ value, idx: [i] });
    });
    for (const { value, idx } of byValue) {
      const alternatives = alternativesFor(axis, ev.ran[idx[0]].inst.dtype).filter((a) => !sameValue(a, value));
      const consistent: AxisValue[] = [];
      let sensitive = false;
      for (const to of alternatives) {
        const change: AxisChange = { axis, from: value, to };
        const all = [...changes, change];
        let agrees = true;
        let touched = false;
        for (const i of idx) {
          const before = ev.variant(c, i, changes);
          if ('refused' in before || applyChanges(before, ev.ran[i].inst, [change]) === before) continue;
          touched = true;
          if (!ev.compareOne(c, i, all).agree) {
            agrees = false;
            break;
          }
        }
        if (!touched) continue; // the alternative does not apply there (eps set by the probe)
        if (agrees) consistent.push(to);
        else sensitive = true;
      }
      const status: AxisGroup['status'] = !sensitive ? 'not-probed' : consistent.length > 0 ? 'ambiguous' : 'determined';
      groups.push({
        value,
        probes: idx.map((i) => ev.ran[i].inst.key),
        status,
        alsoConsistent: status === 'not-probed' ? [] : consistent,
      });
    }
    const probed = groups.filter((g) => g.status !== 'not-probed');
    const status: AxisInference['status'] =
      probed.length === 0 ? 'not-probed' : probed.every((g) => g.status === 'determined') ? 'determined' : 'ambiguous';
    const inference: AxisInference = { axis, status, groups: probed.length > 0 ? probed : groups };
    if (status === 'not-probed') inference.reason = notProbedReason(axis, runs);
    out.push(inference);
  }
  return out;
}

function notProbedReason(axis: AxisName, runs: readonly ProbeRun[]): string {
  const targeting = runs.filter((r) => r.targets.includes(axis));
  const skipped = targeting.filter((r) => r.status !== 'ran');
  if (targeting.length > 0 && skipped.length === targeting.length) {
    const reasons = [...new Set(skipped.map((r) => r.reason ?? r.status))];
    return `not probed: ${reasons.join('; ')}`;
  }
  const fixed = NOT_PROBED[axis];
  if (fixed && targeting.every((r) => r.status !== 'ran')) return `not probed: ${fixed}`;
  return 'no probe that ran depends on it for this profile';
}

/** What no probe covers here, whatever the adapter: precisions the reference cannot evaluate. */
export function unprobedPrecisions(): { what: string; reason: string }[] {
  return Object.entries(UNPROBED_PRECISIONS).map(([what, reason]) => ({ what, reason }));
}
