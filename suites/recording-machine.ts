// Which build of a framework's non-correctly-rounded ops a recorded run came from, read off the
// machine the recorder describes (`generator`: cpu_model, cpu_flags, device). The profiles'
// defaults are the calibration machine's (an AMD EPYC with AVX-512): torch.sqrt is MKL VML's AMD
// kernel, jax.lax.rsqrt XLA's intrinsic with AMD's estimate. A run recorded elsewhere gets the
// axis values of its own machine where they are modelled, and the plain op otherwise, so the
// profile's declared op error (not a wrong bit-exact claim) judges it.

import type { RsqrtImpl, SqrtImpl } from '../reference/op-implementations/index.js';
import type { Profile } from '../reference/profile.js';
import { BASE_AXES } from '../reference/variant.js';

export interface RecordingMachine {
  cpu_model?: unknown;
  cpu_flags?: unknown;
  device?: unknown;
  /** torch built with MKL (record.py writes torch.backends.mkl.is_available()); absent: the x86 wheels, which are. */
  mkl?: unknown;
}

/** Axis settings for the recording machine's build of the profile, as `--set` takes them (empty: the defaults hold). */
export function machineSettings(profile: string, machine: RecordingMachine | undefined): Record<string, string> {
  if (!machine || (machine.cpu_model === undefined && machine.device === undefined)) return {};
  const device = typeof machine.device === 'string' ? machine.device.toLowerCase() : 'cpu';
  const cpu = typeof machine.cpu_model === 'string' ? machine.cpu_model : '';
  const flags = Array.isArray(machine.cpu_flags) ? machine.cpu_flags.map(String) : [];
  const onCpu = device === 'cpu';
  const amd = onCpu && /\bAMD\b/i.test(cpu);
  const intelAvx512 = onCpu && /\bIntel\b/i.test(cpu) && flags.includes('avx512f');
  const name = profile.split('@')[0];
  if (name === 'torch') {
    // MKL's generic kernel runs on AMD; Intel's kernels are not modelled; GPU, ARM and builds
    // without MKL round correctly.
    const sqrtImpl: SqrtImpl = amd && machine.mkl !== false ? 'mkl-vml-amd' : 'correctly-rounded';
    return { sqrtImpl };
  }
  if (name === 'optax') {
    const rsqrtImpl: RsqrtImpl =
      amd && flags.includes('avx512f') ? 'xla-cpu-amd-avx512' : intelAvx512 ? 'xla-cpu-intel-avx512' : 'one-over-sqrt';
    return { rsqrtImpl };
  }
  return {};
}

/** The axis settings that depart from the profile's own axes (the others say nothing new). */
export function departures(profile: Profile, settings: Readonly<Record<string, string>>): Record<string, string> {
  const axes: Record<string, unknown> = { ...BASE_AXES, ...profile.axes };
  return Object.fromEntries(Object.entries(settings).filter(([axis, value]) => axes[axis] !== value));
}
