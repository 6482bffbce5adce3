// JUnit XML: one test case per adapter x case x dtype x mode; failures carry the first divergent
// step and the values, skips carry their reason. CI systems render this natively.
import type { Cell, ConformanceReport } from '../runner/result.js';
import { describeDivergence, nothingCompared } from './text.js';

export function escapeXml(s: string): string {
  return (
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // XML 1.0 forbids most control characters even when escaped.
      // eslint-disable-next-line no-control-regex -- matching control characters is the point: they are escaped.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  );
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
      const message =
        c.status === 'xpass' ? 'passed although marked expected-to-fail: remove it from the xfail list' : describeDivergence(c);
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
  // An adapter for which nothing was compared fails: one failing test case carries its verdict.
  const unmeasured = new Map(nothingCompared(report).map((v) => [v.adapter, v]));
  const suites = [...byAdapter].map(([adapter, cells]) => {
    const count = (s: Cell['status'][]) => cells.filter((c) => s.includes(c.status)).length;
    const time = (cells.reduce((t, c) => t + c.durationMs, 0) / 1000).toFixed(3);
    const verdict = unmeasured.get(adapter);
    return [
      `  <testsuite name="${escapeXml(adapter)}" tests="${cells.length + (verdict ? 1 : 0)}" failures="${count(['fail', 'xpass']) + (verdict ? 1 : 0)}" errors="${count(['error'])}" skipped="${count(['skip', 'unavailable'])}" time="${time}">`,
      ...cells.map(testCase),
      ...(verdict
        ? [
            `    <testcase classname="${escapeXml(`rmsprop-harness.${adapter}`)}" name="verdict" time="0">\n      <failure message="${escapeXml(verdict.reason)}">${escapeXml(verdict.reason)}</failure>\n    </testcase>`,
          ]
        : []),
      '  </testsuite>',
    ].join('\n');
  });
  const s = report.summary;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rmsprop-harness conformance" tests="${report.cells.length + unmeasured.size}" failures="${s.fail + s.xpass + unmeasured.size}" errors="${s.error}" skipped="${s.skip + s.unavailable}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
