// Keeps long error series small enough to draw: the maximum over each bucket of steps (an error
// spike never disappears), with chosen steps (the first divergent one) kept exactly.

export interface StepValue {
  step: number;
  value: number;
}

/**
 * At most about maxPoints points (plus the kept steps): each bucket contributes the point with the
 * largest value, at that point's own step. Series already short enough are returned as they are.
 */
export function downsampleMax(points: readonly StepValue[], maxPoints: number, keepSteps: readonly number[] = []): StepValue[] {
  if (points.length <= maxPoints) return [...points];
  const keep = new Set(keepSteps);
  const out: StepValue[] = [];
  const bucketSize = Math.ceil(points.length / maxPoints);
  for (let start = 0; start < points.length; start += bucketSize) {
    let best: StepValue | null = null;
    const bucket = points.slice(start, start + bucketSize);
    for (const p of bucket) {
      if (keep.has(p.step)) out.push(p);
      else if (best === null || p.value > best.value) best = p;
    }
    if (best !== null) out.push(best);
  }
  return out.sort((a, b) => a.step - b.step);
}
