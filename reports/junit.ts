// JUnit XML: one test case per adapter x case x dtype x mode; failures carry the first divergent
// step and the values, skips carry their reason. CI systems render this natively.
import { CALIBRATION_VERDICT_NAMES, type Cell, type ConformanceReport, type RecordingsSection } from '../runner/result.js';
import { describeDivergence, nothingCompared } from './text.js';
import { RECORDINGS_HEADINGS } from './recordings-table.js';
import { exactnessText } from './exactness.js';

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
    case 'xfail': {
      // Which passing cells are bit-exact and which only exact up to the declared op error.
      const exact = c.status === 'pass' ? exactnessText(c) : null;
      return exact ? `${open}>\n      <system-out>${escapeXml(exact)}</system-out>\n    </testcase>` : `${open}/>`;
    }
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

/** One test case per recorded framework: it fails when a file's verdict moved from the stated one. */
function recordingsSuite(report: ConformanceReport): { xml: string; tests: number; failures: number } {
  const r = report.recordings;
  if (!r) return { xml: '', tests: 0, failures: 0 };
  const frameworkOf = new Map(r.files.map((x) => [x.file, x.framework]));
  // A stated file that was not replayed has no framework here: it fails a case of its own.
  const frameworks = [
    ...Object.keys(r.byFramework).sort(),
    ...(r.moved.some((m) => !frameworkOf.has(m.file)) ? ['(not replayed)'] : []),
  ];
  const movedIn = (f: string) => r.moved.filter((m) => (frameworkOf.get(m.file) ?? '(not replayed)') === f);
  const cases = frameworks.map((f) => {
    const c = r.byFramework[f] as RecordingsSection['counts'] | undefined;
    const counts = c ? CALIBRATION_VERDICT_NAMES.map((v) => `${c[v]} ${RECORDINGS_HEADINGS[v]}`).join(', ') : 'stated files';
    const open = `    <testcase classname="rmsprop-harness.recordings" name="${escapeXml(`${f}: ${counts}`)}" time="0"`;
    const moved = movedIn(f);
    if (moved.length === 0) return { xml: `${open}/>`, failed: false };
    const message = moved.map((m) => `${m.file}: stated ${m.expected}, now ${m.actual}`).join('; ');
    return {
      xml: `${open}>\n      <failure message="${escapeXml(message)}">${escapeXml(message)}</failure>\n    </testcase>`,
      failed: true,
    };
  });
  const failures = cases.filter((c) => c.failed).length;
  return {
    xml: [
      `  <testsuite name="recordings" tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${(r.durationMs / 1000).toFixed(3)}">`,
      ...cases.map((c) => c.xml),
      '  </testsuite>',
    ].join('\n'),
    tests: cases.length,
    failures,
  };
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
  const recordings = recordingsSuite(report);
  const s = report.summary;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rmsprop-harness conformance" tests="${report.cells.length + unmeasured.size + recordings.tests}" failures="${s.fail + s.xpass + unmeasured.size + recordings.failures}" errors="${s.error}" skipped="${s.skip + s.unavailable}">`,
    ...suites,
    ...(recordings.xml ? [recordings.xml] : []),
    '</testsuites>',
    '',
  ].join('\n');
}
