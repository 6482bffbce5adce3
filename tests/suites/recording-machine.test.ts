// The build of a framework's inexact ops, read off the machine a run was recorded on.
import { describe, expect, it } from 'vitest';
import { machineSettings } from '../../suites/recording-machine.js';

const AMD = { cpu_model: 'AMD EPYC', cpu_flags: ['avx2', 'avx512f'], device: 'cpu' };
const INTEL = { cpu_model: 'Intel(R) Xeon(R) Platinum 8480+', cpu_flags: ['avx2', 'avx512f'], device: 'cpu' };

describe('the recording machine', () => {
  it("gives torch MKL's AMD sqrt on an AMD CPU, the plain sqrt on Intel and on a GPU", () => {
    expect(machineSettings('torch@2.13', AMD)).toEqual({ sqrtImpl: 'mkl-vml-amd' });
    expect(machineSettings('torch@2.13', INTEL)).toEqual({ sqrtImpl: 'correctly-rounded' });
    expect(machineSettings('torch', { ...AMD, device: 'cuda' })).toEqual({ sqrtImpl: 'correctly-rounded' });
    // Debian's python3-torch is built without MKL (record.py writes torch.backends.mkl.is_available()).
    expect(machineSettings('torch', { ...AMD, mkl: false })).toEqual({ sqrtImpl: 'correctly-rounded' });
  });

  it("gives optax XLA's rsqrt of the vendor with AVX-512, and 1/sqrt without it", () => {
    expect(machineSettings('optax', AMD)).toEqual({ rsqrtImpl: 'xla-cpu-amd-avx512' });
    expect(machineSettings('optax', INTEL)).toEqual({ rsqrtImpl: 'xla-cpu-intel-avx512' });
    expect(machineSettings('optax', { ...INTEL, cpu_flags: ['avx2'] })).toEqual({ rsqrtImpl: 'one-over-sqrt' });
  });

  it('says nothing where the recorder describes no machine, or for a framework whose ops are all correctly rounded', () => {
    expect(machineSettings('torch', undefined)).toEqual({});
    expect(machineSettings('torch', { python: '3.11' } as never)).toEqual({});
    expect(machineSettings('keras', INTEL)).toEqual({});
  });
});
