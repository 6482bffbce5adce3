// How a framework writes a schedule, as data: its class names and their argument names mapped onto
// the canonical spec. A user writes the call as in the framework (`--set "scheduler=StepLR(step_size=20,
// gamma=0.5)"`, `--set "learning_rate=CosineDecay(initial_learning_rate=0.02, decay_steps=60)"`);
// the parser reads Python literals: numbers, True/False, None and [lists].

import type { Dtype } from '../arithmetic.js';
import { InputError } from '../errors.js';
import { suggest } from '../suggest.js';
import type { LrScheduleSpec, ScheduleFamily } from './schedule.js';

type SpecField = Exclude<keyof LrScheduleSpec, 'kind' | 'family' | 'name'>;

export interface ScheduleClass {
  blank(): LrScheduleSpec;
  /**
   * Argument -> spec field; null: does not enter the arithmetic; { neutral }: only that value is
   * modelled; { mapping }: a {key: value} dict split into two list fields.
   */
  args: Readonly<Record<string, SpecField | null | { neutral: unknown } | { mapping: readonly [SpecField, SpecField] }>>;
  required: readonly string[];
}

export interface ScheduleSyntax {
  family: ScheduleFamily;
  /** The `--set` name that takes the call. */
  setting: string;
  /** Repository and path the classes were read from. */
  source: string;
  classes: Readonly<Record<string, ScheduleClass>>;
  /**
   * The rate of step `step` (steps taken); `lr` is the optimizer's own lr (where the schedule starts
   * from it); `dtype` the run's compute dtype (for frameworks whose schedule follows it).
   */
  evaluate(spec: LrScheduleSpec, step: number, lr: number, dtype: Dtype): number;
}

type Literal = number | boolean | null | number[] | { keys: number[]; values: number[] };

/** Splits at top-level commas (not inside brackets). */
function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseLiteral(text: string, where: string): Literal {
  const t = text.trim();
  if (t === 'True' || t === 'true') return true;
  if (t === 'False' || t === 'false') return false;
  if (t === 'None' || t === 'null') return null;
  if (t.startsWith('{') && t.endsWith('}')) {
    const keys: number[] = [];
    const values: number[] = [];
    for (const entry of splitArguments(t.slice(1, -1))) {
      const colon = entry.indexOf(':');
      const [k, v] = colon < 0 ? [NaN, NaN] : [Number(entry.slice(0, colon)), Number(entry.slice(colon + 1))];
      if (!Number.isFinite(k) || !Number.isFinite(v))
        throw new InputError(`${where}: expected {step: value, ...}, got '${entry}'`);
      keys.push(k);
      values.push(v);
    }
    return { keys, values };
  }
  if (t.startsWith('[') && t.endsWith(']')) {
    return splitArguments(t.slice(1, -1)).map((x) => {
      const n = Number(x);
      if (x === '' || !Number.isFinite(n)) throw new InputError(`${where}: expected a number in the list, got '${x}'`);
      return n;
    });
  }
  const n = Number(t);
  if (t === '' || !Number.isFinite(n))
    throw new InputError(`${where}: expected a number, True, False, None or a [list], got '${t}'`);
  return n;
}

/** Whether a setting's value is written as a call: `Name(...)` or a bare class name of the syntax. */
export function isScheduleCall(syntax: ScheduleSyntax, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const t = value.trim();
  return /^[A-Za-z_][A-Za-z0-9_.]*\s*\(.*\)$/s.test(t) || Object.hasOwn(syntax.classes, t);
}

/** Parses `Name(arg=value, ...)` with the framework's names into a spec; every problem is one InputError. */
export function parseScheduleCall(syntax: ScheduleSyntax, label: string, text: string): LrScheduleSpec {
  const t = text.trim();
  const open = t.indexOf('(');
  const fullName = (open < 0 ? t : t.slice(0, open)).trim();
  const name = fullName.slice(fullName.lastIndexOf('.') + 1); // keras.optimizers.schedules.CosineDecay -> CosineDecay
  const known = Object.keys(syntax.classes);
  const cls = syntax.classes[name];
  if (!Object.hasOwn(syntax.classes, name))
    throw new InputError(
      `${label}: unknown schedule '${name}'${suggest(name, known)}; ${syntax.family} schedules: ${known.join(', ')}`,
    );
  const spec = cls.blank() as unknown as Record<string, unknown>;
  const given = new Set<string>();
  if (open >= 0) {
    if (!t.endsWith(')')) throw new InputError(`${label}: expected ${name}(arg=value, ...), got '${t}'`);
    for (const part of splitArguments(t.slice(open + 1, -1))) {
      const eq = part.indexOf('=');
      if (eq <= 0) throw new InputError(`${label}: ${name} takes keyword arguments (arg=value), got '${part}'`);
      const arg = part.slice(0, eq).trim();
      const where = `${label}: ${name} ${arg}`;
      if (!Object.hasOwn(cls.args, arg))
        throw new InputError(
          `${label}: ${name} has no argument '${arg}'${suggest(arg, Object.keys(cls.args))}; arguments: ${Object.keys(cls.args).join(', ')}`,
        );
      const value = parseLiteral(part.slice(eq + 1), where);
      given.add(arg);
      const target = cls.args[arg];
      if (target === null) continue;
      if (typeof target === 'object' && 'mapping' in target) {
        if (value === null) continue;
        if (typeof value !== 'object' || Array.isArray(value))
          throw new InputError(`${where}: expected a {step: value, ...} dict`);
        spec[target.mapping[0]] = value.keys;
        spec[target.mapping[1]] = value.values;
        continue;
      }
      if (typeof target === 'object') {
        if (value !== target.neutral)
          throw new InputError(`${where}=${JSON.stringify(value)}: only ${String(target.neutral)} is modelled`);
        continue;
      }
      const current = spec[target];
      const expected = Array.isArray(current) ? 'list' : typeof current === 'boolean' ? 'boolean' : 'number';
      const ok =
        (expected === 'list' && Array.isArray(value)) ||
        (expected === 'boolean' && typeof value === 'boolean') ||
        (expected === 'number' && typeof value === 'number') ||
        (value === null && (target === 'warmupTarget' || target === 'endValue'));
      if (!ok) throw new InputError(`${where}: expected a ${expected}, got '${part.slice(eq + 1).trim()}'`);
      spec[target] = value;
    }
  }
  const missing = cls.required.filter((a) => !given.has(a));
  if (missing.length > 0) throw new InputError(`${label}: ${name} needs ${missing.join(', ')}`);
  return checkSchedule(spec as unknown as LrScheduleSpec, label);
}

/** The framework's own argument checks (decay_steps > 0, one more value than boundaries, ...). */
function checkSchedule(s: LrScheduleSpec, label: string): LrScheduleSpec {
  const fail = (why: string) => {
    throw new InputError(`${label}: ${s.name}: ${why}`);
  };
  // optax turns a non-positive transition_steps into a constant schedule; the others raise.
  if (s.family === 'optax' && (s.kind === 'exponential' || s.kind === 'polynomial') && s.steps <= 0)
    return { ...s, rate: 1, kind: 'exponential', steps: 1 };
  if (!(s.steps > 0) || (s.family === 'torch' && !Number.isInteger(s.steps)))
    fail(`the step count must be a positive integer, got ${s.steps}`);
  if (s.kind === 'piecewise-constant' && s.values.length !== s.boundaries.length + 1)
    fail(`needs one more value than boundaries (got ${s.values.length} values, ${s.boundaries.length} boundaries)`);
  const rates = [s.initial ?? 0, s.end, s.warmupTarget ?? 0, ...s.values];
  if (rates.some((x) => x < 0)) fail('rates must be >= 0');
  return s;
}
