// Profile + user settings (native names, canonical names, axis names) -> a fully specified Variant.
import { InputError } from './errors.js';

import { isLowPrecision, type Dtype } from './arithmetic.js';
import { profileKey, type Profile } from './profile.js';
import { PROFILES } from './profiles/index.js';
import { findProfile } from './registry.js';
import { isScheduleCall, parseScheduleCall } from './schedules/syntax.js';
import { suggest } from './suggest.js';
import {
  AXES,
  BASE_AXES,
  BASE_HYPERPARAMETERS,
  FMA_SITES,
  HYPERPARAMETERS,
  type Axes,
  type FmaSite,
  type Hyperparameters,
  type Variant,
} from './variant.js';

export class SettingError extends InputError {}

export type SettingValue = string | number | boolean | null | readonly string[];
export type Settings = Readonly<Record<string, SettingValue>>;

export interface ResolvedVariant {
  profile: Profile;
  dtype: Dtype;
  variant: Variant;
  /** The hyperparameters in the framework's own names, as they were used. */
  native: Record<string, number | boolean | null>;
}

/** lower-case, no separators: 'weight_decay', 'weightDecay' and 'weight-decay' are one name. */
const normalise = (name: string) => name.toLowerCase().replace(/[-_]/g, '');

const HP_BY_NORMAL = new Map(
  HYPERPARAMETERS.flatMap((h) => [h.name, ...(h.aliases ?? [])].map((n) => [normalise(n), h] as const)),
);
const AXIS_BY_NORMAL = new Map(AXES.map((a) => [normalise(a.name), a]));

/** Native names that some framework uses for a different hyperparameter than the canonical one of the same name (Keras 2's decay). */
const AMBIGUOUS_NATIVE = new Set(
  PROFILES.flatMap((p) => Object.entries(p.nativeNames))
    .filter(([name, canonical]) => HP_BY_NORMAL.has(normalise(name)) && HP_BY_NORMAL.get(normalise(name))!.name !== canonical)
    .map(([name]) => name),
);

function parseBoolean(name: string, value: SettingValue): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
  if (typeof value === 'string') {
    const v = value.toLowerCase();
    if (['true', 'on', 'yes', '1'].includes(v)) return true;
    if (['false', 'off', 'no', '0'].includes(v)) return false;
  }
  throw new SettingError(`${name}: expected true or false, got '${String(value)}'`);
}

function parseNumber(name: string, value: SettingValue): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw new SettingError(`${name}: expected a finite number, got '${String(value)}'`);
  return n;
}

function parseList(value: SettingValue): string[] {
  if (typeof value === 'object' && value !== null) return [...value];
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return [];
}

const RANGES: Partial<Record<keyof Hyperparameters, [number, number, string]>> = {
  lr: [0, Infinity, '>= 0'],
  eps: [0, Infinity, '>= 0'],
  decay: [0, 1, 'in [0, 1]'],
  momentum: [0, 1, 'in [0, 1]'],
  weightDecay: [0, Infinity, '>= 0'],
  lrDecay: [0, Infinity, '>= 0'],
  initialAccumulator: [0, Infinity, '>= 0'],
  clip: [0, Infinity, '> 0'],
  clipNorm: [0, Infinity, '> 0'],
  rescale: [-Infinity, Infinity, 'finite'],
  emaMomentum: [0, 1, 'in [0, 1]'],
  emaOverwriteFrequency: [1, Infinity, 'an integer >= 1'],
};

function setHyperparameter(hp: Hyperparameters, name: keyof Hyperparameters, label: string, value: SettingValue): void {
  const info = HYPERPARAMETERS.find((h) => h.name === name)!;
  let parsed: number | boolean | null | readonly number[];
  if (info.kind === 'schedule') {
    if (value === null || (typeof value === 'string' && ['none', 'null'].includes(value.toLowerCase()))) {
      hp.schedule = null;
      return;
    }
    throw new SettingError(
      `${label}: write the schedule as the framework's call, e.g. scheduler=StepLR(step_size=20, gamma=0.5)`,
    );
  } else if (info.kind === 'number-list') {
    parsed =
      value === null || (typeof value === 'string' && ['none', 'null'].includes(value.toLowerCase()))
        ? null
        : parseList(value).map((x) => parseNumber(label, x));
    if (parsed !== null && parsed.length === 0) throw new SettingError(`${label}: expected a comma list of numbers`);
  } else if (info.kind === 'boolean') parsed = parseBoolean(label, value);
  else if (
    info.kind === 'nullable-number' &&
    (value === null || (typeof value === 'string' && ['none', 'null'].includes(value.toLowerCase())))
  )
    parsed = null;
  else parsed = parseNumber(label, value);
  const range = RANGES[name];
  if (typeof parsed === 'number' && range) {
    const [lo, hi, text] = range;
    const strictlyPositive = name === 'clip' || name === 'clipNorm';
    const integer = name === 'emaOverwriteFrequency';
    if (parsed < lo || parsed > hi || (strictlyPositive && parsed === 0) || (integer && !Number.isInteger(parsed))) {
      throw new SettingError(`${label}: must be ${text}, got ${parsed}`);
    }
  }
  (hp as unknown as Record<string, unknown>)[name] = parsed;
}

function setAxis(axes: Axes, name: keyof Axes, label: string, value: SettingValue, profile: Profile): void {
  const info = AXES.find((a) => a.name === name)!;
  const target = axes as unknown as Record<string, unknown>;
  if (name === 'fma') {
    target.fma = parseFma(label, value, profile);
  } else if (info.values === 'boolean') {
    target[name] = parseBoolean(label, value);
  } else if (info.values === 'list') {
    const names = info.items ?? HYPERPARAMETERS.map((h) => h.name as string);
    const list = parseList(value);
    for (const item of list) {
      if (!names.includes(item))
        throw new SettingError(
          `${label}: unknown ${info.items ? 'item' : 'hyperparameter'} '${item}'${suggest(item, names)}; expected a comma list of ${names.join(', ')}`,
        );
    }
    target[name] = list;
  } else {
    const s = String(value);
    if (!info.values.includes(s))
      throw new SettingError(`${label}: expected one of ${info.values.join(' | ')}, got '${s}'${suggest(s, info.values)}`);
    target[name] = s;
  }
}

function parseFma(label: string, value: SettingValue, profile: Profile): FmaSite[] {
  if (typeof value === 'boolean' || (typeof value === 'string' && ['on', 'off', 'true', 'false'].includes(value.toLowerCase()))) {
    if (!parseBoolean(label, value)) return [];
    const own = profile.axes.fma ?? [];
    return own.length > 0 ? [...own] : [...FMA_SITES];
  }
  const list = parseList(value);
  for (const item of list) {
    if (!(FMA_SITES as readonly string[]).includes(item)) {
      throw new SettingError(
        `${label}: expected on, off or a comma list of ${FMA_SITES.join(', ')}, got '${item}'${suggest(item, FMA_SITES)}`,
      );
    }
  }
  return list as FmaSite[];
}

/** What a name means in other profiles: "'decay' means decay in tfjs, optax; lrDecay in keras2-legacy". */
function meaningsElsewhere(name: string, except: Profile): string {
  const byMeaning = new Map<string, Set<string>>();
  for (const p of PROFILES) {
    if (p.name === except.name) continue;
    const canonical = p.nativeNames[name];
    if (canonical === undefined) continue;
    const describe = HYPERPARAMETERS.find((h) => h.name === canonical)!.describe;
    const key = `${canonical} (${describe})`;
    if (!byMeaning.has(key)) byMeaning.set(key, new Set());
    byMeaning.get(key)!.add(p.name);
  }
  if (byMeaning.size === 0) return '';
  const parts = [...byMeaning].map(([meaning, profiles]) => `${meaning} in ${[...profiles].join(', ')}`);
  // Name this profile's own word for the canonical meaning of the same name, if it has one.
  const canonical = HP_BY_NORMAL.get(normalise(name));
  const own = canonical && Object.entries(except.nativeNames).find(([, c]) => c === canonical.name)?.[0];
  const hint = own ? `; ${except.name} calls ${canonical.name} '${own}'` : '';
  return `; note: '${name}' means ${parts.join('; ')}${hint}`;
}

function conditionHolds(
  when: { momentum?: 'zero' | 'nonzero'; centered?: boolean; clipped?: boolean },
  hp: Hyperparameters,
): boolean {
  if (when.clipped !== undefined && when.clipped !== (hp.clip !== null)) return false;
  if (when.momentum === 'zero' && hp.momentum !== 0) return false;
  if (when.momentum === 'nonzero' && hp.momentum === 0) return false;
  if (when.centered !== undefined && when.centered !== hp.centered) return false;
  return true;
}

/**
 * Resolve a profile (name or object) and settings into a Variant for a dtype.
 * Settings may use the profile's native names, its native flags, canonical hyperparameter names and
 * canonical axis names (including fma=on|off). Unknown names are refused with the accepted list.
 */
export function resolveVariant(
  profileSpec: string | Profile,
  dtype: Dtype,
  settings: Settings = {},
  canonical: Settings = {},
): ResolvedVariant {
  const profile = typeof profileSpec === 'string' ? findProfile(profileSpec) : profileSpec;
  if (isLowPrecision(dtype) && !profile.lowPrecision?.dtypes.includes(dtype))
    throw new SettingError(
      `profile ${profileKey(profile)} does not describe ${dtype} arithmetic (where ${profile.framework} rounds and how its scalars enter in ${dtype} was not read from its source); profiles that do: ${
        PROFILES.filter((p) => p.lowPrecision?.dtypes.includes(dtype))
          .map(profileKey)
          .join(', ') || 'none'
      }`,
    );
  const hp: Hyperparameters = { ...BASE_HYPERPARAMETERS, ...profile.defaults };
  const axes: Axes = { ...BASE_AXES, ...profile.axes };
  const explicitAxes: [keyof Axes, string, SettingValue][] = [];
  const flags = new Map(Object.entries(profile.nativeFlags ?? {}).map(([k, f]) => [k, f.default]));
  const options = new Map(Object.entries(profile.nativeOptions ?? {}).map(([k, o]) => [k, o.default]));
  let epsSet = false;
  const nameAxes: Partial<Axes>[] = [];

  // Canonical settings (cases, programmatic callers) name hyperparameters and axes directly.
  for (const [key, value] of Object.entries(canonical)) {
    const info = HP_BY_NORMAL.get(normalise(key));
    const axis = AXIS_BY_NORMAL.get(normalise(key));
    if (info) {
      setHyperparameter(hp, info.name, key, value);
      if (info.name === 'eps') epsSet = true;
    } else if (axis) explicitAxes.push([axis.name, key, value]);
    else
      throw new SettingError(
        `unknown canonical setting '${key}'${suggest(key, [...HYPERPARAMETERS.map((h) => h.name), ...AXES.map((a) => a.name)])}`,
      );
  }

  for (const [key, value] of Object.entries(settings)) {
    const refused = profile.refusedNames?.[key];
    if (refused !== undefined) throw new SettingError(`profile ${profile.name}: ${key} is refused: ${refused}`);
    const native = profile.nativeNames[key];
    const flag = profile.nativeFlags?.[key];
    const option = profile.nativeOptions?.[key];
    const canonical = HP_BY_NORMAL.get(normalise(key));
    const axis = AXIS_BY_NORMAL.get(normalise(key));
    const syntax = profile.schedules;
    if (syntax && key === syntax.setting && (native === undefined || isScheduleCall(syntax, value))) {
      // The framework's schedule call (Keras: learning_rate takes a number or a schedule).
      const none = value === null || (typeof value === 'string' && ['none', 'null'].includes(value.toLowerCase()));
      hp.schedule = none ? null : parseScheduleCall(syntax, key, String(value));
      if (hp.schedule?.initial !== null && hp.schedule?.initial !== undefined) hp.lr = hp.schedule.initial;
    } else if (option !== undefined) {
      const s = String(value);
      if (!Object.hasOwn(option.values, s))
        throw new SettingError(
          `${key}: expected one of ${Object.keys(option.values).join(' | ')}, got '${s}'${suggest(s, Object.keys(option.values))}`,
        );
      options.set(key, s);
    } else if (native !== undefined) {
      setHyperparameter(hp, native, key, value);
      if (native === 'eps') epsSet = true;
      if (profile.nativeNameAxes?.[key] && hp[native] !== null) nameAxes.push(profile.nativeNameAxes[key]);
    } else if (flag !== undefined) {
      flags.set(key, parseBoolean(key, value));
    } else if (canonical !== undefined && !AMBIGUOUS_NATIVE.has(key)) {
      setHyperparameter(hp, canonical.name, key, value);
      if (canonical.name === 'eps') epsSet = true;
    } else if (axis !== undefined) {
      explicitAxes.push([axis.name, key, value]);
    } else {
      const accepted = [
        ...Object.keys(profile.nativeNames),
        ...Object.keys(profile.nativeFlags ?? {}),
        ...Object.keys(profile.nativeOptions ?? {}),
        ...(profile.schedules && !profile.nativeNames[profile.schedules.setting] ? [profile.schedules.setting] : []),
      ];
      // A canonical name that is another framework's native word for something else is refused above: not listed.
      const canonicalNames = HYPERPARAMETERS.map((h) => h.name).filter(
        (n) => !AMBIGUOUS_NATIVE.has(n) || profile.nativeNames[n] !== undefined,
      );
      const all = [...accepted, ...canonicalNames, ...AXES.map((a) => a.name)];
      throw new SettingError(
        `unknown setting '${key}' for profile ${profile.name}${suggest(
          key,
          all.filter((n) => n !== key),
        )}; accepted: ${accepted.join(', ')} ` +
          `(or canonical: ${canonicalNames.join(', ')}; axes: ${AXES.map((a) => a.name).join(', ')})` +
          meaningsElsewhere(key, profile),
      );
    }
  }

  if (!epsSet && profile.epsByDtype?.[dtype] !== undefined) hp.eps = profile.epsByDtype[dtype]!;
  if (hp.eps === 0 && profile.epsZeroBecomes !== undefined) hp.eps = profile.epsZeroBecomes;

  for (const c of profile.constraints ?? []) {
    if (!conditionHolds(c.when, hp)) continue;
    if (c.kind === 'reject') throw new SettingError(`profile ${profile.name}: ${c.message}`);
    Object.assign(hp, c.force);
  }
  for (const [name, on] of flags)
    Object.assign(axes, on ? profile.nativeFlags![name].whenTrue : profile.nativeFlags![name].whenFalse);
  for (const set of nameAxes) Object.assign(axes, set);
  for (const [name, value] of options) Object.assign(axes, profile.nativeOptions![name].values[value]);
  for (const c of profile.conditional ?? []) if (conditionHolds(c.when, hp)) Object.assign(axes, c.set);
  for (const [name, label, value] of explicitAxes) setAxis(axes, name, label, value, profile);

  const native: Record<string, number | boolean | null> = {};
  for (const [nativeName, canonical] of Object.entries(profile.nativeNames))
    native[nativeName] = hp[canonical] as number | boolean | null;
  for (const [name, on] of flags) native[name] = on;
  return { profile, dtype, variant: { ...hp, ...axes }, native };
}
