// Recorded runs: clients/python/record.py records a real torch training loop (Debian torch 1.13), and
// the `recorded` adapter checks it offline against its profile, step by step; so are the calibration
// recordings the project ships (suites/recordings), in the same format.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAdapter, parseAdapterSpec } from '../../adapters/registry.js';
import { InputError } from '../../reference/errors.js';
import { runConformance } from '../../runner/run-conformance.js';

const PYTHON = '/usr/bin/python3';
const RECORDINGS = join(process.cwd(), 'suites', 'recordings');

const TRAINING_LOOP = `
import sys
sys.path.insert(0, "clients/python")
import torch, record
torch.manual_seed(0)
dtype = getattr(torch, sys.argv[2])
model = torch.nn.Linear(3, 2).to(dtype)
opt = torch.optim.RMSprop(model.parameters(), lr=0.01, alpha=0.9, momentum=0.5, centered=True)
rec = record.TorchRecorder(opt)
x = torch.randn(8, 3, dtype=dtype); y = torch.randn(8, 2, dtype=dtype)
for _ in range(15):
    opt.zero_grad(); torch.nn.functional.mse_loss(model(x), y).backward()
    rec.step()
rec.save(sys.argv[1])
`;

function recordTorchRun(dtype: 'float32' | 'float64'): string {
  const dir = mkdtempSync(join(tmpdir(), 'recorded-'));
  const script = join(dir, 'loop.py');
  const out = join(dir, `run-${dtype}.json`);
  writeFileSync(script, TRAINING_LOOP);
  const r = spawnSync(PYTHON, [script, out, dtype], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(
      `${PYTHON} could not run the torch training loop (${r.stderr.trim().split('\n').pop()}): run bash scripts/setup-system.sh (installs Debian python3-torch)`,
    );
  return out;
}

async function check(path: string) {
  return runConformance({ adapters: [`recorded:path=${path}`], isolation: 'in-process', compareProfiles: false });
}

describe('recorded runs', () => {
  it.each(['float32', 'float64'] as const)(
    'record.py records a torch %s training loop, and the run is bit-exact with torch@1.13 at every step, state included',
    async (dtype) => {
      const path = recordTorchRun(dtype);
      const doc = JSON.parse(readFileSync(path, 'utf8'));
      expect(doc).toMatchObject({ framework: 'torch', dtype, steps: 15, case: 'recorded' });
      expect(Object.keys(doc.state_per_step).sort()).toEqual(['grad_avg', 'momentum_buffer', 'square_avg', 'step']);
      const r = await check(path);
      expect(r.cells).toHaveLength(1);
      const cell = r.cells[0];
      expect(cell).toMatchObject({ case: `recorded/run-${dtype}`, dtype, status: 'pass', expectedProfile: 'torch@1.13' });
      expect(cell.freeRunning?.maxUlp).toBe(0);
      expect(cell.state?.steps.length).toBe(15);
      expect(cell.state?.maxUlp).toBe(0);
    },
    60_000,
  );

  it('a recorded run that departs from its profile fails at the step where it does', async () => {
    const path = recordTorchRun('float64');
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    doc.trajectory[5][0] = doc.trajectory[5][0] * (1 + 1e-9);
    writeFileSync(path, JSON.stringify(doc));
    const cell = (await check(path)).cells[0];
    expect(cell.status).toBe('fail');
    expect(cell.freeRunning?.firstDivergentStep).toBe(6);
  }, 60_000);

  it('checks the calibration recordings shipped in suites/recordings', async () => {
    const keras = (await check(join(RECORDINGS, 'keras', 'keras-tf_bowl3_centered_momentum_float32.json'))).cells[0];
    expect(keras).toMatchObject({ status: 'pass', expectedProfile: 'keras@3' });
    const tfRaw = (await check(join(RECORDINGS, 'tf', 'tf-rawops_stream12_momentum_float32.json'))).cells[0];
    expect(tfRaw).toMatchObject({ status: 'pass', expectedProfile: 'tf-raw@2' });
    // A learning-rate schedule is not modelled: skipped with the reason, never passed.
    const schedule = (await check(join(RECORDINGS, 'torch', 'torch-forloop_bowl3_explr_float64.json'))).cells[0];
    expect(schedule.status).toBe('skip');
    expect(schedule.reason).toMatch(/learning-rate schedule/);
  }, 60_000);

  it('bad recordings are usage errors naming the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'recorded-bad-'));
    const create = (spec: string) => () => createAdapter(parseAdapterSpec(spec));
    expect(create('recorded')).toThrow(/give the recording's path/);
    expect(create(`recorded:path=${join(dir, 'none.json')}`)).toThrow(InputError);
    const half = join(dir, 'half.json');
    writeFileSync(
      half,
      JSON.stringify({
        framework: 'torch',
        framework_version: '2.1',
        dtype: 'float8_e4m3fn',
        hyperparams: {},
        x0: [1],
        grads: [[1]],
        trajectory: [[0.9]],
      }),
    );
    expect(create(`recorded:path=${half}`)).toThrow(
      /float8_e4m3fn: the reference has float32, float64, bfloat16, float16 arithmetic only/,
    );
    const noTrajectory = join(dir, 'short.json');
    writeFileSync(
      noTrajectory,
      JSON.stringify({ framework: 'torch', framework_version: '2.1', dtype: 'float32', hyperparams: {}, x0: [1], grads: [[1]] }),
    );
    expect(create(`recorded:path=${noTrajectory}`)).toThrow(/trajectory/);
  });
});
