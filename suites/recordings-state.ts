// The optimizer state a recording holds after every step (state_per_step, under the framework's own
// slot names), as the reference's buffers v (second moment), m (centered mean) and b (momentum).
// Data: one pattern per slot name. optax's trace accumulates the update after scale_by_learning_rate,
// which is -lr times the step, so it is the reference's momentum buffer negated (optax/_src/alias.py:
// chain(scale_by_rms, scale_by_learning_rate, trace); the reference's lr-inside b is +lr times it).

import { InputError } from '../reference/errors.js';
import { decodeVector } from '../reference/number-encoding.js';
import type { StateVector } from '../reference/op-error-step.js';

const SLOTS: readonly { pattern: RegExp; quantity: StateVector; sign: 1 | -1 }[] = [
  { pattern: /^(square_avg|ms|rms)$|_velocity$|\.nu$/, quantity: 'v', sign: 1 },
  { pattern: /^(grad_avg|mg)$|_average_gradient$|\.mu$/, quantity: 'm', sign: 1 },
  { pattern: /^(momentum_buffer|mom|momentum)$|_momentum$/, quantity: 'b', sign: 1 },
  { pattern: /\.trace$/, quantity: 'b', sign: -1 },
];

export interface RecordedState {
  /** Each recorded buffer per step (index t: after step t+1). */
  rows: Partial<Record<StateVector, Float64Array[]>>;
  /**
   * Buffers read through a negation (optax trace): the sign of a zero does not carry over (trace = +0
   * where the reference's b is +0 too: -lr*0 + m*0 rounds to +0 on both sides), so zeros compare unsigned.
   */
  zeroSignUnknown: StateVector[];
}

/** The recorded buffers, where the recording has them. */
export function recordedState(statePerStep: Readonly<Record<string, readonly unknown[]>>, where: string): RecordedState {
  const out: Partial<Record<StateVector, Float64Array[]>> = {};
  const zeroSignUnknown: StateVector[] = [];
  for (const [slot, rows] of Object.entries(statePerStep)) {
    const match = SLOTS.find((s) => s.pattern.test(slot));
    if (!match || out[match.quantity] || !rows.every((r) => Array.isArray(r))) continue;
    if (match.sign === -1) zeroSignUnknown.push(match.quantity);
    out[match.quantity] = rows.map((row, t) => {
      const x = decodeVector(row as never, `${where}: /state_per_step/${slot}/${t}`);
      return match.sign === 1 ? x : x.map((y) => -y);
    });
  }
  for (const [q, rows] of Object.entries(out)) {
    if (rows.length === 0) throw new InputError(`${where}: /state_per_step has no rows for ${q}`);
  }
  return { rows: out, zeroSignUnknown };
}
