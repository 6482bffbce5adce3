// The float64 reference path of every canonical profile on a 2-D case: what each framework's
// RMSprop does from the case's x0 with the case's settings. Computed at run time and stored in the
// report (report.profilePaths): the trajectory charts only draw it.

import { CANONICAL_PROFILES } from '../reference/profiles/index.js';
import { resolveVariant } from '../reference/resolve.js';
import { runTrajectory } from '../reference/trajectory.js';
import type { CaseSpec } from '../suites/case.js';
import { caseAppliesTo, caseGradientSource, caseX0 } from '../suites/case-source.js';
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
    const points: [number, number][] = [[t.x0[0]!, t.x0[1]!], ...t.points.map((p): [number, number] => [p.params[0]!, p.params[1]!])];
    const key = JSON.stringify(points);
    const same = byPath.get(key);
    if (same) same.profiles.push(name);
    else byPath.set(key, { profiles: [name], points });
  }
  return { paths: [...byPath.values()], excluded };
}

/** The paths of every selected case that runs a contour problem, for the report. */
export function profilePathsFor(cases: readonly CaseSpec[]): { case: string; paths: ProfilePath[]; excluded: ProfilePaths['excluded'] }[] {
  return cases
    .filter((c) => c.source.kind === 'problem' && CONTOUR_PROBLEMS.includes(c.source.problem))
    .map((c) => ({ case: caseKey(c), ...profilePaths(c) }));
}
