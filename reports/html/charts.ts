// A vega-lite specification rendered to a static SVG string in Node (no DOM, no canvas, no script in
// the page): vega-lite compiles it, a headless vega View renders it with the SVG string renderer.

import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Settings every chart shares: plain fonts, no ARIA per mark (it doubles the SVG size), white background. */
const BASE_CONFIG: Record<string, unknown> = {
  aria: false,
  background: 'white',
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  title: { anchor: 'start', fontSize: 13, subtitleFontSize: 11, subtitleColor: '#57606a' },
  legend: { labelLimit: 360, titleLimit: 360 },
  axis: { labelLimit: 240 },
};

/**
 * vega's SVG renderer numbers clip paths and gradients from global counters: the same chart renders
 * with different ids each time, and two charts in one page could share one. Renumber the ids in order
 * of appearance under a per-chart prefix: deterministic, and unique within the document.
 */
function renumberDefinitionIds(svg: string, prefix: string): string {
  const seen = new Map<string, string>();
  const local = (id: string) => {
    let name = seen.get(id);
    if (name === undefined) {
      name = `${prefix}-d${seen.size + 1}`;
      seen.set(id, name);
    }
    return name;
  };
  return svg.replace(/(id="|url\(#)((?:p_)?(?:clip|gradient_)\d+)/g, (_m, lead: string, id: string) => `${lead}${local(id)}`);
}

/**
 * Coordinates in attribute values rounded to 2 decimals (vega writes 27.272727272727273): a hundredth
 * of a pixel is invisible, and the digits were a third of the page's bytes. Text content is untouched.
 */
export function roundCoordinates(svg: string): string {
  return svg.replace(/="([^"]*)"/g, (_m, value: string) => `="${value.replace(/(\d+\.\d\d)\d+/g, '$1')}"`);
}

export class ChartError extends Error {}

/**
 * Renders a vega-lite spec to SVG markup. Text that vega writes (titles, labels, legend entries)
 * comes out escaped by vega's SVG string renderer, so data values may be arbitrary strings; they must
 * never be used as field names or expressions.
 */
export async function renderChart(spec: TopLevelSpec, chartId: string): Promise<string> {
  if (!/^[a-z][a-z0-9-]*$/.test(chartId)) throw new ChartError(`chart id '${chartId}' is not a plain id`);
  const config = mergeConfig(BASE_CONFIG, (spec as { config?: Record<string, unknown> }).config ?? {});
  // Only errors are worth a line on stderr; vega-lite's warnings (dropped channels) are design-time notes.
  const compiled = compile({ ...spec, config }, { logger: vega.logger(vega.Error) }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    const svg = await view.toSVG();
    return roundCoordinates(renumberDefinitionIds(svg, chartId)).replace(/^<svg /, `<svg role="img" id="${chartId}" `);
  } finally {
    view.finalize();
  }
}

/**
 * Renders one vega-lite spec many times with different data: the spec is compiled and parsed once,
 * then each chart is a fresh View fed its named datasets (the comparison charts of the difference
 * matrix: a hundred and more small charts of one design). Returns the SVGs in order.
 */
export async function renderChartsWithData(
  spec: TopLevelSpec,
  charts: readonly { id: string; data: Record<string, readonly object[]> }[],
): Promise<string[]> {
  for (const c of charts) if (!/^[a-z][a-z0-9-]*$/.test(c.id)) throw new ChartError(`chart id '${c.id}' is not a plain id`);
  const config = mergeConfig(BASE_CONFIG, (spec as { config?: Record<string, unknown> }).config ?? {});
  const runtime = vega.parse(compile({ ...spec, config }, { logger: vega.logger(vega.Error) }).spec);
  const out: string[] = [];
  for (const c of charts) {
    const view = new vega.View(runtime, { renderer: 'none', logLevel: vega.Error });
    try {
      for (const [name, values] of Object.entries(c.data)) view.data(name, values as object[]);
      const svg = await view.toSVG();
      out.push(roundCoordinates(renumberDefinitionIds(svg, c.id)).replace(/^<svg /, `<svg role="img" id="${c.id}" `));
    } finally {
      view.finalize();
    }
  }
  return out;
}

/** A chart's own config on top of the shared one, one level deep (its `axis` adds to the shared `axis`). */
function mergeConfig(base: Record<string, unknown>, own: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(own)) {
    const shared = base[key];
    const bothObjects =
      typeof shared === 'object' && shared !== null && typeof value === 'object' && value !== null && !Array.isArray(value);
    out[key] = bothObjects ? { ...shared, ...value } : value;
  }
  return out;
}
