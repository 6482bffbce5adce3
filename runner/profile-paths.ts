// The float64 reference path of every canonical profile on a 2-D case: what each framework's
// RMSprop does from the case's x0 with the case's settings. Computed at run time and stored in the
// report (report.profilePaths): the trajectory charts only draw it.

import { CANONICAL_PROFILES } from '../reference/profiles/index.js';
import { logLevels, lossContours, sampledLosses, type Box, type ContourLine } from './contours.js';
import { resolveVariant } from '../reference/resolve.js';
import { runTrajectory } from '../reference/trajectory.js';
import type { CaseSpec } from '../suites/case.js';
import { caseAppliesTo, caseGradientSource, caseX0, findProblem } from '../suites/case-source.js';
import { autodiffOrderFor } from '../suites/problems.js';
import { caseKey } from '../suites/suites.js';

/** The 2-D problems drawn with contours (linreg is 2-D too, but its loss is a narrow ridge at any zoom). */
export const CONTOUR_PROBLEMS: readonly string[] = ['quad2d', 'rotated2d', 'rosenbrock'];

export interface ProfilePath {
  /** Profiles that follow this exact path ('torch@2.1', ...): identical float64 paths are drawn once. */
  profiles: string[];
  /** x0, then the params after each step. */
  points: [number, number][];
}

export interface ProfilePaths {
  paths: ProfilePath[];
  /** Canonical profiles that cannot express the case, with why. */
  excluded: { profile: string; reason: string }[];
}

export function profilePaths(c: CaseSpec): ProfilePaths {
  const x0 = caseX0(c);
  const byPath = new Map<string, ProfilePath>();
  const excluded: ProfilePaths['excluded'] = [];
  for (const profile of CANONICAL_PROFILES) {
    const name = `${profile.name}@${profile.version}`;
    const applies = caseAppliesTo(c, profile);
    if (!applies.applies) {
      excluded.push({ profile: name, reason: applies.reason });
      continue;
    }
    let variant;
    try {
      variant = resolveVariant(profile, 'float64', c.settings).variant;
    } catch (e) {
      excluded.push({ profile: name, reason: (e as Error).message }); // the framework refuses these settings
      continue;
    }
    const t = runTrajectory(variant, 'float64', x0, c.steps, caseGradientSource(c, 'float64', autodiffOrderFor(profile.name)));
    const points: [number, number][] = [[t.x0[0], t.x0[1]], ...t.points.map((p): [number, number] => [p.params[0], p.params[1]])];
    const key = JSON.stringify(points);
    const same = byPath.get(key);
    if (same) same.profiles.push(name);
    else byPath.set(key, { profiles: [name], points });
  }
  return { paths: [...byPath.values()], excluded };
}

const CONTOUR_LEVELS = 14;

/**
 * The box drawn: x0 and the minimum, widened to the paths but by at most the x0-minimum span on each
 * side, so one diverging profile cannot shrink the others to a dot (its path is clipped instead).
 */
export function plotBox(anchors: [number, number][], paths: readonly ProfilePath[]): Box {
  const span = (values: number[]) => [Math.min(...values), Math.max(...values)] as [number, number];
  const base = [span(anchors.map((p) => p[0])), span(anchors.map((p) => p[1]))];
  const axis = (k: 0 | 1): [number, number] => {
    const [lo, hi] = base[k];
    const width = Math.max(hi - lo, 1e-3);
    const values = paths.flatMap((p) => p.points.map((q) => q[k])).filter(Number.isFinite);
    const wantLo = Math.min(lo, ...values);
    const wantHi = Math.max(hi, ...values);
    const a = Math.max(wantLo, lo - width);
    const b = Math.min(wantHi, hi + width);
    const pad = (b - a) * 0.08;
    return [a - pad, b + pad];
  };
  return { x: axis(0), y: axis(1) };
}

/** Drawing coordinates need no more than 5 significant digits (the JSON stays small). */
const drawn = (x: number) => Number(x.toPrecision(5));

export interface ContourChart {
  box: Box;
  minimum: [number, number] | null;
  contours: ContourLine[];
}

/** The box, the minimum and log-spaced loss contours (float64 loss) around a case's paths. */
export function contourChart(c: CaseSpec, paths: readonly ProfilePath[]): ContourChart | null {
  if (c.source.kind !== 'problem' || paths.length === 0) return null;
  const problem = findProblem(c.source.problem);
  const minimum = problem.minimum ? (problem.minimum(2) as [number, number]) : null;
  const box = plotBox([paths[0].points[0], ...(minimum ? [minimum] : [])], paths);
  const loss = (x: number, y: number) => problem.loss(Float64Array.of(x, y), 'float64');
  const samples = sampledLosses(loss, box);
  const lo = Math.max(samples.find((v) => v > 0) ?? 1e-6, samples[Math.floor(samples.length * 0.005)] ?? 0);
  const hi = samples[Math.floor(samples.length * 0.97)] ?? lo * 10;
  const lines = lossContours(loss, box, logLevels(lo, hi, CONTOUR_LEVELS)).map((l) => ({
    level: l.level,
    points: l.points.map(([x, y]): [number, number] => [drawn(x), drawn(y)]),
  }));
  return { box, minimum, contours: lines };
}

/** The paths (and the contours under them) of every selected case that runs a contour problem, for the report. */
export function profilePathsFor(
  cases: readonly CaseSpec[],
): ({ case: string; paths: ProfilePath[]; excluded: ProfilePaths['excluded'] } & Partial<ContourChart>)[] {
  return cases
    .filter((c) => c.source.kind === 'problem' && CONTOUR_PROBLEMS.includes(c.source.problem))
    .map((c) => {
      const p = profilePaths(c);
      return { case: caseKey(c), ...p, ...(contourChart(c, p.paths) ?? {}) };
    });
}
