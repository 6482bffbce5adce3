// Learning-rate schedules: the spec, each framework's syntax and arithmetic, and the rate of a step.

import type { Dtype } from '../arithmetic.js';
import { KERAS_SCHEDULES } from './keras.js';
import { OPTAX_SCHEDULES } from './optax.js';
import type { LrScheduleSpec, ScheduleFamily } from './schedule.js';
import type { ScheduleSyntax } from './syntax.js';
import { TORCH_SCHEDULES } from './torch.js';

export {
  SCHEDULE_FAMILIES,
  SCHEDULE_KINDS,
  blankSchedule,
  type LrScheduleSpec,
  type ScheduleFamily,
  type ScheduleKind,
} from './schedule.js';
export { isScheduleCall, parseScheduleCall, type ScheduleClass, type ScheduleSyntax } from './syntax.js';
export { KERAS_SCHEDULES } from './keras.js';
export { TORCH_SCHEDULES } from './torch.js';
export { OPTAX_SCHEDULES } from './optax.js';

export const SCHEDULE_SYNTAXES: Readonly<Record<ScheduleFamily, ScheduleSyntax>> = {
  keras: KERAS_SCHEDULES,
  torch: TORCH_SCHEDULES,
  optax: OPTAX_SCHEDULES,
};

/** The rate of step `step` (steps taken so far) as the framework holds it; `lr` is the optimizer's own lr. */
export function scheduleRate(spec: LrScheduleSpec, step: number, lr: number, dtype: Dtype = 'float32'): number {
  return SCHEDULE_SYNTAXES[spec.family].evaluate(spec, step, lr, dtype);
}
