// JUnit XML: one test case per adapter x case x dtype x mode; failures carry the first divergent
// step and the values, skips carry their reason. CI systems render this natively.
import type { Cell, ConformanceReport } from '../runner/result.js';
import { describeDivergence } from './text.js';

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // XML 1.0 forbids most control characters even when escaped.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function testCase(c: Cell): string {
  const name = escapeXml(`${c.case} [${c.dtype}, ${c.mode}]`);
  const time = (c.durationMs / 1000).toFixed(3);
  const open = `    <testcase classname="${escapeXml(`rmsprop-harness.${c.adapter}`)}" name="${name}" time="${time}"`;
  switch (c.status) {
    case 'pass':
    case 'xfail':
      return `${open}/>`;
    case 'skip':
    case 'unavailable':
      return `${open}>\n      <skipped message="${escapeXml(`${c.status}: ${c.reason ?? ''}`)}"/>\n    </testcase>`;
    case 'error':
      return `${open}>\n      <error message="${escapeXml(c.reason ?? 'error')}"/>\n    </testcase>`;
    case 'fail':
    case 'xpass': {
      const message = c.status === 'xpass' ? 'passed although marked expected-to-fail: remove it from the xfail list' : describeDivergence(c);
      return `${open}>\n      <failure message="${escapeXml(message)}">${escapeXml(message)}</failure>\n    </testcase>`;
    }
  }
}

export function renderJunit(report: ConformanceReport): string {
  const byAdapter = new Map<string, Cell[]>();
  for (const c of report.cells) {
    if (!byAdapter.has(c.adapter)) byAdapter.set(c.adapter, []);
    byAdapter.get(c.adapter)!.push(c);
  }
  const suites = [...byAdapter].map(([adapter, cells]) => {
    const count = (s: Cell['status'][]) => cells.filter((c) => s.includes(c.status)).length;
    const time = (cells.reduce((t, c) => t + c.durationMs, 0) / 1000).toFixed(3);
    return [
      `  <testsuite name="${escapeXml(adapter)}" tests="${cells.length}" failures="${count(['fail', 'xpass'])}" errors="${count(['error'])}" skipped="${count(['skip', 'unavailable'])}" time="${time}">`,
      ...cells.map(testCase),
      '  </testsuite>',
    ].join('\n');
  });
  const s = report.summary;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rmsprop-harness conformance" tests="${report.cells.length}" failures="${s.fail + s.xpass}" errors="${s.error}" skipped="${s.skip + s.unavailable}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
