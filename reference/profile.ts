// A profile is data: how one framework (at one version) fills in the axes, what it calls each
// hyperparameter, its defaults, and the source file each claim was read from.

import type { Dtype, LowPrecisionDtype } from './arithmetic.js';
import type { ScheduleSyntax } from './schedules/syntax.js';
import type { Axes, Hyperparameters } from './variant.js';
import type { OpErrorDeclaration } from './op-error.js';

export interface SourceCitation {
  repo: string;
  path: string;
  /** What was read there. */
  note?: string;
}

/** Axis values that apply only in some configurations (Keras legacy switches ops on momentum, tfjs on centered). */
export interface ConditionalAxes {
  /** clipped: elementwise clipping is on (MXNet <= 1.5 squares the clipped gradient differently). */
  when: { momentum?: 'zero' | 'nonzero'; centered?: boolean; clipped?: boolean };
  set: Partial<Axes>;
  because: string;
}

/** A native boolean option that selects axis values rather than a hyperparameter (optax eps_in_sqrt). */
export interface NativeFlag {
  describe: string;
  default: boolean;
  whenTrue: Partial<Axes>;
  whenFalse: Partial<Axes>;
}

/** A native option with named values that select axis values (Keras floatx, a torch tensor lr's dtype). */
export interface NativeOption {
  describe: string;
  default: string;
  values: Readonly<Record<string, Partial<Axes>>>;
}

/** A configuration the framework refuses or silently changes. */
export interface ProfileConstraint {
  /** 'reject': the framework raises; 'force': the framework ignores the value (we apply what it does). */
  kind: 'reject' | 'force';
  when: { momentum?: 'nonzero'; centered?: boolean };
  force?: Partial<Hyperparameters>;
  message: string;
}

export interface Profile {
  /** Profile name without version, e.g. 'torch'. */
  name: string;
  /** Version label; the newest is the default for the name. */
  version: string;
  /** Framework versions this profile describes, [from, until): 'torch@2.0.1' finds the profile whose range holds 2.0.1. */
  versionRange?: { from?: string; until?: string };
  isDefaultVersion: boolean;
  framework: string;
  sources: SourceCitation[];
  /** Native hyperparameter name -> canonical name. */
  nativeNames: Record<string, keyof Hyperparameters>;
  nativeFlags?: Record<string, NativeFlag>;
  /** Axis values a native name sets when it is given a value (Keras: clipnorm is tf.clip_by_norm, global_clipnorm the global form). */
  nativeNameAxes?: Record<string, Partial<Axes>>;
  nativeOptions?: Record<string, NativeOption>;
  /** How the framework writes a learning-rate schedule, and whose arithmetic evaluates it. */
  schedules?: ScheduleSyntax;
  /** Defaults in canonical names (the framework's own defaults; where it has none, a stated harness default). */
  defaults: Partial<Hyperparameters>;
  /** Epsilon that depends on the dtype (tfjs: backend.epsilon()). Overrides defaults.eps when eps is not set. */
  epsByDtype?: Partial<Record<Dtype, number>>;
  /** Epsilon 0 is replaced by this (tf.keras: `epsilon or backend_config.epsilon()`). */
  epsZeroBecomes?: number;
  axes: Partial<Axes>;
  conditional?: ConditionalAxes[];
  constraints?: ProfileConstraint[];
  /** Native names the framework raises on (MXNet 2's gamma1/gamma2): name -> what the framework says. */
  refusedNames?: Record<string, string>;
  /** Elementwise ops the framework's build does not round correctly, with the measured bound (reference/op-error.ts). */
  opErrors?: readonly OpErrorDeclaration[];
  notes: string[];
  /** bfloat16/float16 runs whose arithmetic was read from the framework's source (others refuse these dtypes). */
  lowPrecision?: { dtypes: readonly LowPrecisionDtype[]; sources: SourceCitation[]; notes: string[] };
}

export function profileKey(p: Pick<Profile, 'name' | 'version'>): string {
  return `${p.name}@${p.version}`;
}
