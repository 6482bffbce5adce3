// `rmsprop-harness compare A B`: resolves the two sides (profiles, or adapters run for real) and the
// identical inputs they run on (a problem, a recorded gradient file, or the cases of a suite), and
// compares them case by case.

import type { Adapter } from '../../adapters/adapter.js';
import { createAdapter, parseAdapterSpec, type AdapterSpec } from '../../adapters/registry.js';
import type { Dtype } from '../../reference/arithmetic.js';
import { InputError } from '../../reference/errors.js';
import type { Profile } from '../../reference/profile.js';
import { findProfile, UnknownProfileError } from '../../reference/registry.js';
import { resolveVariant, type Settings } from '../../reference/resolve.js';
import { replaySource, toDtype } from '../../reference/trajectory.js';
import type { CaseSpec } from '../../suites/case.js';
import { caseGradientSource, caseX0, findProblem } from '../../suites/case-source.js';
import { autodiffOrderFor } from '../../suites/problems.js';
import { caseKey, SUITES } from '../../suites/suites.js';
import { faultMessage } from '../cell-job.js';
import { matchesCase } from '../selection.js';
import type { Comparison } from '../result.js';
import { compare, RESPONSIBLE_RULE, type CompareInputs, type Path, type ReferenceSide } from './compare.js';
import { namingTraps } from './naming.js';

export interface CompareOptions {
  a: string;
  b: string;
  dtype: Dtype;
  /** Settings for both sides; then each side's own. */
  set?: Settings;
  setA?: Settings;
  setB?: Settings;
  /** Exactly one source of inputs: a problem, a gradient stream (with x0), or suites/cases. */
  problem?: string;
  /** A gradient stream, with the file's `lr_per_step` when it has one (used unless `set` gives lrPerStep). */
  grads?: { path: string; stream: Float64Array[]; lrPerStep?: number[] };
  suites?: readonly string[];
  cases?: readonly string[];
  x0?: number[];
  steps?: number;
  dim?: number;
}

export interface CompareResult {
  a: string;
  b: string;
  dtype: Dtype;
  /** How the responsible axes are found. */
  rule: string;
  comparisons: Comparison[];
  /** Words that mean different things on the two sides, or mislead. */
  traps: string[];
  notes: string[];
}

interface Side {
  label: string;
  profile: Profile;
  reference: ReferenceSide;
  adapter?: AdapterSpec;
  /** The adapter, probed (its claims are known only after a program's hello); closed at the end. */
  instance?: Adapter;
}

const profileLabel = (p: Profile) => `${p.name}@${p.version}`;

/** A profile name ('torch', 'keras@3') or an adapter spec ('ts-f32:profile=keras', 'tfjs-cpu'), probed. */
async function resolveSideSpec(spec: string, settings: Settings, which: 'A' | 'B'): Promise<Side> {
  if (!spec.includes(':')) {
    try {
      const profile = findProfile(spec);
      return { label: profileLabel(profile), profile, reference: { label: profileLabel(profile), profile, settings } };
    } catch (e) {
      if (!(e instanceof UnknownProfileError)) throw e;
      try {
        parseAdapterSpec(spec);
      } catch {
        throw new InputError(`${which} '${spec}' is neither a profile nor an adapter: ${e.message}`);
      }
    }
  }
  const adapter = parseAdapterSpec(spec);
  const instance = createAdapter(adapter);
  let availability;
  try {
    availability = await instance.probe();
  } catch (e) {
    await instance.close?.();
    throw new AdapterFault(`adapter '${spec}' failed its probe: ${faultMessage(e)}`);
  }
  const refuse = async (message: string) => {
    await instance.close?.();
    return new InputError(message);
  };
  if (!availability.available) throw await refuse(`${which}: adapter '${spec}' is unavailable here: ${availability.reason}`);
  if (instance.info.claims === 'unknown')
    throw await refuse(
      `${which}: adapter '${spec}' claims no profile, so there is nothing to run it with; find its variant with \`rmsprop-harness identify\` first`,
    );
  const profile = findProfile(instance.info.claims);
  return { label: adapter.label, profile, reference: { label: profileLabel(profile), profile, settings }, adapter, instance };
}

/** The inputs of `--problem`: the problem's case in the problems suite gives x0, steps and the learning rate, nothing else. */
function problemInputs(id: string, options: CompareOptions): CompareInputs {
  const problem = findProblem(id);
  const suiteCase = SUITES.problems.find((c) => c.source.kind === 'problem' && c.source.problem === id);
  const dim =
    problem.dim ??
    options.dim ??
    options.x0?.length ??
    (suiteCase?.source.kind === 'problem' ? suiteCase.source.dim : undefined) ??
    problem.defaultDim;
  const x0 = options.x0 ?? (suiteCase && caseX0(suiteCase).length === dim ? caseX0(suiteCase) : problem.defaultX0(dim));
  if (x0.length !== dim) throw new InputError(`--x0 has ${x0.length} values but problem ${id} has dimension ${dim}`);
  const steps = options.steps ?? suiteCase?.steps ?? 100;
  const lr = suiteCase?.settings.lr;
  const shared: Settings = { ...(lr !== undefined ? { lr } : {}), ...options.set };
  const sharedText = Object.entries(shared)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
  return {
    describe: `problem ${id} from x0 [${x0.join(', ')}], ${steps} steps, closed loop; ${sharedText || 'no setting'} on both sides${lr !== undefined && options.set?.lr === undefined ? " (the problems suite's learning rate)" : ''}; every other hyperparameter is each side's own default`,
    dtype: options.dtype,
    x0,
    steps,
    source: (order) => (params, t) => problem.gradient(params, options.dtype, t, order),
    problem,
    settings: shared,
  };
}

function gradsInputs(grads: NonNullable<CompareOptions['grads']>, options: CompareOptions): CompareInputs {
  if (!options.x0) throw new InputError('--x0 is required with --grads');
  const dim = grads.stream[0].length;
  if (options.x0.length !== dim)
    throw new InputError(`--x0 has ${options.x0.length} values but the gradients in ${grads.path} have ${dim}`);
  const steps = options.steps ?? grads.stream.length;
  if (steps > grads.stream.length)
    throw new InputError(`--steps ${steps} exceeds the ${grads.stream.length} gradients in ${grads.path}`);
  // The file's learning rate of every step is part of the recorded run (as `trajectory --grads` reads
  // it): it replaces lr and any schedule on both sides, unless --set lrPerStep gives another.
  const fileLr = grads.lrPerStep !== undefined && options.set?.lrPerStep === undefined ? grads.lrPerStep : undefined;
  const shared: Settings = { ...(fileLr ? { lrPerStep: fileLr.map(String) } : {}), ...options.set };
  const settingsText = [
    ...(fileLr ? [`the file's lr_per_step (${fileLr.length} values)`] : []),
    ...Object.entries(options.set ?? {}).map(([k, v]) => `${k}=${String(v)}`),
  ];
  return {
    describe: `the ${steps} gradients of ${grads.path} replayed from x0 [${options.x0.join(', ')}]; ${
      settingsText.join(', ') || 'no setting'
    } on both sides; every other hyperparameter each side's own default`,
    dtype: options.dtype,
    x0: options.x0,
    steps,
    source: () => replaySource(grads.stream),
    settings: shared,
  };
}

/** The inputs of a suite case: its x0, steps, gradient source and every setting it makes. */
export function caseInputs(c: CaseSpec, dtype: Dtype, extra: Settings = {}): CompareInputs {
  const settings = { ...c.settings, ...extra };
  return {
    describe: `case ${caseKey(c)}: ${c.describe} (${Object.entries(settings)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(', ')} on both sides)`,
    dtype,
    x0: caseX0(c),
    steps: c.steps,
    source: (order) => caseGradientSource(c, dtype, order),
    ...(c.source.kind === 'problem' ? { problem: findProblem(c.source.problem) } : {}),
    settings,
  };
}

function selectedCases(options: CompareOptions): CaseSpec[] {
  const suites = options.suites && options.suites.length > 0 ? options.suites : Object.keys(SUITES);
  for (const s of suites) if (!SUITES[s]) throw new InputError(`unknown suite '${s}'; known: ${Object.keys(SUITES).join(', ')}`);
  const cases = suites
    .flatMap((s) => SUITES[s])
    .filter((c) => !options.cases || options.cases.some((p) => matchesCase(p, caseKey(c))));
  if (cases.length === 0) throw new InputError(`no case matches ${options.cases?.join(', ')}`);
  return cases;
}

/** An adapter that threw, crashed or hung while being compared: not bad input, not a harness bug. */
export class AdapterFault extends Error {
  override name = 'AdapterFault';
}

/** Runs an adapter on the inputs for real: its own params after each step. */
async function adapterPath(side: Side, inputs: CompareInputs): Promise<Path> {
  try {
    return await runAdapter(side, inputs);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new AdapterFault(`adapter '${side.label}' failed: ${faultMessage(e)}`);
  }
}

async function runAdapter(side: Side, inputs: CompareInputs): Promise<Path> {
  const adapter = side.instance!;
  {
    if (!adapter.info.capabilities.dtypes.includes(inputs.dtype))
      throw new InputError(`adapter '${side.label}' does not support ${inputs.dtype}`);
    const settings = { ...inputs.settings, ...side.reference.settings };
    const resolved = resolveVariant(side.profile, inputs.dtype, settings);
    const x0 = toDtype(inputs.dtype, inputs.x0);
    const prepared = await adapter.prepare({
      key: 'compare',
      dtype: inputs.dtype,
      variant: { ...resolved.variant, ...adapter.info.fixedAxes },
      profile: resolved.profile,
      native: resolved.native,
      settings,
      x0,
    });
    const source = inputs.source(autodiffOrderFor(side.profile.name));
    const path: Path = [];
    try {
      let params = x0;
      for (let t = 0; t < inputs.steps; t++) {
        await prepared.step(toDtype(inputs.dtype, source(params, t)));
        params = (await prepared.read()).params;
        path.push(params);
      }
    } finally {
      await prepared.dispose();
    }
    return path;
  }
}

export async function runCompare(options: CompareOptions): Promise<CompareResult> {
  const sources = [
    options.problem !== undefined,
    options.grads !== undefined,
    options.suites !== undefined || options.cases !== undefined,
  ].filter(Boolean).length;
  if (sources !== 1) throw new InputError('give exactly one of --problem, --grads, or --suite/--cases');
  if (options.steps !== undefined && (!Number.isInteger(options.steps) || options.steps < 1))
    throw new InputError(`--steps: expected a positive integer, got ${options.steps}`);
  // The inputs are checked before any adapter is started.
  const inputs: CompareInputs[] =
    options.problem !== undefined
      ? [problemInputs(options.problem, options)]
      : options.grads
        ? [gradsInputs(options.grads, options)]
        : selectedCases(options).map((c) => caseInputs(c, options.dtype, options.set));
  const a = await resolveSideSpec(options.a, options.setA ?? {}, 'A');
  let b: Side;
  try {
    b = await resolveSideSpec(options.b, options.setB ?? {}, 'B');
  } catch (e) {
    await a.instance?.close?.();
    throw e;
  }
  try {
    return await compareSides(a, b, options, inputs);
  } finally {
    await a.instance?.close?.();
    await b.instance?.close?.();
  }
}

async function compareSides(a: Side, b: Side, options: CompareOptions, inputs: readonly CompareInputs[]): Promise<CompareResult> {
  const cache = new Map<string, Path>();
  const comparisons: Comparison[] = [];
  const notes: string[] = [];
  for (const [i, input] of inputs.entries()) {
    const side = (s: Side) => ({
      label: s.label,
      reference: s.reference,
      ...(s.adapter ? { path: () => adapterPath(s, input) } : {}),
    });
    try {
      comparisons.push(await compare({ id: `compare-${i}`, inputs: input, a: side(a), b: side(b), cache }));
    } catch (e) {
      // A framework that refuses the settings (Caffe with momentum) cannot be compared on that case.
      if (e instanceof InputError && inputs.length > 1) notes.push(`${input.describe}: not compared: ${e.message}`);
      else throw e;
    }
  }
  if (a.adapter || b.adapter)
    notes.push(
      `adapters run for real; the axes are explained from the profiles they claim (${[a, b]
        .filter((s) => s.adapter)
        .map((s) => `${s.label} claims ${profileLabel(s.profile)}`)
        .join('; ')})`,
    );
  return {
    a: a.label,
    b: b.label,
    dtype: options.dtype,
    rule: RESPONSIBLE_RULE,
    comparisons,
    traps: namingTraps([a.profile, b.profile]).map((t) => t.text),
    notes,
  };
}
