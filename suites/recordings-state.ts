// The optimizer state a recording holds after every step (state_per_step, under the framework's own
// slot names), as the reference's buffers v (second moment), m (centered mean) and b (momentum).
// Data: one pattern per slot name. optax's trace accumulates the update after scale_by_learning_rate
// (-lr times the step; optax/_src/alias.py: chain(scale_by_rms, scale_by_learning_rate, trace)): the
// optax profile's buffer is that same negated one (axis negatedUpdate), so every slot is read as it is
// and zeros compare signed.

import { InputError } from '../reference/errors.js';
import { decodeVector } from '../reference/number-encoding.js';
import type { StateVector } from '../reference/op-error-step.js';

const SLOTS: readonly { pattern: RegExp; quantity: StateVector }[] = [
  { pattern: /^(square_avg|ms|rms)$|_velocity$|\.nu$/, quantity: 'v' },
  { pattern: /^(grad_avg|mg)$|_average_gradient$|\.mu$/, quantity: 'm' },
  { pattern: /^(momentum_buffer|mom|momentum)$|_momentum$|\.trace$/, quantity: 'b' },
];

export interface RecordedState {
  /** Each recorded buffer per step (index t: after step t+1). */
  rows: Partial<Record<StateVector, Float64Array[]>>;
}

/** The recorded buffers, where the recording has them. */
export function recordedState(statePerStep: Readonly<Record<string, readonly unknown[]>>, where: string): RecordedState {
  const out: Partial<Record<StateVector, Float64Array[]>> = {};
  for (const [slot, rows] of Object.entries(statePerStep)) {
    const match = SLOTS.find((s) => s.pattern.test(slot));
    if (!match || out[match.quantity] || !rows.every((r) => Array.isArray(r))) continue;
    out[match.quantity] = rows.map((row, t) => decodeVector(row as never, `${where}: /state_per_step/${slot}/${t}`));
  }
  for (const [q, rows] of Object.entries(out)) {
    if (rows.length === 0) throw new InputError(`${where}: /state_per_step has no rows for ${q}`);
  }
  return { rows: out };
}
