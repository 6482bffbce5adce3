// Model-shaped stepping: a model's parameter tensors laid out in one flat array (each tensor's start
// aligned to 16 elements, 64 bytes in float32), stepped one call per tensor or in one fused call.

import os from 'node:os';
import type { Dtype } from '../../reference/arithmetic.js';
import { parameterCount, tensorSize, type ModelShape } from '../../suites/models/index.js';
import { elementBytes } from './traffic.js';
import type { ModelLayout } from './types.js';

export const TENSOR_ALIGN = 16;

export function modelLayout(model: ModelShape, scale = 1): ModelLayout {
  const sizes = model.tensors.map((t) => (scale === 1 ? tensorSize(t) : Math.max(1, Math.round(tensorSize(t) * scale))));
  const offsets: number[] = [];
  let at = 0;
  for (const s of sizes) {
    offsets.push(at);
    at += Math.ceil(s / TENSOR_ALIGN) * TENSOR_ALIGN;
  }
  return { model: model.id, sizes, offsets, total: at, scale };
}

/**
 * The scale at which `arrays` arrays of the model fit in `fraction` of this machine's memory: 1 when
 * the real model fits, else the largest power-of-two fraction that does (stated in the report).
 */
export function modelScale(model: ModelShape, dtype: Dtype, arrays: number, totalMemory = os.totalmem(), fraction = 0.5): number {
  const need = parameterCount(model) * elementBytes(dtype) * arrays;
  let scale = 1;
  while (need * scale > totalMemory * fraction && scale > 1 / 1024) scale /= 2;
  return scale;
}
