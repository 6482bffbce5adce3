// Writes the selected report formats into a directory, each file atomically.
import { join } from 'node:path';
import { InputError } from '../reference/errors.js';
import type { ConformanceReport } from '../runner/result.js';
import { writeFileAtomic } from './atomic-write.js';
import { renderJson } from './json-report.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';

export const REPORT_FORMATS = ['json', 'md', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const RENDERERS: Record<ReportFormat, { file: string; render: (r: ConformanceReport) => string }> = {
  json: { file: 'conformance.json', render: renderJson },
  md: { file: 'conformance.md', render: renderMarkdown },
  junit: { file: 'conformance.junit.xml', render: renderJunit },
};

export function parseFormats(text: string): ReportFormat[] {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const f of items) if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new InputError(`--format: unknown format '${f}'; expected a comma list of ${REPORT_FORMATS.join(', ')}`);
  return items as ReportFormat[];
}

/** Renders everything first, then writes: a rendering error leaves no file half-written. */
export function writeReports(report: ConformanceReport, dir: string, formats: readonly ReportFormat[]): string[] {
  const rendered = formats.map((f) => ({ path: join(dir, RENDERERS[f].file), text: RENDERERS[f].render(report) }));
  for (const r of rendered) writeFileAtomic(r.path, r.text);
  return rendered.map((r) => r.path);
}
