// Model-shaped parameter lists: each model is its parameter tensors, in the order the architecture
// defines them, as (name, shape) pairs. Data only; the benchmark steps them per tensor or fused.

export interface ParameterTensor {
  name: string;
  shape: readonly number[];
}

export interface ModelShape {
  id: string;
  describe: string;
  /** Where the architecture and the published count come from. */
  source: string;
  /** The published parameter count the tensor list must add up to (null: none published). */
  publishedParameters: number | null;
  tensors: readonly ParameterTensor[];
}

export const tensorSize = (t: ParameterTensor): number => t.shape.reduce((a, b) => a * b, 1);

export function parameterCount(model: ModelShape): number {
  return model.tensors.reduce((sum, t) => sum + tensorSize(t), 0);
}
