// Bad input, as a user meets it: the compiled CLI in child processes, one row per malformed input.
// Every row must give exit code 2, exactly one line on stderr that starts with
// "rmsprop-harness: error:" and names the file or option and what was expected, no stack trace,
// nothing on stdout, and no file written (each row runs in its own directory, which must hold
// nothing but the row's input files afterwards; outputs are pointed into it).
// The protocol checks for external programs are adapter faults, not exit 2: unit tests at the end.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExternalProgram, ProgramFault } from '../../adapters/external/program.js';
import {
  ProtocolViolation,
  checkProgramHello,
  checkProgramMessage,
  decodeResult,
  fieldPath,
  type ResultMessage,
} from '../../adapters/external/protocol.js';
import { profileProblem } from '../../adapters/external/external-adapter.js';
import { isFloat32 } from '../../reference/float-bits.js';

// A private build: other test files build dist/ at the same time, and a file half-rewritten by
// their tsc must not fail a row here.
const BUILD = join(process.cwd(), 'tmp', `bad-input-dist-${process.pid}`);
const CLI = join(BUILD, 'scripts', 'cli.js');
const GOLDEN_UPDATE = join(BUILD, 'scripts', 'golden-update.js');

beforeAll(() => {
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json', '--outDir', BUILD], { encoding: 'utf8' });
  // Type errors elsewhere in the tree are the typecheck's business; the rows need the emitted JavaScript.
  if (!existsSync(CLI) || !existsSync(GOLDEN_UPDATE)) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
}, 120_000);

afterAll(() => {
  rmSync(BUILD, { recursive: true, force: true });
});

// ---------------------------------------------------------------- fixtures

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const GOLDEN_OK = `{"format":"rmsprop-harness/goldens","generator":"1","profile":"torch@2.1","trajectories":[
{"case":"problems/quad2d","dtype":"float64","hyperparameters":{"lr":0.01},"x0":[1,2],"steps":[{"grad":[0.5,1],"params":[0.99,1.99],"v":[0.025,0.1]}]}
]}
`;

/** A golden store of one file: the manifest (with the file's sha256 unless given) and the file. */
function goldenStore(golden: string, entry: Partial<{ sha256: string; trajectories: number }> = {}): Record<string, string> {
  const manifest = {
    format: 'rmsprop-harness/golden-manifest',
    generator: '1',
    grid: 'test',
    files: { 'torch@2.1.json': { sha256: sha(golden), trajectories: 1, ...entry } },
  };
  return { 'goldens/manifest.json': JSON.stringify(manifest, null, 1), 'goldens/torch@2.1.json': golden };
}

const BENCH_OK = {
  format: 'rmsprop-harness/bench',
  formatVersion: 1,
  results: [{ target: 'ts-f32', n: 1000, dtype: 'float32', status: 'ok', stats: { medianMs: 0.01, rme: 1.5 } }],
  models: [],
};

const CONFORMANCE_OK = {
  format: 'rmsprop-harness/conformance',
  adapters: [{ label: 'ts-f32' }],
  cells: [{ adapter: 'ts-f32', dtype: 'float32', status: 'pass' }],
};

// ---------------------------------------------------------------- the table

interface Row {
  /** What is wrong. */
  name: string;
  /** CLI arguments; $DIR is the row's own directory. */
  args: string[];
  /** Files to create in $DIR: relative path -> content. */
  files?: Record<string, string>;
  /** Run scripts/golden-update.js (npm run golden:check) on $DIR/goldens instead of the CLI. */
  golden?: true;
  /** The one line on stderr, after "rmsprop-harness: error: ". */
  message: RegExp;
}

const T = ['trajectory', '--profile', 'torch'];
const LINREG = [...T, '--problem', 'linreg'];
/** trajectory on a gradient file, writing to $DIR/out/t.json: no file may appear there. */
const GRADS = (content: string, x0 = '1,2'): Pick<Row, 'args' | 'files'> => ({
  args: [...T, '--grads', '$DIR/g.json', '--x0', x0, '--out', '$DIR/out/t.json'],
  files: { 'g.json': content },
});
/** Command line from defaults and overrides, each option once (yargs makes a repeated option an array). */
const command = (
  name: string,
  defaults: Record<string, string>,
  overrides: Record<string, string>,
  extra: string[] = [],
): string[] => [name, ...Object.entries({ ...defaults, ...overrides }).flatMap(([k, v]) => [`--${k}`, v]), ...extra];
/** bench, writing to $DIR/out: no file may appear there. */
const BENCH = (o: Record<string, string> = {}, extra: string[] = []) =>
  command('bench', { adapters: 'ts-f32', sizes: '1000', models: 'none', time: '1', out: '$DIR/out' }, o, extra);
/** conform, writing to $DIR/out: no report may appear there. */
const CONFORM = (o: Record<string, string> = {}) =>
  command('conform', { adapters: 'ts-f32', suites: 'edge', out: '$DIR/out' }, o);

const ROWS: Row[] = [
  // --- gradient-stream files (trajectory --grads)
  {
    name: 'gradient file truncated in the middle',
    ...GRADS('{"grads": [[1, 2], [3, 4'),
    message:
      /^gradient file \S+g\.json: malformed JSON at line 1 column 24: truncated, the text ends in the middle of the document$/,
  },
  {
    name: 'gradient file truncated right after [',
    ...GRADS('{"grads": ['),
    message: /gradient file \S+g\.json: malformed JSON at line 1 column 11: truncated/,
  },
  {
    name: 'gradient file with a syntax error on line 2',
    ...GRADS('{"grads": [[1, 2],\n [3 4]]}'),
    message: /gradient file \S+g\.json: malformed JSON at line 2 column 5: expected ','$/,
  },
  {
    name: 'gradient file with text after the document',
    ...GRADS('{"grads": [[1, 2]]} extra'),
    message: /malformed JSON at line 1 column 21: unexpected text after the document/,
  },
  { name: 'gradient file that is empty', ...GRADS(''), message: /gradient file \S+g\.json: file is empty/ },
  {
    name: 'gradient value of the wrong type (bare array)',
    ...GRADS('[[1, 2], [3, "inf"]]'),
    message: /gradient file \S+g\.json: \/1\/1: must be number or one of "NaN", "Infinity", "-Infinity", "-0", got "inf"/,
  },
  {
    name: 'gradient value of the wrong type (object)',
    ...GRADS('{"grads": [[1, "x"]]}'),
    message: /\/grads\/0\/1: must be number or one of "NaN", "Infinity", "-Infinity", "-0", got "x"/,
  },
  {
    name: 'gradient value too large for float64',
    ...GRADS('{"grads": [[1, 1e400]]}'),
    message:
      /\/grads\/0\/1: must be number or one of .*, got a number too large for float64 \(write "Infinity" for an infinite value\)/,
  },
  { name: 'gradient row that is null', ...GRADS('{"grads": [[1, 2], null]}'), message: /\/grads\/1: must be array, got null/ },
  {
    name: 'gradient stream with no steps',
    ...GRADS('{"grads": []}'),
    message: /\/grads: must have at least 1 item, got an array of 0/,
  },
  { name: 'gradient row with no values', ...GRADS('{"grads": [[]]}'), message: /\/grads\/0: must have at least 1 item/ },
  {
    name: 'gradient rows of different lengths',
    ...GRADS('{"grads": [[1, 2], [3, 4], [5]]}'),
    message: /gradient file \S+g\.json: \/grads\/2: has 1 values, expected 2 like \/grads\/0/,
  },
  { name: 'grads is an object', ...GRADS('{"grads": {"0": [1, 2]}}'), message: /\/grads: must be array, got an object/ },
  {
    name: 'no grads field',
    ...GRADS('{"gradients": [[1, 2]]}'),
    message: /\(root\): missing field 'grads' \(expected \{"grads": /,
  },
  { name: 'document is a number', ...GRADS('42'), message: /\(root\): must be array or object, got 42/ },
  {
    name: 'x0 and gradients of different dimensions',
    ...GRADS('{"grads": [[1, 2], [3, 4]]}', '1,2,3'),
    message: /--x0 has 3 values but the gradients in \S+g\.json have 2/,
  },
  {
    name: 'more steps than recorded gradients',
    args: [...T, '--grads', '$DIR/g.json', '--x0', '1,2', '--steps', '5'],
    files: { 'g.json': '[[1, 2], [3, 4]]' },
    message: /--steps 5 exceeds the 2 gradients in \S+g\.json/,
  },
  {
    name: 'gradient file that does not exist',
    args: [...T, '--grads', '/does/not/exist', '--x0', '1'],
    message: /gradient file \/does\/not\/exist: no such file/,
  },
  {
    name: 'gradient file that is a directory',
    args: [...T, '--grads', '$DIR', '--x0', '1'],
    message: /gradient file \S+: is a directory/,
  },
  {
    name: '--x0 is required with --grads',
    args: [...T, '--grads', '$DIR/g.json'],
    files: { 'g.json': '[[1]]' },
    message: /--x0 is required with --grads/,
  },

  // --- trajectory options and hyperparameters
  {
    name: 'unknown profile',
    args: ['trajectory', '--profile', 'nope', '--problem', 'linreg'],
    message: /unknown profile 'nope'; known: torch, keras/,
  },
  {
    name: 'unknown profile, close to a known one',
    args: ['trajectory', '--profile', 'kerass', '--problem', 'linreg'],
    message: /unknown profile 'kerass' \(did you mean 'keras'\?\)/,
  },
  {
    name: 'unknown profile version',
    args: ['trajectory', '--profile', 'torch@0.1', '--problem', 'linreg'],
    message: /unknown version '0.1' of profile 'torch'; known: torch@2.1, torch@1.13/,
  },
  {
    name: 'unknown problem, close to a known one',
    args: [...T, '--problem', 'rosenbrok'],
    message: /unknown problem 'rosenbrok' \(did you mean 'rosenbrock'\?\); known: /,
  },
  {
    name: 'unknown setting for the profile, meaning something else elsewhere',
    args: [...LINREG, '--set', 'decay=0.9'],
    message: /unknown setting 'decay' for profile torch.*lrDecay.*keras2-legacy.*torch calls decay 'alpha'/,
  },
  {
    name: 'setting named as in another framework',
    args: ['trajectory', '--profile', 'keras', '--problem', 'linreg', '--set', 'alpha=0.9'],
    message: /accepted: learning_rate, rho/,
  },
  { name: 'negative lr', args: [...LINREG, '--set', 'lr=-1'], message: /^lr: must be >= 0, got -1$/ },
  { name: 'negative eps', args: [...LINREG, '--set', 'eps=-1e-8'], message: /^eps: must be >= 0, got -1e-8$/ },
  {
    name: 'decay above 1 (torch alpha)',
    args: [...LINREG, '--set', 'alpha=1.5'],
    message: /^alpha: must be in \[0, 1\], got 1.5$/,
  },
  {
    name: 'decay below 0 (keras rho)',
    args: ['trajectory', '--profile', 'keras', '--problem', 'linreg', '--set', 'rho=-0.5'],
    message: /^rho: must be in \[0, 1\], got -0.5$/,
  },
  { name: 'NaN eps', args: [...LINREG, '--set', 'eps=NaN'], message: /^eps: expected a finite number, got 'NaN'$/ },
  { name: 'infinite lr', args: [...LINREG, '--set', 'lr=Infinity'], message: /^lr: expected a finite number, got 'Infinity'$/ },
  { name: 'lr that overflows', args: [...LINREG, '--set', 'lr=1e400'], message: /^lr: expected a finite number, got '1e400'$/ },
  { name: 'string lr', args: [...LINREG, '--set', 'lr=fast'], message: /^lr: expected a finite number, got 'fast'$/ },
  {
    name: 'boolean that is not one',
    args: [...LINREG, '--set', 'centered=maybe'],
    message: /^centered: expected true or false, got 'maybe'$/,
  },
  { name: 'fma value', args: [...LINREG, '--set', 'fma=maybe'], message: /fma: expected on, off or a comma list of/ },
  {
    name: 'axis value, close to a known one',
    args: [...LINREG, '--set', 'epsPlacement=insde'],
    message: /epsPlacement: expected one of outside \| inside \| inside-subtracted, got 'insde' \(did you mean 'inside'\?\)/,
  },
  { name: '--set without =', args: [...LINREG, '--set', 'lr'], message: /--set lr: expected name=value/ },
  {
    name: '--x0 with the wrong dimension for the problem',
    args: [...LINREG, '--x0', '1,2,3'],
    message: /--x0 has 3 values but problem linreg has dimension 2/,
  },
  {
    name: '--x0 with a value that is not a number',
    args: [...LINREG, '--x0', '1,abc'],
    message: /--x0: 'abc' is not a finite number/,
  },
  { name: '--steps 0', args: [...LINREG, '--steps', '0'], message: /--steps: expected a positive integer, got 0/ },
  { name: '--dim 0', args: [...T, '--problem', 'quadN', '--dim', '0'], message: /--dim: expected a positive integer, got 0/ },
  { name: '--dtype not a choice', args: [...LINREG, '--dtype', 'float8'], message: /Invalid values:.*dtype.*float8/ },
  { name: 'neither --problem nor --grads', args: T, message: /exactly one of --problem or --grads/ },
  {
    name: '--out is a directory',
    args: [...LINREG, '--out', '$DIR'],
    message: /--out \S+: is a directory \(expected a file name\)/,
  },
  {
    name: '--out below a file',
    args: [...LINREG, '--out', '$DIR/g.json/t.json'],
    files: { 'g.json': '[[1]]' },
    message: /--out \S+t\.json: \S+g\.json is a file, not a directory/,
  },
  { name: 'unknown option', args: [...LINREG, '--bogus', '1'], message: /Unknown argument: bogus/ },
  {
    name: 'option that takes one value given twice',
    args: [...LINREG, '--profile', 'keras'],
    message: /^--profile: given 2 times \(torch, keras\); give it once$/,
  },
  {
    name: '--dtype given twice',
    args: [...LINREG, '--dtype', 'float32', '--dtype', 'float64'],
    message: /^--dtype: given 2 times \(float32, float64\); give it once$/,
  },
  { name: 'unknown command', args: ['nonsense'], message: /Unknown argument|name a command/ },
  { name: 'profiles with an extra argument', args: ['profiles', 'extra'], message: /Unknown argument: extra/ },

  // --- what a user types: negative values, options without their value (issue 15)
  {
    name: '--x0 list starting with a negative number is read as the value',
    args: [...LINREG, '--x0', '-1.5,abc'],
    message: /^--x0: 'abc' is not a finite number/,
  },
  {
    name: 'negative --set value refused for its value, not its spelling',
    args: [...LINREG, '--set', 'weightDecay=-0.5'],
    message: /^weightDecay: must be >= 0, got -0.5$/,
  },
  {
    name: 'negative lr in exponent form after --set',
    args: [...LINREG, '--set', 'eps=-1e-8', '--x0', '-1,-2'],
    message: /^eps: must be >= 0, got -1e-8$/,
  },
  { name: 'trajectory --dtype without its value', args: [...LINREG, '--dtype'], message: /^--dtype: expected a value after it$/ },
  {
    name: 'trajectory --steps followed by another option',
    args: [...LINREG, '--steps', '--x0', '1,2'],
    message: /^--steps: expected a value after it$/,
  },
  {
    name: 'conform --out without its value',
    args: ['conform', '--adapters', 'ts-f32', '--out'],
    message: /^--out: expected a value after it$/,
  },
  { name: 'a flag given a negative value', args: [...CONFORM(), '--quiet=-1'], message: /^--quiet: takes no value, got '-1'$/ },

  // --- numbers and sizes beyond what the machine can do (issue 15)
  {
    name: 'trajectory --steps beyond memory',
    args: [...LINREG, '--steps', '100000000'],
    message: /^--steps 100000000: at most \d+ steps of dimension 2 fit in memory here/,
  },
  {
    name: 'trajectory --dim beyond memory',
    args: [...T, '--problem', 'quadN', '--dim', '1000000000', '--steps', '1'],
    message: /^--dim 1000000000: a trajectory of dimension 1000000000 does not fit in memory here/,
  },
  {
    name: 'bench --sizes beyond memory',
    args: BENCH({ sizes: '1000,2e9' }),
    message: /^--sizes: 2000000000 elements do not fit in memory here \(at most \d+/,
  },
  {
    name: 'conform --cell-timeout above the timer limit',
    args: CONFORM({ 'cell-timeout': '1e9' }),
    message: /^--cell-timeout: at most 2147483 seconds \(the longest timer Node can set\), got 1000000000$/,
  },
  {
    name: 'config cellTimeoutSeconds above the timer limit',
    args: CONFORM({ config: '$DIR/c.json' }),
    files: { 'c.json': '{"cellTimeoutSeconds": 3000000}' },
    message: /c\.json: \/cellTimeoutSeconds: must be <= 2147483, got 3000000/,
  },
  {
    name: 'bench baseline whose median is 0',
    args: BENCH({ baseline: '$DIR/base.json' }),
    files: {
      'base.json': JSON.stringify({ ...BENCH_OK, results: [{ ...BENCH_OK.results[0], stats: { medianMs: 0, rme: 1 } }] }),
    },
    message: /malformed bench baseline: \/results\/0\/stats\/medianMs: must be > 0, got 0/,
  },
  {
    name: 'bench baseline whose median is not finite',
    args: BENCH({ baseline: '$DIR/base.json' }),
    files: {
      'base.json': JSON.stringify({ ...BENCH_OK, results: [{ ...BENCH_OK.results[0], stats: { medianMs: 1, rme: 1 } }] }).replace(
        '"medianMs":1',
        '"medianMs":1e999',
      ),
    },
    message: /malformed bench baseline: \/results\/0\/stats\/medianMs: must be number, got a number too large for float64/,
  },

  // --- start-up: config files, module paths, output locations (issue 15)
  {
    name: 'config whose top-level await never settles',
    args: CONFORM(),
    files: { 'rmsprop-harness.config.mjs': 'await new Promise(() => {});\nexport default { adapters: ["ts-f32"] };\n' },
    message:
      /^config \S+rmsprop-harness\.config\.mjs: cannot load: its module never finished evaluating \(a top-level await that never settles\?\)$/,
  },
  {
    name: 'config (TypeScript module) whose top-level await never settles',
    args: CONFORM(),
    files: { 'rmsprop-harness.config.mts': 'await new Promise<void>(() => {});\nexport default { adapters: ["ts-f32"] };\n' },
    message: /^config \S+rmsprop-harness\.config\.mts: cannot load: its module never finished evaluating/,
  },
  {
    name: 'config that throws a Proxy whose traps throw',
    args: CONFORM(),
    files: {
      'rmsprop-harness.config.mjs':
        'const t = () => { throw new Proxy({}, { getPrototypeOf: t, get: t, has: t, ownKeys: t }); };\nt();\nexport default {};\n',
    },
    message: /^config \S+: cannot load: threw an object that cannot be inspected/,
  },
  {
    name: 'config whose default export is a Proxy whose traps throw',
    args: CONFORM(),
    files: {
      'rmsprop-harness.config.js':
        'const t = () => { throw new Error("trap"); };\nexport default new Proxy({}, { getPrototypeOf: t, get: t, has: t, ownKeys: t, getOwnPropertyDescriptor: t });\n',
      'package.json': '{"type": "module"}',
    },
    message: /^config \S+rmsprop-harness\.config\.js: (cannot load|cannot read the exported value): trap$/,
  },
  {
    name: 'module adapter path naming a directory',
    args: CONFORM({ adapters: 'module:path=$DIR' }),
    message: /adapter 'module': \S+: is a directory, not a module file/,
  },
  {
    name: 'conform --out under /proc',
    args: CONFORM({ out: '/proc/rmsprop-harness-out' }),
    message: /^--out \/proc\/rmsprop-harness-out: cannot write in \/proc \(E[A-Z]+\)$/,
  },
  {
    name: 'run --out under /proc',
    args: ['run', '--adapters', 'ts-f32', '--suites', 'edge', '--no-bench', '--out', '/proc/a/b'],
    message: /^--out \/proc\/a\/b: cannot write in \/proc/,
  },
  {
    name: 'trajectory --out under /proc',
    args: [...LINREG, '--out', '/proc/t.json'],
    message: /^--out \/proc\/t\.json: cannot write in \/proc/,
  },
  {
    name: 'report --out under /proc',
    args: ['report', '--from', '$DIR/c.json', '--out', '/proc/r'],
    files: { 'c.json': '{}' },
    message: /^--out \/proc\/r: cannot write in \/proc/,
  },
  {
    name: 'report merge --out under /proc',
    args: ['report', 'merge', '$DIR/c.json', '--out', '/proc/r'],
    files: { 'c.json': '{}' },
    message: /^--out \/proc\/r: cannot write in \/proc/,
  },

  // --- bench: inputs checked before anything is measured or written
  {
    name: 'bench baseline truncated',
    args: BENCH({ baseline: '$DIR/base.json' }),
    files: { 'base.json': JSON.stringify(BENCH_OK).slice(0, 60) },
    message:
      /--baseline \S+base\.json: not valid JSON \(at line 1 column 60: truncated, the text ends in the middle of the document\)/,
  },
  {
    name: 'bench baseline with a string median',
    args: BENCH({ baseline: '$DIR/base.json' }),
    files: {
      'base.json': JSON.stringify({ ...BENCH_OK, results: [{ ...BENCH_OK.results[0], stats: { medianMs: 'fast', rme: 1 } }] }),
    },
    message:
      /--baseline \S+base\.json: malformed bench baseline: \/results\/0\/stats\/medianMs: must be number, got "fast" \(entry results\[0\]: ts-f32 n=1000\)$/,
  },
  {
    name: 'bench baseline entry with a negative margin',
    args: BENCH({ baseline: '$DIR/base.json' }),
    files: {
      'base.json': JSON.stringify({ ...BENCH_OK, results: [{ ...BENCH_OK.results[0], stats: { medianMs: 1, rme: -3 } }] }),
    },
    message: /\/results\/0\/stats\/rme: must be >= 0, got -3/,
  },
  {
    name: 'bench baseline that is a conformance report',
    args: BENCH({ baseline: '$DIR/base.json' }),
    files: { 'base.json': JSON.stringify(CONFORMANCE_OK) },
    message: /malformed bench baseline: \/format: must be "rmsprop-harness\/bench", got "rmsprop-harness\/conformance"/,
  },
  {
    name: 'bench baseline that does not exist',
    args: BENCH({ baseline: '$DIR/absent.json' }),
    message: /--baseline \S+absent\.json: cannot read \(ENOENT\)/,
  },
  {
    name: 'bench --conformance with a bad dtype',
    args: BENCH({ conformance: '$DIR/c.json' }),
    files: { 'c.json': JSON.stringify({ ...CONFORMANCE_OK, cells: [{ adapter: 'ts-f32', dtype: 'f32', status: 'pass' }] }) },
    message: /--conformance \S+c\.json: \/cells\/0\/dtype: must be one of "float32", "float64", "bfloat16", "float16", got "f32"/,
  },
  {
    name: 'bench --conformance malformed',
    args: BENCH({ conformance: '$DIR/c.json' }),
    files: { 'c.json': '{"format": "rmsprop-harness/conformance",\n  "cells": [}' },
    message: /--conformance \S+c\.json: malformed JSON at line 2 column 13/,
  },
  { name: 'bench --sizes with a word', args: BENCH({ sizes: '1e3,abc' }), message: /--sizes: 'abc' is not a finite number/ },
  {
    name: 'bench --sizes 0',
    args: BENCH({ sizes: '0' }),
    message: /--sizes: 0 is not a whole number of elements between 1 and 2\^31/,
  },
  {
    name: 'bench unknown target',
    args: BENCH({ adapters: 'ts-f3' }),
    message: /unknown bench target 'ts-f3' \(did you mean 'ts-f32'\?\)/,
  },
  {
    name: 'bench unknown model',
    args: BENCH({ models: 'resnet' }),
    message: /unknown model 'resnet' \(did you mean 'resnet50'\?\)/,
  },
  {
    name: 'bench unknown profile',
    args: BENCH({ profile: 'tfjss' }),
    message: /unknown profile 'tfjss' \(did you mean 'tfjs'\?\)/,
  },
  {
    name: 'bench negative --time',
    args: BENCH({ time: '-5' }),
    message: /--time: expected a positive number of milliseconds, got '-5'/,
  },
  {
    name: 'bench --model-scale above 1',
    args: BENCH({ 'model-scale': '2' }),
    message: /--model-scale: expected a factor in \(0, 1\], got '2'/,
  },
  { name: 'bench --dtype', args: BENCH({ dtype: 'float16' }), message: /--dtype: expected float32 or float64, got 'float16'/ },
  {
    name: 'bench --out is a file',
    args: BENCH({ out: '$DIR/g.json' }),
    files: { 'g.json': '{}' },
    message: /--out \S+g\.json: exists and is not a directory/,
  },
  {
    name: 'bench --out given twice',
    args: BENCH({}, ['--out', '$DIR/out2']),
    message: /^--out: given 2 times \(\S+out, \S+out2\); give it once$/,
  },
  {
    name: 'bench --save-baseline is a directory',
    args: BENCH({ 'save-baseline': '$DIR' }),
    message: /--save-baseline \S+: is a directory \(expected a file name\)/,
  },

  // --- identify
  {
    name: 'identify unknown adapter',
    args: ['identify', '--adapter', 'tfjs-cpp'],
    message: /unknown adapter 'tfjs-cpp' \(did you mean 'tfjs-cpu'\?\)/,
  },
  {
    name: 'identify two adapters',
    args: ['identify', '--adapter', 'ts-f32', '--adapter', 'ts-f64'],
    message: /--adapter: expected one adapter spec, got ts-f32 ts-f64/,
  },
  {
    name: 'identify negative tolerance',
    args: ['identify', '--adapter', 'ts-f32', '--tolerance', '-1'],
    message: /--tolerance: expected a number of ULPs >= 0, got '-1'/,
  },

  // --- conform: refused before any cell runs, no report written
  {
    name: 'conform unknown adapter',
    args: CONFORM({ adapters: 'ts-f33' }),
    message: /unknown adapter 'ts-f33' \(did you mean 'ts-f32'\?\)/,
  },
  {
    name: 'conform adapter option that is not key=value',
    args: CONFORM({ adapters: 'ts-f32:profile' }),
    message: /adapter 'ts-f32:profile': option 'profile' is not key=value/,
  },
  {
    name: 'conform adapter with an unknown profile',
    args: CONFORM({ adapters: 'ts-f32:profile=kerass' }),
    message: /unknown profile 'kerass' \(did you mean 'keras'\?\)/,
  },
  {
    name: 'conform adapter with a bad axis value',
    args: CONFORM({ adapters: 'ts-f64:profile=torch,fma=maybe' }),
    message: /fma: expected on, off or a comma list of/,
  },
  {
    name: 'conform adapter with a negative lr',
    args: CONFORM({ adapters: 'ts-f32:lr=-1' }),
    message: /lr: must be >= 0, got -1/,
  },
  {
    name: 'conform external adapter option misspelt',
    args: CONFORM({ adapters: 'external:comand=x' }),
    message: /adapter external: unknown option 'comand' \(did you mean 'command'\?\); accepted: command, claims, timeout/,
  },
  {
    name: 'conform external adapter without a command',
    args: CONFORM({ adapters: 'external:timeout=5' }),
    message: /adapter external: option 'command' is required/,
  },
  {
    name: 'conform external adapter timeout not a number',
    args: CONFORM({ adapters: 'external:command=x,timeout=soon' }),
    message: /adapter external: timeout must be a positive number of seconds, got 'soon'/,
  },
  {
    name: 'conform external adapter timeout beyond setTimeout',
    args: CONFORM({ adapters: 'external:command=x,timeout=1e9' }),
    message: /adapter external: timeout must be at most 2147483 seconds, got '1e9'/,
  },
  {
    name: 'conform external adapter claiming an unknown profile',
    args: CONFORM({ adapters: 'external:command=x,claims=torc' }),
    message: /adapter external: option claims: unknown profile 'torc' \(did you mean 'torch'\?\)/,
  },
  {
    name: 'conform with an empty adapter list',
    args: CONFORM({ adapters: '' }),
    message: /--adapters: give at least one adapter spec/,
  },
  {
    name: 'conform unknown suite',
    args: CONFORM({ suites: 'edgy' }),
    message: /unknown suite 'edgy' \(did you mean 'edge'\?\); known: problems, variants, edge/,
  },
  {
    name: 'conform case pattern that matches nothing',
    args: CONFORM({ cases: 'edge/nope*' }),
    message: /no case matches edge\/nope\*/,
  },
  {
    name: 'conform --dtype',
    args: CONFORM({ dtype: 'float8' }),
    message: /--dtype: expected float32, float64, bfloat16, float16 or all, got 'float8'/,
  },
  {
    name: 'conform --modes',
    args: CONFORM({ modes: 'replay,closedloop' }),
    message: /--modes: expected replay and\/or closed-loop, got 'closedloop'/,
  },
  {
    name: 'conform --exclude with too many parts',
    args: CONFORM({ exclude: 'a:b:c:d' }),
    message: /selection rule 'a:b:c:d': expected adapter\[:suite\/case\[:dtype\]\]/,
  },
  {
    name: 'conform --xfail with a bad dtype',
    args: CONFORM({ xfail: 'ts-f32:edge/*:float8' }),
    message: /selection rule 'ts-f32:edge\/\*:float8': dtype must be float32, float64, bfloat16, float16 or \*/,
  },
  { name: 'conform --format', args: CONFORM({ format: 'pdf' }), message: /unknown format 'pdf'/ },

  // --- goldens (npm run golden:check): the stored store is verified before it is compared
  {
    name: 'golden whose sha256 does not match the manifest',
    golden: true,
    args: ['--check'],
    files: { ...goldenStore(GOLDEN_OK), 'goldens/torch@2.1.json': GOLDEN_OK.replace('0.99', '0.98') },
    message:
      /^golden file \S+torch@2\.1\.json: sha256 does not match the manifest's \/files\/torch@2\.1\.json\/sha256 \(file [0-9a-f]{12}\.\.\., manifest [0-9a-f]{12}\.\.\.\): the file changed or was truncated; run npm run golden:update/,
  },
  {
    name: 'golden truncated (and its manifest entry updated to match)',
    golden: true,
    args: ['--check'],
    files: goldenStore(GOLDEN_OK.slice(0, 150)),
    message: /golden file \S+torch@2\.1\.json: malformed JSON at line 2 column \d+: truncated/,
  },
  {
    name: 'golden manifest truncated',
    golden: true,
    args: ['--check'],
    files: { ...goldenStore(GOLDEN_OK), 'goldens/manifest.json': '{"format": "rmsprop-harness/golden-manifest", "files": {' },
    message: /golden manifest \S+manifest\.json: malformed JSON at line 1 column \d+: truncated/,
  },
  {
    name: 'golden manifest with a short sha256',
    golden: true,
    args: ['--check'],
    files: goldenStore(GOLDEN_OK, { sha256: 'abc123' }),
    message:
      /golden manifest \S+manifest\.json: \/files\/torch@2\.1\.json\/sha256: must be 64 lowercase hex digits, got "abc123"/,
  },
  {
    name: 'golden manifest missing',
    golden: true,
    args: ['--check'],
    files: { 'goldens/torch@2.1.json': GOLDEN_OK },
    message: /golden manifest \S+manifest\.json: no such file/,
  },
  {
    name: 'golden listed in the manifest but missing',
    golden: true,
    args: ['--check'],
    files: { 'goldens/manifest.json': goldenStore(GOLDEN_OK)['goldens/manifest.json'] },
    message: /golden file \S+torch@2\.1\.json: no such file/,
  },
  {
    name: 'golden with a wrong dtype',
    golden: true,
    args: ['--check'],
    files: goldenStore(GOLDEN_OK.replace('"float64"', '"float8"')),
    message:
      /golden file \S+torch@2\.1\.json: \/trajectories\/0\/dtype: must be one of "float32", "float64", "bfloat16", "float16", got "float8"/,
  },
  {
    name: 'golden step of the wrong dimension',
    golden: true,
    args: ['--check'],
    files: goldenStore(GOLDEN_OK.replace('"params":[0.99,1.99]', '"params":[0.99]')),
    message: /\/trajectories\/0\/steps\/0\/params: has 1 values, expected 2 like \/trajectories\/0\/x0/,
  },
  {
    name: 'golden with fewer trajectories than the manifest says',
    golden: true,
    args: ['--check'],
    files: goldenStore(GOLDEN_OK, { trajectories: 3 }),
    message: /\/trajectories: has 1 trajectories, the manifest's \/files\/torch@2\.1\.json\/trajectories says 3/,
  },
  {
    name: 'golden-update with an unknown argument',
    golden: true,
    args: ['--check', '--chek'],
    files: goldenStore(GOLDEN_OK),
    message: /golden-update: unknown argument '--chek'; accepted: --check/,
  },
];

/** Every file under dir, relative, sorted. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [command, ...args],
      { cwd, env, encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'bad-input-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('bad input: one line on stderr, exit 2, nothing written', () => {
  it('the table has at least 30 rows, each with its own name', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(ROWS.map((r) => r.name)).size).toBe(ROWS.length);
  });

  it.concurrent.each(ROWS.map((r, i) => [r.name, r, i] as const))('%s', async (_name, row, i) => {
    const dir = join(root, `row-${i}`);
    mkdirSync(dir, { recursive: true });
    for (const [path, content] of Object.entries(row.files ?? {})) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    const before = listFiles(dir);
    const args = row.args.map((a) => a.replace(/\$DIR/g, dir));
    const env = {
      ...process.env,
      RMSPROP_HARNESS_DEBUG: '',
      CI: '1',
      ...(row.golden ? { RMSPROP_GOLDENS_DIR: join(dir, 'goldens') } : {}),
    };
    const r = await run(row.golden ? GOLDEN_UPDATE : CLI, args, dir, env);
    const lines = r.stderr.replace(/\n$/, '').split('\n');
    expect(r.stderr, `stderr of ${JSON.stringify(args)}`).toMatch(/^rmsprop-harness: error: /);
    expect(lines, r.stderr).toHaveLength(1);
    expect(r.stderr).toMatch(/\n$/);
    expect(lines[0].slice('rmsprop-harness: error: '.length)).toMatch(row.message);
    expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    // Nothing half-written: the directory holds exactly the row's input files (outputs point into it).
    expect(listFiles(dir)).toEqual(before);
  });
});

// ---------------------------------------------------------------- protocol: adapter faults, not exit 2

const violation = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolViolation);
    return (e as Error).message;
  }
  throw new Error('expected a ProtocolViolation');
};

describe('protocol messages from external programs', () => {
  const waiting = "the answer to case 'c#1'";

  it('field paths read like the message: trajectory[2][1], implementation.dtypes[0]', () => {
    expect(fieldPath('')).toBe('message');
    expect(fieldPath('/trajectory/2/1')).toBe('trajectory[2][1]');
    expect(fieldPath('/implementation/dtypes/0')).toBe('implementation.dtypes[0]');
    expect(fieldPath('/state/v')).toBe('state.v');
    expect(fieldPath('/a~1b')).toBe('a/b');
  });

  it('garbage: a JSON value that is not a message object, or has no known type', () => {
    expect(violation(() => checkProgramMessage(42, waiting))).toMatch(
      /^wrote 42 while waiting for the answer to case 'c#1'; every message is a JSON object with a "type"/,
    );
    expect(violation(() => checkProgramMessage(null, waiting))).toMatch(/^wrote null while waiting/);
    expect(violation(() => checkProgramMessage([1, 2], waiting))).toMatch(/^wrote an array of 2 while waiting/);
    expect(violation(() => checkProgramMessage({ id: 'c#1', trajectory: [] }, waiting))).toMatch(
      /^wrote a message without a "type" field while waiting for the answer to case 'c#1' \(type: expected "hello", "result" or "error"\)/,
    );
    expect(violation(() => checkProgramMessage({ type: 'results', id: 'c#1' }, waiting))).toMatch(
      /^wrote a message of unknown type "results"/,
    );
  });

  it('wrong-shaped replies name the field and what it must be', () => {
    expect(violation(() => checkProgramMessage({ type: 'result', id: 'c#1', trajectory: 'x' }, waiting))).toMatch(
      /^wrote an invalid result message \(trajectory: must be array\) while waiting for the answer to case 'c#1': \{"type":"result"/,
    );
    expect(
      violation(() =>
        checkProgramMessage(
          {
            type: 'result',
            id: 'c#1',
            trajectory: [
              [1, 2],
              [3, 'inf'],
            ],
          },
          waiting,
        ),
      ),
    ).toMatch(/\(trajectory\[1\]\[1\]: must be number or one of "NaN", "Infinity", "-Infinity", "-0"\)/);
    expect(
      violation(() => checkProgramMessage({ type: 'result', id: 'c#1', trajectory: [], state: { w: [1] } }, waiting)),
    ).toMatch(/\(state: unexpected field 'w'\)/);
    expect(violation(() => checkProgramMessage({ type: 'result', trajectory: [] }, waiting))).toMatch(
      /\(message: missing field 'id'\)/,
    );
    expect(violation(() => checkProgramMessage({ type: 'error', id: 'c#1' }, waiting))).toMatch(
      /invalid error message \(message: missing field 'message'\)/,
    );
    expect(violation(() => checkProgramMessage({ type: 'error', id: 'c#1', message: 'x', unsupported: 'yes' }, waiting))).toMatch(
      /\(unsupported: must be boolean\)/,
    );
    expect(checkProgramMessage({ type: 'result', id: 'c#1', trajectory: [[1, 'NaN']] }, waiting)).toMatchObject({
      type: 'result',
    });
  });

  it('hello: version first, then shape, then the claimed profile (with a suggestion)', () => {
    const impl = { name: 'x', version: '1', claims: 'torch', dtypes: ['float64'], hyperparameters: [] };
    expect(checkProgramHello({ type: 'hello', protocol: 1, implementation: impl }, profileProblem).implementation.name).toBe('x');
    expect(violation(() => checkProgramHello({ type: 'hello', protocol: 3, implementation: {} }, profileProblem))).toBe(
      'speaks protocol 3, the harness speaks 2 (and accepts 1 or 2)',
    );
    expect(violation(() => checkProgramHello('hello', profileProblem))).toMatch(
      /^answered hello with "hello", not a hello message object/,
    );
    expect(violation(() => checkProgramHello({ type: 'result', id: 'a', trajectory: [] }, profileProblem))).toMatch(
      /^answered hello with a message of type "result" \(type: expected "hello"\)/,
    );
    expect(
      violation(() =>
        checkProgramHello({ type: 'hello', protocol: 1, implementation: { ...impl, dtypes: ['float8'] } }, profileProblem),
      ),
    ).toMatch(/not a valid hello \(implementation\.dtypes\[0\]: must be one of "float32", "float64", "bfloat16", "float16"\)/);
    expect(
      violation(() =>
        checkProgramHello({ type: 'hello', protocol: 1, implementation: { ...impl, version: undefined } }, profileProblem),
      ),
    ).toMatch(/not a valid hello \(implementation: missing field 'version'\)/);
    expect(
      violation(() =>
        checkProgramHello({ type: 'hello', protocol: 1, implementation: { ...impl, claims: 'torc' } }, profileProblem),
      ),
    ).toMatch(
      /claiming a profile the harness does not know \(implementation\.claims: unknown profile 'torc' \(did you mean 'torch'\?\)/,
    );
    expect(
      checkProgramHello({ type: 'hello', protocol: 1, implementation: { ...impl, claims: 'unknown' } }, profileProblem)
        .implementation.claims,
    ).toBe('unknown');
  });

  it('results of the wrong id, length or dimension, or not float32 in a float32 case', () => {
    const expected = { id: 'c#1', dtype: 'float64' as const, dim: 2, steps: 2 };
    const result = (r: Partial<ResultMessage>): ResultMessage => ({
      type: 'result',
      id: 'c#1',
      trajectory: [
        [1, 2],
        [3, 4],
      ],
      ...r,
    });
    expect(decodeResult(result({}), expected, isFloat32).trajectory[1]).toEqual(Float64Array.from([3, 4]));
    expect(violation(() => decodeResult(result({ id: 'c#0' }), expected, isFloat32))).toBe(
      "answered out of order: got result for case 'c#0' while case 'c#1' was pending",
    );
    expect(violation(() => decodeResult(result({ trajectory: [[1, 2]] }), expected, isFloat32))).toMatch(
      /^answered case 'c#1' with 1 steps, expected 2 \(trajectory has one entry per step\)/,
    );
    expect(violation(() => decodeResult(result({ trajectory: [[1, 2], [3]] }), expected, isFloat32))).toBe(
      "answered case 'c#1': trajectory[1] has 1 values, expected 2 (the length of x0)",
    );
    expect(violation(() => decodeResult(result({ state: { v: [1, 2, 3] } }), expected, isFloat32))).toMatch(
      /state\.v has 3 values, expected 2/,
    );
    expect(violation(() => decodeResult(result({ grads: [[1, 2]] }), expected, isFloat32))).toMatch(
      /with 1 gradients, expected 2 \(grads has one entry per step\)/,
    );
    expect(
      violation(() =>
        decodeResult(
          result({
            trajectory: [
              [1, 2],
              [3, 0.1],
            ],
          }),
          { ...expected, dtype: 'float32' },
          isFloat32,
        ),
      ),
    ).toMatch(/answered float32 case 'c#1': trajectory\[1\]\[1\] = 0.1 is not a float32 value/);
  });

  it('a line cut short by a crashing program is a fault that says it was truncated', async () => {
    const program = new ExternalProgram({
      command: `'${process.execPath}' -e 'process.stdout.write("{\\"type\\":\\"result\\",\\"id\\":\\"c")'`,
    });
    const err = await program.next(10_000, waiting).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProgramFault);
    expect((err as Error).message).toMatch(
      /wrote a line that is not JSON: "\{\\"type\\":\\"result\\",\\"id\\":\\"c" \(at column 24: truncated, the line ends in the middle of a message\)/,
    );
    program.kill();
  });

  it('through the CLI, a program that writes garbage fails its cell (exit 1) with the reason in the report', async () => {
    const dir = mkdtempSync(join(root, 'garbage-'));
    const script = join(dir, 'garbage.cjs');
    writeFileSync(
      script,
      `require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.type === 'hello') return console.log(JSON.stringify({ type: 'hello', protocol: 1, implementation: { name: 'g', version: '0', claims: 'torch', dtypes: ['float64'], hyperparameters: [] } }));
  if (m.type === 'bye') process.exit(0);
  console.log(JSON.stringify({ type: 'result', id: m.id, trajectory: m.grads.map(() => ['oops']) }));
});`,
    );
    const out = join(dir, 'out');
    const r = await run(
      CLI,
      [
        'conform',
        '--adapters',
        `external:command='${process.execPath}' '${script}'`,
        '--cases',
        'edge/random',
        '--dtype',
        'float64',
        '--modes',
        'replay',
        '--format',
        'json',
        '--out',
        out,
        '--quiet',
      ],
      dir,
      { ...process.env, CI: '1' },
    );
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse((await import('node:fs')).readFileSync(join(out, 'conformance.json'), 'utf8')) as {
      cells: { status: string; reason?: string; error?: string }[];
    };
    expect(report.cells.length).toBeGreaterThan(0);
    for (const c of report.cells) {
      expect(c.status).toBe('error');
      expect(JSON.stringify(c)).toMatch(
        /wrote an invalid result message \(trajectory\[0\]\[0\]: must be number or one of \\"NaN\\"/,
      );
    }
  });
});
