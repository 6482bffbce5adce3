// The benchmark report as Markdown: the roofline per size and thread count (bandwidth probes,
// compute ceiling, native triads), a throughput table per size (ms/step with its spread, G elem/s,
// GB/s, fraction of the limit, speed-up over PyTorch), GPU phase split, model-shaped steps, and
// accuracy versus speed per adapter.

import type { BenchReport, ThroughputEntry } from '../runner/bench/report.js';
import { formatFixed, formatMs, formatPercent, formatRme, formatSize, formatTiming } from '../runner/number-format.js';

function row(cells: (string | number)[]): string {
  return `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
}

function spread(r: ThroughputEntry): string {
  if (!r.repetitions || r.repetitions.length < 2) return '-';
  const ratios = r.repetitions.map((x) => x.ratio).filter((x): x is number => x !== undefined);
  if (ratios.length === r.repetitions.length)
    return `${formatPercent(Math.min(...ratios))}–${formatPercent(Math.max(...ratios))} (${ratios.map(formatPercent).join(' ')})`;
  const m = r.repetitions.map((x) => x.medianMs);
  return `${formatMs(Math.min(...m))}–${formatMs(Math.max(...m))}`;
}

function throughputRow(r: ThroughputEntry): string {
  if (r.status !== 'ok') return row([r.target, r.threads, r.status, '-', '-', '-', '-', '-', '-', '-', '-', r.reason ?? '']);
  const s = r.stats!;
  const ratio =
    r.ratio !== undefined
      ? `${formatPercent(r.ratio)}${r.ratio > 1 ? ' *' : ''}${r.ratioMethod === 'paired' ? ` (paired ${formatPercent(r.beside?.ratioP25)}–${formatPercent(r.beside?.ratioP75)}; roofline ${formatPercent(r.pooledRatio)})` : ''}`
      : '-';
  return row([
    r.target,
    r.roofline?.threads !== undefined ? `${r.threads}` : String(r.threads),
    formatMs(s.medianMs),
    s.p25Ms !== undefined ? `${formatMs(s.p25Ms)}–${formatMs(s.p75Ms)}` : formatRme(s.rme),
    formatMs(s.minMs),
    formatFixed(r.elementsPerSecond! / 1e9, 3),
    formatFixed(r.gbPerSecond, 1),
    r.limitMs !== undefined
      ? `${formatMs(r.limitMs)} (${r.ratioMethod === 'paired' ? `measured beside ${r.beside?.samples} samples` : r.roofline!.probe})`
      : '-',
    `${ratio} / ${formatPercent(r.bestRatio)}`,
    spread(r),
    r.speedupOverPytorch !== undefined ? `${formatFixed(r.speedupOverPytorch, 2)}x` : '-',
    r.kernel ?? '',
  ]);
}

export function renderBenchMarkdown(report: BenchReport): string {
  const e = report.environment;
  const vt = report.variantTraffic;
  const out: string[] = [];
  const reps = report.settings.repetitions ?? 1;
  out.push('# RMSprop benchmark', '');
  out.push(
    `${report.generatedAt} · ${e.cpu} · ${e.cores} cores · ${e.memoryGiB} GiB · node ${e.node} · ${e.platform}-${e.arch} · load ${e.loadAverage.join(' ')}`,
    '',
  );
  out.push(
    `Variant: profile \`${report.settings.profile}\`, ${report.settings.dtype}. Traffic per element: read ${vt.reads.join(', ')}; write ${vt.writes.join(', ')} = **${vt.bytesPerElement} bytes**. ` +
      `Bytes are counted with the **${report.byteModel ?? 'STREAM (3 elements per triad)'}** model: a store to a line the kernel did not read first reads it (the triad moves 4 elements, copy 3, the read-only sum 1); the step writes only arrays it has just read, so its ${vt.bytesPerElement} bytes are its write-allocate traffic too. ` +
      `Time budget ${report.settings.timeMs} ms per measurement${reps > 1 ? `, ${reps} repetitions of every size (roofline and targets interleaved; samples pooled, spread per repetition)` : ''}; times are per step.`,
    '',
  );

  out.push('## Roofline', '');
  out.push(
    "Per size and thread count: the best bandwidth probe (WASM SIMD triad, copy and read-only sum, on one thread and on every core with warm threads), and the step's compute ceiling (the wasm step with its arrays in cache, on as many threads, in GB/s at the step's bytes). The limit is the lower of the two; a target on t threads is held to the limit for t threads. Limits and rows are compared like for like: the limit from the probes' medians holds the rows' medians, the limit from their fastest samples the rows' fastest samples (cells show the median, then the fastest sample). \"Native\" rows are frameworks' own triads timed by their programs in the same run (write-allocate bytes), compared with the harness's memory roofline by median and by fastest sample.",
    '',
  );
  out.push(
    row([
      'size',
      'threads',
      'limit GB/s (median / fastest)',
      'bound',
      'memory GB/s (probe)',
      'compute GB/s',
      'triad',
      'copy',
      'sum',
      'native triad GB/s (roofline / native)',
    ]),
  );
  out.push(row(['---', '---:', '---:', '---', '---:', '---:', '---:', '---:', '---:', '---']));
  for (const r of report.roofline) {
    for (const l of r.limits ?? []) {
      const probe = (k: string) => {
        const p = r.probes.find((x) => x.probe === `wasm-simd-${k}` && x.threads === l.threads);
        return p
          ? p.gbPerSecond !== undefined
            ? `${formatFixed(p.medianGbPerSecond ?? p.gbPerSecond, 1)} / ${formatFixed(p.gbPerSecond, 1)}`
            : `error: ${p.error}`
          : '-';
      };
      const native = (r.native ?? [])
        .filter((t) => t.threads === l.threads)
        .map(
          (t) =>
            `${t.source}: ${formatFixed(t.medianGbPerSecond, 1)} (${formatPercent((l.memoryGbPerSecond ?? l.gbPerSecond) / t.medianGbPerSecond)}); fastest ${formatFixed(t.gbPerSecond, 1)} (${formatPercent((l.memoryBestGbPerSecond ?? l.gbPerSecond) / t.gbPerSecond)})`,
        );
      out.push(
        row([
          formatSize(r.n),
          l.threads,
          `${formatFixed(l.gbPerSecond, 1)} / ${formatFixed(l.bestGbPerSecond ?? l.gbPerSecond, 1)}`,
          l.bound ?? 'memory',
          `${formatFixed(l.memoryGbPerSecond ?? l.gbPerSecond, 1)} / ${formatFixed(l.memoryBestGbPerSecond ?? l.memoryGbPerSecond ?? l.gbPerSecond, 1)} (${l.memoryProbe ?? l.probe})`,
          `${formatFixed(l.computeGbPerSecond, 1)} / ${formatFixed(l.computeBestGbPerSecond ?? l.computeGbPerSecond, 1)}`,
          probe('triad'),
          probe('copy'),
          probe('sum'),
          native.join('; ') || '-',
        ]),
      );
    }
  }
  out.push('');

  const sizes = [...new Set(report.results.map((r) => r.n))];
  for (const n of sizes) {
    const rows = report.results.filter((r) => r.n === n);
    const ref = report.pytorchReference?.find((x) => x.n === n);
    out.push(`## Throughput at ${formatSize(n)} elements`, '');
    if (ref)
      out.push(
        `Speed-up over PyTorch: the fastest PyTorch CPU step at this size, \`${ref.target}\` (${formatMs(ref.medianMs)}), divided by the row's median.`,
        '',
      );
    out.push(
      row([
        'target',
        'threads',
        'ms/step (median)',
        'p25–p75',
        'best',
        'G elem/s',
        'GB/s',
        'limit ms/step (ceiling)',
        'of limit (median / best)',
        'spread of repetitions',
        'vs PyTorch',
        'kernel / reason',
      ]),
    );
    out.push(row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---', '---:', '---', '---:', '---']));
    for (const r of rows) out.push(throughputRow(r));
    out.push('');
    if (rows.some((r) => r.ratioMethod === 'paired'))
      out.push(
        '"paired": the row timed its loop in this process, and the harness ran its bandwidth probes on the row\'s threads right before each of its samples; each sample is held to min(the best probe of its round, the step\'s compute ceiling), and the ratio is the median of those paired ratios (p25–p75 beside it). The memory bandwidth of a shared machine drifts by 10-30% between seconds; pairing takes that drift out of the ratio. "roofline": the same row\'s median against the roofline table\'s limit, measured before the rows.',
        '',
      );
    const above = rows.filter((r) => r.ratioNote);
    if (above.length > 0)
      out.push(...above.map((r) => `* ${r.target}: ${formatPercent(r.ratio)} of the limit: ${r.ratioNote}.`), '');
  }
  const notes = [...new Set(report.results.flatMap((r) => (r.notes ?? []).map((n) => `${r.target}: ${n}`)))];
  if (notes.length > 0) out.push('Notes:', '', ...notes.map((n) => `- ${n}`), '');

  const gpu = report.results.filter((r) => r.gpu);
  if (gpu.length > 0) {
    out.push('## GPU phases', '');
    out.push(
      row([
        'target',
        'size',
        'device',
        'upload p+state',
        'upload grad',
        'compute/step',
        'readback p+state',
        'copy GB/s',
        'step GB/s',
        'ratio',
        'timing',
      ]),
    );
    out.push(row(['---', '---:', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
    for (const r of gpu) {
      const p = r.gpu!;
      out.push(
        row([
          r.target,
          formatSize(r.n),
          p.device,
          formatMs(p.uploadMs),
          formatMs(p.gradientUploadMs),
          formatMs(p.computeMs),
          formatMs(p.readbackMs),
          formatFixed(p.copy.gbPerSecond, 1),
          formatFixed(r.gbPerSecond, 1),
          formatPercent(r.ratio),
          p.timing,
        ]),
      );
    }
    out.push('');
  }

  if (report.models.length > 0) {
    out.push('## Model-shaped step (per tensor vs one fused call)', '');
    out.push(
      "Per tensor: the model's parameter list, one tensor each (built-in kernels: one call per tensor; PyTorch: the optimizer over the list, for-loop or foreach multi-tensor). Fused: one flat tensor of the total.",
      '',
    );
    out.push(
      row([
        'model',
        'target',
        'parameters',
        'tensors',
        'scale',
        'per-tensor step',
        'fused step',
        'per-tensor / fused',
        'fused GB/s',
        'fused of limit',
        'fused vs PyTorch',
        'status',
      ]),
    );
    out.push(row(['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']));
    for (const m of report.models) {
      out.push(
        row([
          m.model,
          m.target,
          m.parameters.toLocaleString('en-US'),
          m.tensors,
          m.scale,
          formatTiming(m.perTensor),
          formatTiming(m.fused),
          m.speedup !== undefined ? `${formatFixed(m.speedup, 2)}x` : '-',
          formatFixed(m.fusedGbPerSecond, 1),
          formatPercent(m.fusedRatio),
          m.speedupOverPytorch !== undefined ? `${formatFixed(m.speedupOverPytorch, 2)}x` : '-',
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
    const dtype = report.settings.dtype;
    out.push(
      `Accuracy from \`${report.accuracy.source}\` (max free-running ULP distance over the compared ${dtype} cells: ULPs of different dtypes are not comparable, so the column reads the benchmark's dtype only).`,
      '',
    );
    const largest = Math.max(...report.settings.sizes);
    out.push(
      row([
        'target',
        'adapter',
        'conformance',
        'pass',
        'fail',
        'error',
        `max ULP (${dtype})`,
        `G elem/s at ${formatSize(largest)}`,
        'ratio',
      ]),
    );
    out.push(row(['---', '---', '---', '---:', '---:', '---:', '---:', '---:', '---:']));
    // Every row at the largest size (an adapter's paths are rows of their own), else the target's status.
    const rowsAtLargest = report.results.filter((x) => x.n === largest).map((x) => x.target);
    for (const target of rowsAtLargest.length > 0 ? rowsAtLargest : report.settings.targets) {
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
          a?.maxUlpByDtype?.[dtype] ?? '-',
          r?.status === 'ok' ? formatFixed(r.elementsPerSecond! / 1e9, 3) : (r?.status ?? '-'),
          formatPercent(r?.ratio),
        ]),
      );
    }
    out.push('');
  }
  return out.join('\n');
}
