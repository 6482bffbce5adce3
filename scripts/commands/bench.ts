import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Argv } from 'yargs';
import { ALL_DTYPES, DTYPES, type Dtype } from '../../reference/arithmetic.js';
import { InputError } from '../../reference/errors.js';
import { renderBenchMarkdown } from '../../reports/bench-markdown.js';
import { createGitHubOutput, defaultGitHubOutput, publishBenchToGitHub } from '../../reports/github.js';
import { writeFileAtomic } from '../../reports/atomic-write.js';
import { numberReplacer } from '../../reports/json-report.js';
import { compareReports, formatComparison, loadBaseline } from '../../runner/bench/baseline.js';
import type { BenchReport } from '../../runner/bench/report.js';
import { runBench } from '../../runner/bench/run-bench.js';
import { limitFor } from '../../runner/bench/roofline.js';
import { ratioText } from '../../runner/bench/ratio-text.js';
import { readJsonFile } from '../../suites/json-file.js';
import { checkOutputDirectory, checkOutputFile } from '../output-paths.js';
import { MODELS } from '../../suites/models/index.js';
import { splitAdapterSpecs } from './conform.js';
import {
  EXIT_DIVERGED,
  EXIT_INTERRUPTED,
  EXIT_OK,
  interruptible,
  list,
  parseNumberList,
  refuseRepeatedOptions,
  runCommand,
  writeJsonToStdout,
} from '../cli-support.js';
import { checkBenchSizes } from '../memory-limits.js';

export interface BenchArgs {
  adapters?: string[];
  sizes: string;
  dtype: string;
  profile: string;
  time: number;
  json: boolean;
  out: string;
  baseline?: string;
  saveBaseline?: string;
  conformance?: string;
  models: string;
  modelScale?: number;
  repetitions?: number;
  beside?: boolean;
  quiet: boolean;
}

/** What the accuracy table reads from a conformance report (other fields are not checked). */
const ConformanceInputSchema = Type.Object({
  format: Type.Literal('rmsprop-harness/conformance'),
  adapters: Type.Array(Type.Object({ label: Type.String() })),
  cells: Type.Array(
    Type.Object({
      adapter: Type.String(),
      dtype: Type.Union(ALL_DTYPES.map((d) => Type.Literal(d))), // bfloat16/float16 cells too: the default run has them
      status: Type.String(),
    }),
  ),
});

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/** The console summary: limits per size, then one line per row with its ratio to the limit of its threads and the spread. */
export function benchSummaryLines(report: BenchReport): string[] {
  const out: string[] = [];
  for (const r of report.roofline) {
    const native = (r.native ?? []).map((t) => {
      const l = limitFor(r, t.threads)!;
      return `${t.source} ${t.medianGbPerSecond.toFixed(1)} GB/s median, ${t.gbPerSecond.toFixed(1)} fastest (harness memory roofline ${pct((l.memoryGbPerSecond ?? l.gbPerSecond) / t.medianGbPerSecond)} of it by median, ${pct((l.memoryBestGbPerSecond ?? l.gbPerSecond) / t.gbPerSecond)} by fastest sample)`;
    });
    out.push(
      `roofline n=${r.n} (${r.byteModel ?? 'STREAM bytes'}): ${(r.limits ?? []).map((l) => `${l.threads} thr limit ${l.gbPerSecond.toFixed(1)} GB/s median${l.bestGbPerSecond !== undefined ? `, ${l.bestGbPerSecond.toFixed(1)} fastest` : ''} (${l.probe}; memory ${(l.memoryGbPerSecond ?? l.gbPerSecond).toFixed(1)}${l.computeGbPerSecond !== undefined ? `, compute ${l.computeGbPerSecond.toFixed(1)}` : ''})`).join(', ')}${native.length > 0 ? `; native: ${native.join(', ')}` : ''}`,
    );
  }
  for (const r of report.results) {
    if (r.status !== 'ok') {
      out.push(`${r.target} n=${r.n}: ${r.status}: ${r.reason}`);
      continue;
    }
    const s = r.stats!;
    const reps = r.repetitions
      ? `, repetitions ${r.repetitions.map((x) => (x.ratio !== undefined ? pct(x.ratio) : `${x.medianMs.toPrecision(3)} ms`)).join(' ')}`
      : '';
    out.push(
      `${r.target} n=${r.n}: ${s.medianMs.toPrecision(4)} ms/step (p25-p75 ${(s.p25Ms ?? s.medianMs).toPrecision(3)}-${(s.p75Ms ?? s.medianMs).toPrecision(3)}), ${(r.elementsPerSecond! / 1e9).toFixed(3)} G elem/s, ${r.gbPerSecond!.toFixed(1)} GB/s at ${r.traffic!.variantBytesPerElement} B/elem` +
        `${r.ratio !== undefined ? `, ${ratioText(r)}, best sample ${pct(r.bestRatio!)} of the fastest probes${r.ratio > 1 ? ' [above 100%: see bench.md]' : ''}` : ''}` +
        `${r.speedupOverPytorch !== undefined ? `, ${r.speedupOverPytorch.toFixed(2)}x PyTorch` : ''}${reps}`,
    );
  }
  for (const m of report.models) {
    out.push(
      m.status === 'ok'
        ? `model ${m.model}${m.scale !== 1 ? ` (scale ${m.scale})` : ''} ${m.target}: per tensor ${m.perTensor!.medianMs.toFixed(3)} ms, fused ${m.fused!.medianMs.toFixed(3)} ms (${m.speedup!.toFixed(2)}x)${m.speedupOverPytorch !== undefined ? `, ${m.speedupOverPytorch.toFixed(2)}x PyTorch` : ''}`
        : `model ${m.model} ${m.target}: ${m.status}: ${m.reason}`,
    );
  }
  return out;
}

export function renderBenchJson(report: BenchReport): string {
  return `${JSON.stringify(report, numberReplacer, 2)}\n`;
}

/** The command body: returns the exit code (0 ok, 1 a significant slowdown, 2 via InputError). */
export async function bench(argv: BenchArgs): Promise<number> {
  refuseRepeatedOptions(argv as unknown as Record<string, unknown>, [
    'sizes',
    'dtype',
    'profile',
    'time',
    'models',
    'model-scale',
    'out',
    'conformance',
    'baseline',
    'save-baseline',
    'repetitions',
    'beside',
  ]);
  const dtype = argv.dtype as Dtype;
  if (!DTYPES.includes(dtype)) throw new InputError(`--dtype: expected ${DTYPES.join(' or ')}, got '${argv.dtype}'`);
  if (!Number.isFinite(argv.time) || argv.time <= 0)
    throw new InputError(`--time: expected a positive number of milliseconds, got '${argv.time}'`);
  const sizes = parseNumberList('--sizes', argv.sizes) ?? [];
  if (sizes.length === 0) throw new InputError('--sizes: give at least one size');
  checkBenchSizes(sizes);
  const models = argv.models === 'none' ? [] : argv.models === 'all' ? MODELS.map((m) => m.id) : list([argv.models]);
  if (argv.modelScale !== undefined && !(argv.modelScale > 0 && argv.modelScale <= 1))
    throw new InputError(`--model-scale: expected a factor in (0, 1], got '${argv.modelScale}'`);
  const repetitions = argv.repetitions ?? 1;
  if (!Number.isInteger(repetitions) || repetitions < 1 || repetitions > 100)
    throw new InputError(`--repetitions: expected a whole number from 1 to 100, got '${argv.repetitions}'`);
  // Every input file and output path is checked before anything is measured or written: bad input
  // is one line and exit 2, and leaves no file behind.
  const baseline = argv.baseline ? loadBaseline(argv.baseline) : null;
  if (argv.conformance !== undefined)
    readJsonFile(
      argv.conformance,
      '--conformance',
      ConformanceInputSchema,
      'a conformance report written by rmsprop-harness conform',
    );
  const conformance =
    argv.conformance ??
    (existsSync(join(argv.out, 'conformance.json'))
      ? join(argv.out, 'conformance.json')
      : existsSync('reports/latest/conformance.json')
        ? 'reports/latest/conformance.json'
        : null);
  checkOutputDirectory('--out', argv.out);
  if (argv.saveBaseline !== undefined) checkOutputFile('--save-baseline', argv.saveBaseline);
  const say = (line: string) => {
    if (!argv.quiet) process.stderr.write(`${line}\n`);
  };

  // Ctrl-C: stop after the measurement in progress and write what was measured, marked incomplete.
  const interrupt = interruptible('the measurements');
  const report = await runBench({
    signal: interrupt.signal,
    ...(argv.adapters ? { targets: splitAdapterSpecs(argv.adapters) } : {}),
    repetitions,
    beside: argv.beside,
    sizes,
    dtype,
    profile: argv.profile,
    timeMs: argv.time,
    models,
    ...(argv.modelScale !== undefined ? { modelScale: argv.modelScale } : {}),
    accuracyFile: conformance,
    log: say,
  }).finally(() => interrupt.dispose());

  const json = renderBenchJson(report);
  const jsonPath = join(argv.out, 'bench.json');
  const mdPath = join(argv.out, 'bench.md');
  writeFileAtomic(jsonPath, json);
  writeFileAtomic(mdPath, `${renderBenchMarkdown(report)}\n`);
  // An interrupted run is no baseline, and gating on it would compare half a run.
  if (argv.saveBaseline && report.complete) writeFileAtomic(argv.saveBaseline, json);

  const print = (line: string) => (argv.json ? process.stderr.write(`${line}\n`) : process.stdout.write(`${line}\n`));
  if (argv.json) await writeJsonToStdout(report);
  else if (!argv.quiet) {
    for (const line of benchSummaryLines(report)) print(line);
    print(`wrote ${jsonPath}`);
    print(`wrote ${mdPath}`);
    if (argv.saveBaseline && report.complete) print(`wrote baseline ${argv.saveBaseline}`);
  }

  if (!report.complete) {
    if (!argv.quiet) print('interrupted: bench report incomplete; no baseline saved or compared');
    return EXIT_INTERRUPTED;
  }
  if (!baseline) return EXIT_OK;
  const { comparisons, slower } = compareReports(baseline, report);
  for (const c of comparisons) print(formatComparison(c));
  // Under GitHub Actions: step summary and ::error per slowdown (on stderr when stdout carries --json).
  publishBenchToGitHub(comparisons, process.env, argv.json ? createGitHubOutput(process.stderr) : defaultGitHubOutput, {
    baseline: argv.baseline!,
  });
  print(
    slower > 0
      ? `REGRESSION: ${slower} slower (Mann-Whitney U p < 0.05 and median more than 5% up)`
      : 'no significant slowdown (Mann-Whitney U on the samples)',
  );
  return slower > 0 ? EXIT_DIVERGED : EXIT_OK;
}

export function benchCommand(yargs: Argv): Argv {
  return yargs.command(
    'bench',
    "Benchmark RMSprop steps per target and size against the same-size roofline (bandwidth probes, write-allocate bytes, and the step's compute ceiling); every implementation in one run (adapters' bench capability, external programs, modules); model-shaped steps; regression gate (Mann-Whitney U on the samples; exit 1 on a significant slowdown, 2 on bad input)",
    (y) =>
      y
        .option('adapters', {
          type: 'string',
          array: true,
          describe:
            'bench targets (ts-f32, wasm-simd, wasm-simd-mt, webgpu, onnxruntime, tfjs-*) or adapter specs (external:command=..., module:path=...); default: all in the default run for the dtype',
        })
        .option('sizes', { type: 'string', default: '1e3,1e4,1e5,1e6,1e7', describe: 'elements per step, comma list' })
        .option('dtype', { type: 'string', default: 'float32', describe: 'float32 or float64' })
        .option('profile', { type: 'string', default: 'torch', describe: 'profile whose plain variant is stepped' })
        .option('time', { type: 'number', default: 500, describe: 'time budget per measurement, ms' })
        .option('models', {
          type: 'string',
          default: 'mlp,resnet50,gpt2',
          describe: `model-shaped steps (${MODELS.map((m) => m.id).join(', ')}), 'all' or 'none'`,
        })
        .option('model-scale', {
          type: 'number',
          describe: 'scale every model tensor by this factor (default: 1 where it fits in memory)',
        })
        .option('json', { type: 'boolean', default: false, describe: 'print the JSON report on stdout' })
        .option('out', { type: 'string', default: 'reports/latest', describe: 'directory for bench.json and bench.md' })
        .option('conformance', {
          type: 'string',
          describe: 'conformance JSON for the accuracy table (default: reports/latest/conformance.json if present)',
        })
        .option('baseline', {
          type: 'string',
          describe:
            'compare with a saved run; exit 1 on a significant slowdown (Mann-Whitney U p < 0.05 and the median more than 5% up)',
        })
        .option('save-baseline', { type: 'string', describe: 'also write this run to FILE as a baseline' })
        .option('repetitions', {
          type: 'number',
          default: 1,
          describe:
            'run every size this many times (roofline and targets interleaved); the report shows the spread across repetitions',
        })
        .option('beside', {
          type: 'boolean',
          default: true,
          describe:
            'measure the memory limit right before each sample of rows timed in this process, above the cache sizes, and hold each sample to it (paired ratios; --no-beside: the roofline alone)',
        })
        .option('quiet', { type: 'boolean', default: false, describe: 'print nothing but errors (and the comparison)' })
        .example('$0 bench --sizes 1e7 --models none', '')
        .example('$0 bench --adapters ts-f32,wasm-simd --baseline reports/baseline-bench.json', '')
        .example(
          '$0 bench --sizes 1e6,1e7 --repetitions 3 --adapters wasm-simd,wasm-simd-mt --adapters "external:command=/usr/bin/python3 clients/python/torch_rmsprop.py"',
          '',
        ),
    (argv) => runCommand(() => bench(argv)),
  );
}
