// Writes the selected report formats into a directory, each file atomically.
import { join } from 'node:path';
import { InputError } from '../reference/errors.js';
import type { BenchReport } from '../runner/bench/report.js';
import type { ConformanceReport } from '../runner/result.js';
import { writeFileAtomic } from './atomic-write.js';
import { renderJson } from './json-report.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';

export const REPORT_FORMATS = ['json', 'md', 'junit', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderContext {
  /** A benchmark of the same run, for the HTML report's throughput charts. */
  bench?: BenchReport | null;
}

const RENDERERS: Record<
  ReportFormat,
  { file: string; render: (r: ConformanceReport, context: RenderContext) => string | Promise<string> }
> = {
  json: { file: 'conformance.json', render: renderJson },
  md: { file: 'conformance.md', render: renderMarkdown },
  junit: { file: 'conformance.junit.xml', render: renderJunit },
  // Loaded on demand: Vega is a large import every other command would pay for at start-up.
  html: {
    file: 'conformance.html',
    render: async (r, context) => (await import('./html/html-report.js')).renderHtml(r, context.bench ?? null),
  },
};

export function parseFormats(text: string): ReportFormat[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const f of items)
    if (!(REPORT_FORMATS as readonly string[]).includes(f))
      throw new InputError(`--format: unknown format '${f}'; expected a comma list of ${REPORT_FORMATS.join(', ')}`);
  if (items.length === 0) throw new InputError(`--format: give at least one of ${REPORT_FORMATS.join(', ')}`);
  return items as ReportFormat[];
}

/** Renders everything first, then writes: a rendering error leaves no file half-written. */
export async function writeReports(
  report: ConformanceReport,
  dir: string,
  formats: readonly ReportFormat[],
  context: RenderContext = {},
): Promise<string[]> {
  const rendered = await Promise.all(
    formats.map(async (f) => ({ path: join(dir, RENDERERS[f].file), text: await RENDERERS[f].render(report, context) })),
  );
  for (const r of rendered) writeFileAtomic(r.path, r.text);
  return rendered.map((r) => r.path);
}
