// Parameter paths of the canonical profiles over the loss contours of the 2-D problems, the way
// optimisation textbooks draw them: where each framework's RMSprop actually goes.

import type { TopLevelSpec } from 'vega-lite';
import type { Encoding } from 'vega-lite/types_unstable/encoding.js';
import type { ConformanceReport } from '../../runner/result.js';
import type { CaseSpec } from '../../suites/case.js';
import { ALL_CASES, caseKey } from '../../suites/suites.js';
import { renderChart } from './charts.js';
import type { Box, ContourLine } from '../../runner/contours.js';
import { html, raw, type RawHtml } from './escape.js';
import { Palette } from './palette.js';
import { CONTOUR_PROBLEMS, type ProfilePath } from '../../runner/profile-paths.js';
import { wrapText } from './wrap-text.js';

export { CONTOUR_PROBLEMS };

/** Cases of the report that run one of the contour problems, in the report's order. */
export function trajectoryCases(report: ConformanceReport): CaseSpec[] {
  const specs = new Map(ALL_CASES.map((c) => [caseKey(c), c]));
  return report.cases
    .map((k) => specs.get(k.key))
    .filter((c): c is CaseSpec => c !== undefined && c.source.kind === 'problem' && CONTOUR_PROBLEMS.includes(c.source.problem));
}

/** Paths that no one could tell apart on the chart (the float64 differences of eps placement are last-bit) are drawn once. */
export function groupIndistinguishable(paths: readonly ProfilePath[], box: Box, fraction = 0.002): ProfilePath[] {
  const tx = (box.x[1] - box.x[0]) * fraction;
  const ty = (box.y[1] - box.y[0]) * fraction;
  const close = (a: ProfilePath, b: ProfilePath) =>
    a.points.length === b.points.length &&
    a.points.every((p, i) => Math.abs(p[0] - b.points[i][0]) <= tx && Math.abs(p[1] - b.points[i][1]) <= ty);
  const groups: ProfilePath[] = [];
  for (const p of paths) {
    const g = groups.find((q) => close(q, p));
    if (g) g.profiles.push(...p.profiles);
    else groups.push({ profiles: [...p.profiles], points: p.points });
  }
  return groups;
}

export function groupLabel(p: ProfilePath): string {
  return p.profiles.length === 1 ? p.profiles[0] : `${p.profiles[0]} +${p.profiles.length - 1}`;
}

/** The chart of a case from the data the runner stored: paths, box, contour lines, minimum. */
export function trajectorySpec(
  c: CaseSpec,
  paths: readonly ProfilePath[],
  box: Box,
  lines: readonly ContourLine[],
  minimum: readonly number[] | null,
): TopLevelSpec {
  if (c.source.kind !== 'problem') throw new Error(`${caseKey(c)} is not a problem case`);
  const contourRows = lines.flatMap((l, i) =>
    l.points.map(([x, y], order) => ({ kind: 'contour', line: i, order, x, y, level: l.level })),
  );
  const labels = paths.map(groupLabel);
  const pathRows = paths.flatMap((p, i) => p.points.map(([x, y], step) => ({ kind: 'path', profile: labels[i], step, x, y })));
  const markRows = [
    { kind: 'mark', what: 'x0', x: paths[0]?.points[0]?.[0] ?? c.x0?.[0] ?? 0, y: paths[0]?.points[0]?.[1] ?? c.x0?.[1] ?? 0 },
    ...(minimum ? [{ kind: 'mark', what: 'minimum', x: minimum[0], y: minimum[1] }] : []),
  ];
  const x: Encoding<string>['x'] = {
    field: 'x',
    type: 'quantitative',
    title: 'x₁',
    scale: { domain: box.x, nice: false, zero: false },
  };
  const y: Encoding<string>['y'] = {
    field: 'y',
    type: 'quantitative',
    title: 'x₂',
    scale: { domain: box.y, nice: false, zero: false },
  };
  const palette = new Palette(labels);
  const spec: TopLevelSpec = {
    title: {
      text: caseKey(c),
      subtitle: [
        ...wrapText(c.describe, 90),
        ...wrapText(
          `float64 reference path of each canonical profile, ${c.steps} steps from x0 (circle) towards the minimum (cross), over ${lines.length > 0 ? 'log-spaced loss contours' : 'the loss'}.`,
          90,
        ),
      ],
    },
    width: 460,
    height: 340,
    config: { axis: { grid: false } },
    data: { values: [...contourRows, ...pathRows, ...markRows] },
    layer: [
      {
        transform: [{ filter: { field: 'kind', equal: 'contour' } }],
        mark: { type: 'line', strokeWidth: 0.8, clip: true },
        encoding: {
          x,
          y,
          detail: { field: 'line', type: 'nominal' },
          order: { field: 'order', type: 'quantitative' },
          color: { field: 'level', type: 'quantitative', scale: { type: 'log', range: ['#c6dbef', '#6b7280'] }, legend: null },
        },
      },
      {
        transform: [{ filter: { field: 'kind', equal: 'path' } }],
        // Step markers only where they can be told apart (and a hundred markers per profile would double the page).
        mark: { type: 'line', strokeWidth: 1.6, clip: true, point: c.steps <= 30 ? { size: 10, filled: true } : false },
        encoding: {
          x,
          y,
          order: { field: 'step', type: 'quantitative' },
          color: {
            field: 'profile',
            type: 'nominal',
            title: 'profile',
            scale: palette.scaleFor(labels),
            legend: { orient: 'right', symbolType: 'stroke' },
          },
        },
      },
      {
        transform: [{ filter: { field: 'kind', equal: 'mark' } }],
        mark: { type: 'point', size: 110, strokeWidth: 2, color: '#111', clip: true },
        encoding: {
          x,
          y,
          shape: {
            field: 'what',
            type: 'nominal',
            title: null,
            scale: { domain: ['x0', 'minimum'], range: ['circle', 'cross'] },
            legend: { orient: 'right' },
          },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
  return spec;
}

export async function renderTrajectorySection(report: ConformanceReport): Promise<RawHtml> {
  const figures: RawHtml[] = [];
  let index = 0;
  // The paths were computed by the runner (report.profilePaths); a report without them draws none.
  const stored = new Map((report.profilePaths ?? []).map((p) => [p.case, p]));
  for (const c of trajectoryCases(report)) {
    const entry = stored.get(caseKey(c));
    if (!entry || entry.paths.length === 0) continue;
    const paths: ProfilePath[] = entry.paths.map((p) => ({
      profiles: [...p.profiles],
      points: p.points.map((q) => [q[0], q[1]] as [number, number]),
    }));
    const excluded = entry.excluded;
    if (!entry.box) continue; // a report written before contours were stored
    const box: Box = { x: [entry.box.x[0], entry.box.x[1]], y: [entry.box.y[0], entry.box.y[1]] };
    const lines: ContourLine[] = (entry.contours ?? []).map((l) => ({
      level: l.level,
      points: l.points.map((q) => [q[0], q[1]] as [number, number]),
    }));
    const groups = groupIndistinguishable(paths, box);
    const svg = await renderChart(trajectorySpec(c, groups, box, lines, entry.minimum ?? null), `traj-${index++}`);
    figures.push(html`<figure class="trajectory">
${raw(svg)}
<figcaption>Profiles whose paths coincide on this scale are drawn as one line:
<ul class="divergences">${groups.map((g) => html`<li><b>${groupLabel(g)}</b>${g.profiles.length > 1 ? html`: ${g.profiles.join(', ')}` : ''}</li>`)}</ul>
${excluded.length > 0 ? html`Not drawn (the profile cannot express this case): ${excluded.map((e) => `${e.profile} (${e.reason})`).join('; ')}.` : ''}</figcaption>
</figure>`);
  }
  if (figures.length === 0)
    return html`<p class="muted">No case of this report runs a 2-D problem with contours (${CONTOUR_PROBLEMS.join(', ')}).</p>`;
  return html`${figures}`;
}
