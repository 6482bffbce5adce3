// Contour lines of a 2-D loss over a box, from d3-contour's marching squares on a sampled grid,
// as open polylines in the problem's coordinates (ready for a vega-lite line mark with `detail`).
// Computed at run time with the profile paths and stored in the report: the renderer only draws.

import { contours } from 'd3-contour';

export interface Box {
  x: [number, number];
  y: [number, number];
}

export interface ContourLine {
  level: number;
  points: [number, number][];
}

/** Levels spaced evenly in log(loss) between two positive losses: loss surfaces span decades. */
export function logLevels(lo: number, hi: number, count: number): number[] {
  if (!(lo > 0) || !(hi > lo)) return [];
  const step = Math.log(hi / lo) / (count - 1);
  return Array.from({ length: count }, (_, i) => lo * Math.exp(step * i));
}

/**
 * d3-contour closes every ring (last point = first) and runs it along the grid's outer edge (coordinate
 * 0 or n) where the region reaches it; those runs are the box, not a level of the loss, so each ring
 * is cut where it touches the edge and only the interior runs are kept.
 */
function interiorRuns(ring: number[][], nx: number, ny: number): number[][][] {
  const onEdge = ([gx, gy]: number[]) => gx <= 0 || gx >= nx || gy <= 0 || gy >= ny;
  const runs: number[][][] = [];
  let run: number[][] = [];
  for (const p of ring) {
    if (onEdge(p)) {
      if (run.length > 1) runs.push(run);
      run = [];
    } else run.push(p);
  }
  if (run.length > 1) runs.push(run);
  return runs;
}

/** Samples the loss on a resolution x resolution grid over the box and traces the given levels. */
export function lossContours(
  loss: (x: number, y: number) => number,
  box: Box,
  levels: readonly number[],
  resolution = 90,
): ContourLine[] {
  const nx = resolution;
  const ny = resolution;
  const dx = (box.x[1] - box.x[0]) / (nx - 1);
  const dy = (box.y[1] - box.y[0]) / (ny - 1);
  const values = new Array<number>(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) values[j * nx + i] = loss(box.x[0] + i * dx, box.y[0] + j * dy);
  // d3-contour puts grid sample k at coordinate k + 0.5.
  const toProblem = ([gx, gy]: number[]): [number, number] => [box.x[0] + (gx - 0.5) * dx, box.y[0] + (gy - 0.5) * dy];
  const lines: ContourLine[] = [];
  for (const shape of contours()
    .size([nx, ny])
    .thresholds([...levels])(values)) {
    for (const polygon of shape.coordinates) {
      for (const ring of polygon) {
        for (const run of interiorRuns(ring, nx, ny)) lines.push({ level: shape.value, points: run.map(toProblem) });
      }
    }
  }
  return lines;
}

/** The loss on the grid, for choosing levels: every sample, sorted. */
export function sampledLosses(loss: (x: number, y: number) => number, box: Box, resolution = 40): number[] {
  const out: number[] = [];
  for (let j = 0; j < resolution; j++) {
    for (let i = 0; i < resolution; i++) {
      const v = loss(
        box.x[0] + ((box.x[1] - box.x[0]) * i) / (resolution - 1),
        box.y[0] + ((box.y[1] - box.y[0]) * j) / (resolution - 1),
      );
      if (Number.isFinite(v)) out.push(v);
    }
  }
  return out.sort((a, b) => a - b);
}
