// GPT-2 small (Radford et al. 2019; the 124M checkpoint as Hugging Face GPT2Model lays it out):
// vocabulary 50257, context 1024, width 768, 12 blocks of pre-LayerNorm attention + 4x MLP
// (Conv1D weights stored [in, out]), final LayerNorm; the LM head is tied to the token embedding
// and adds no parameters. Published count: 124,439,808.

import type { ModelShape, ParameterTensor } from './types.js';

const VOCAB = 50257;
const CONTEXT = 1024;
const D = 768;
const LAYERS = 12;

function ln(name: string): ParameterTensor[] {
  return [
    { name: `${name}.weight`, shape: [D] },
    { name: `${name}.bias`, shape: [D] },
  ];
}

function build(): ParameterTensor[] {
  const t: ParameterTensor[] = [
    { name: 'wte.weight', shape: [VOCAB, D] },
    { name: 'wpe.weight', shape: [CONTEXT, D] },
  ];
  for (let i = 0; i < LAYERS; i++) {
    const p = `h.${i}`;
    t.push(...ln(`${p}.ln_1`));
    t.push({ name: `${p}.attn.c_attn.weight`, shape: [D, 3 * D] }, { name: `${p}.attn.c_attn.bias`, shape: [3 * D] });
    t.push({ name: `${p}.attn.c_proj.weight`, shape: [D, D] }, { name: `${p}.attn.c_proj.bias`, shape: [D] });
    t.push(...ln(`${p}.ln_2`));
    t.push({ name: `${p}.mlp.c_fc.weight`, shape: [D, 4 * D] }, { name: `${p}.mlp.c_fc.bias`, shape: [4 * D] });
    t.push({ name: `${p}.mlp.c_proj.weight`, shape: [4 * D, D] }, { name: `${p}.mlp.c_proj.bias`, shape: [D] });
  }
  t.push(...ln('ln_f'));
  return t;
}

export const gpt2Small: ModelShape = {
  id: 'gpt2',
  describe: 'GPT-2 small (124M), LM head tied to the token embedding',
  source: 'Radford et al. 2019; Hugging Face gpt2 checkpoint (124,439,808 parameters with tied embeddings)',
  publishedParameters: 124_439_808,
  tensors: build(),
};
