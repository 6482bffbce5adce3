// "How the frameworks differ", computed at run time for the report: every pair of canonical
// profiles on every selected case both can express (identical inputs: the case's x0, gradients and
// settings), the first divergent step and the final gap, and for each diverging pair the comparison
// of its worst case with the responsible axes. Plus the naming table.

import type { Dtype } from '../../reference/arithmetic.js';
import { CANONICAL_PROFILES } from '../../reference/profiles/index.js';
import type { Profile } from '../../reference/profile.js';
import type { CaseSpec } from '../../suites/case.js';
import { caseAppliesTo, caseX0 } from '../../suites/case-source.js';
import { caseKey } from '../../suites/suites.js';
import type { Comparison, Differences } from '../result.js';
import { compare, gapOf, referencePath, resolveSide, type CompareInputs, type Path } from './compare.js';
import { namingTable } from './naming.js';
import { caseInputs } from './run-compare.js';

const label = (p: Profile) => `${p.name}@${p.version}`;

export const MATRIX_RULE =
  "Every pair of canonical profiles runs every selected case both can express on identical inputs (the case's x0, gradients and settings; every other hyperparameter is each framework's default). A pair diverges on a case from the first step where their params differ at all. The worst case is the one with the largest final parameter gap relative to the largest |x0|; its comparison names the responsible axes.";

interface CaseRun {
  c: CaseSpec;
  inputs: CompareInputs;
  paths: Map<string, Path>;
  cache: Map<string, Path>;
}

export async function differenceMatrix(
  cases: readonly CaseSpec[],
  dtype: Dtype,
  profiles: readonly Profile[] = CANONICAL_PROFILES,
): Promise<Differences> {
  const runs: CaseRun[] = cases.map((c) => ({ c, inputs: caseInputs(c, dtype), paths: new Map(), cache: new Map() }));
  for (const run of runs) {
    for (const p of profiles) {
      if (!caseAppliesTo(run.c, p).applies) continue;
      try {
        const side = resolveSide({ label: label(p), profile: p, settings: {} }, run.inputs);
        const key = JSON.stringify([side.variant, side.order]);
        const path = run.cache.get(key) ?? referencePath(side, run.inputs);
        run.cache.set(key, path);
        run.paths.set(label(p), path);
      } catch {
        // The framework refuses the case's settings (Caffe with momentum): no entry.
      }
    }
  }
  const names = profiles.map(label);
  const matrix: Differences['matrix'] = [];
  const comparisons: Comparison[] = [];
  for (let i = 0; i < profiles.length; i++) {
    for (let j = i + 1; j < profiles.length; j++) {
      const [a, b] = [names[i], names[j]];
      let count = 0;
      let diverging = 0;
      let first: number | null = null;
      let worst: { run: CaseRun; gap: number; relative: number } | null = null;
      for (const run of runs) {
        const pa = run.paths.get(a);
        const pb = run.paths.get(b);
        if (!pa || !pb) continue;
        count++;
        const g = gapOf(pa, pb, dtype);
        if (g.firstDivergentStep === null) continue;
        diverging++;
        first = first === null ? g.firstDivergentStep : Math.min(first, g.firstDivergentStep);
        const last = pa.length - 1;
        let finalGap = 0;
        for (let k = 0; k < (pa[last]?.length ?? 0); k++) {
          const x = pa[last][k];
          const y = pb[last][k];
          finalGap = Math.max(
            finalGap,
            Number.isFinite(x) && Number.isFinite(y)
              ? Math.abs(x - y)
              : Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y))
                ? 0
                : Infinity,
          );
        }
        const scale = Math.max(1e-30, ...caseX0(run.c).map(Math.abs));
        const relative = Math.max(finalGap, g.max / 1e6) / scale; // a gap that closed again still ranks above none
        if (worst === null || relative > worst.relative) worst = { run, gap: finalGap, relative };
      }
      let comparison: Comparison | null = null;
      if (worst) {
        const pa = profiles[i];
        const pb = profiles[j];
        comparison = await compare({
          id: String(comparisons.length),
          inputs: worst.run.inputs,
          a: { label: a, reference: { label: a, profile: pa, settings: {} } },
          b: { label: b, reference: { label: b, profile: pb, settings: {} } },
          cache: worst.run.cache,
        });
        comparisons.push(comparison);
      }
      matrix.push({
        a,
        b,
        cases: count,
        diverging,
        firstDivergentStep: first,
        finalGap: worst?.gap ?? 0,
        worstCase: worst ? caseKey(worst.run.c) : null,
        responsible: comparison?.responsible ?? [],
        comparison: comparison?.id ?? null,
      });
    }
  }
  const table = namingTable(profiles);
  return { dtype, profiles: names, rule: MATRIX_RULE, matrix, comparisons, naming: table };
}
