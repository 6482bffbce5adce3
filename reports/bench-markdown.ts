// The benchmark report as Markdown: roofline per size, throughput with ratios to it, GPU phase
// split, model-shaped steps, and accuracy versus speed per adapter.

import type { BenchReport, ThroughputEntry } from '../runner/bench/report.js';
import { fmtMs } from '../runner/bench/baseline.js';

const g = (x: number | undefined, digits = 2) => (x === undefined ? '-' : x.toFixed(digits));
const pct = (x: number | undefined) => (x === undefined ? '-' : `${(x * 100).toFixed(0)}%`);
const sizeLabel = (n: number) => (Number.isInteger(Math.log10(n)) ? `1e${Math.log10(n)}` : String(n));
const ms = (x: number | undefined) => (x === undefined ? '-' : fmtMs(x));

function row(cells: (string | number)[]): string {
  return `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
}

function throughputRow(r: ThroughputEntry): string {
  if (r.status !== 'ok') return row([r.target, sizeLabel(r.n), r.status, '-', '-', '-', '-', '-', '-', '-', r.reason ?? '']);
  const s = r.stats!;
  return row([
    r.target,
    sizeLabel(r.n),
    ms(s.medianMs),
    ms(s.p99Ms),
    `±${s.rme.toFixed(1)}%`,
    g(r.elementsPerSecond! / 1e9, 3),
    `${g(r.gbPerSecond, 1)} (${r.traffic!.variantBytesPerElement} B)`,
    `${g(r.touchedGbPerSecond, 1)} (${r.traffic!.touchedBytesPerElement} B)`,
    r.roofline ? `${g(r.roofline.gbPerSecond, 1)} ${r.roofline.probe}` : '-',
    pct(r.ratio),
    r.kernel ?? '',
  ]);
}

export function renderBenchMarkdown(report: BenchReport): string {
  const e = report.environment;
  const vt = report.variantTraffic;
  const out: string[] = [];
  out.push('# RMSprop benchmark', '');
  out.push(`${report.generatedAt} · ${e.cpu} · ${e.cores} cores · ${e.memoryGiB} GiB · node ${e.node} · ${e.platform}-${e.arch} · load ${e.loadAverage.join(' ')}`, '');
  out.push(
    `Variant: profile \`${report.settings.profile}\`, ${report.settings.dtype}. Minimum traffic per element: read ${vt.reads.join(', ')}; write ${vt.writes.join(', ')} = **${vt.bytesPerElement} bytes**. ` +
      `GB/s and the ratio use these bytes; "touched" uses what the kernel actually loads and stores. Time budget ${report.settings.timeMs} ms per measurement; times are per step (median, p99, relative margin of error of the mean).`,
    '',
  );

  out.push('## Roofline (STREAM triad a = b + s·c)', '');
  out.push(row(['size', 'best', 'GB/s', ...['ts-triad', 'wasm-simd-triad', 'wasm-simd-mt-triad'].map((p) => `${p} GB/s`)]));
  out.push(row(['---', '---', '---:', '---:', '---:', '---:']));
  for (const r of report.roofline) {
    const probe = (name: string) => {
      const p = r.probes.find((x) => x.probe === name);
      return p ? (p.gbPerSecond !== undefined ? `${g(p.gbPerSecond, 1)}${p.threads > 1 ? ` (${p.threads} thr)` : ''}` : `error: ${p.error}`) : '-';
    };
    out.push(row([sizeLabel(r.n), r.best, g(r.gbPerSecond, 1), probe('ts-triad'), probe('wasm-simd-triad'), probe('wasm-simd-mt-triad')]));
  }
  out.push('');
  out.push(
    'The triad is counted at the STREAM convention (read b, c; write a = 3 elements). With write-allocate caches the write of a also reads it (4 elements moved), while the RMSprop step updates p and v in place (every byte it writes it has read), so a step can exceed the triad\'s counted GB/s by up to 4/3: ratios up to ~133% are bandwidth-bound, not errors.',
    '',
  );

  out.push('## Throughput', '');
  out.push(row(['target', 'size', 'median', 'p99', 'rme', 'G elem/s', 'GB/s (variant B)', 'GB/s touched (B)', 'roofline GB/s', 'ratio', 'kernel / reason']));
  out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---', '---:', '---']));
  for (const r of report.results) out.push(throughputRow(r));
  out.push('');
  const notes = [...new Set(report.results.flatMap((r) => (r.notes ?? []).map((n) => `${r.target}: ${n}`)))];
  if (notes.length > 0) out.push(...notes.map((n) => `- ${n}`), '');

  const gpu = report.results.filter((r) => r.gpu);
  if (gpu.length > 0) {
    out.push('## GPU phases', '');
    out.push(row(['target', 'size', 'device', 'upload p+state', 'upload grad', 'compute/step', 'readback p+state', 'copy GB/s', 'step GB/s', 'ratio', 'timing']));
    out.push(row(['---', '---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
    for (const r of gpu) {
      const p = r.gpu!;
      out.push(row([r.target, sizeLabel(r.n), p.device, ms(p.uploadMs), ms(p.gradientUploadMs), ms(p.computeMs), ms(p.readbackMs), g(p.copy.gbPerSecond, 1), g(r.gbPerSecond, 1), pct(r.ratio), p.timing]));
    }
    out.push('');
  }

  if (report.models.length > 0) {
    out.push('## Model-shaped step (per tensor vs one fused call)', '');
    out.push(row(['model', 'target', 'parameters', 'tensors', 'scale', 'per-tensor step', 'fused step', 'per-tensor / fused', 'fused GB/s', 'status']));
    out.push(row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
    for (const m of report.models) {
      out.push(
        row([
          m.model,
          m.target,
          m.parameters.toLocaleString('en-US'),
          m.tensors,
          m.scale,
          m.perTensor ? `${ms(m.perTensor.medianMs)} ±${m.perTensor.rme.toFixed(1)}%` : '-',
          m.fused ? `${ms(m.fused.medianMs)} ±${m.fused.rme.toFixed(1)}%` : '-',
          m.speedup !== undefined ? `${g(m.speedup, 2)}x` : '-',
          g(m.fusedGbPerSecond, 1),
          m.status === 'ok' ? 'ok' : `${m.status}: ${m.reason ?? ''}`,
        ]),
      );
    }
    out.push('');
  }

  out.push('## Accuracy versus speed', '');
  if (!report.accuracy) {
    out.push('No conformance report was given (--conformance FILE, or reports/latest/conformance.json).', '');
  } else {
    out.push(`Accuracy from \`${report.accuracy.source}\` (max free-running ULP distance over compared cells).`, '');
    const largest = Math.max(...report.settings.sizes);
    out.push(row(['target', 'adapter', 'conformance', 'pass', 'fail', 'error', 'max ULP', `G elem/s at ${sizeLabel(largest)}`, 'ratio']));
    out.push(row(['---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:']));
    for (const target of report.settings.targets) {
      const r = report.results.find((x) => x.target === target && x.n === largest);
      const a = report.accuracy.entries.find((x) => x.adapter === (r?.adapter ?? target));
      out.push(
        row([
          target,
          r?.adapter ?? target,
          a ? a.verdict : 'not in report',
          a?.pass ?? '-',
          a?.fail ?? '-',
          a?.error ?? '-',
          a?.maxUlp ?? '-',
          r?.status === 'ok' ? g(r.elementsPerSecond! / 1e9, 3) : (r?.status ?? '-'),
          pct(r?.ratio),
        ]),
      );
    }
    out.push('');
  }
  return out.join('\n');
}
