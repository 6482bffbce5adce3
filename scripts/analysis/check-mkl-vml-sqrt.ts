// Compares reference/op-implementations/mkl-vml-sqrt.ts with MKL itself: reads the inputs and
// results that scripts/analysis/check-mkl-vml-sqrt.c wrote (MKL's vmsSqrt/vmdSqrt on this
// machine) and counts the results the model does not reproduce bit for bit.
//   npm run build && node dist/scripts/analysis/check-mkl-vml-sqrt.js DIR
// Prints one line per dtype; exits 1 if any result differs, 2 on bad input.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mklVmlSqrt32, mklVmlSqrt64 } from '../../reference/op-implementations/mkl-vml-sqrt.js';

function read(dir: string, name: string): Buffer {
  try {
    return readFileSync(join(dir, name));
  } catch {
    process.stderr.write(`check-mkl-vml-sqrt: cannot read ${join(dir, name)} (run check-mkl-vml-sqrt.c first)\n`);
    process.exit(2);
  }
}

function compare(dtype: 'float32' | 'float64', dir: string): number {
  const bytes = dtype === 'float32' ? 4 : 8;
  const inBuf = read(dir, `${dtype === 'float32' ? 'f32' : 'f64'}-in.bin`);
  const outBuf = read(dir, `${dtype === 'float32' ? 'f32' : 'f64'}-out.bin`);
  const n = inBuf.length / bytes;
  const model = dtype === 'float32' ? mklVmlSqrt32 : mklVmlSqrt64;
  const value = (b: Buffer, i: number) => (dtype === 'float32' ? b.readFloatLE(i * bytes) : b.readDoubleLE(i * bytes));
  let differ = 0;
  let notCorrectlyRounded = 0;
  for (let i = 0; i < n; i++) {
    const x = value(inBuf, i);
    const mkl = value(outBuf, i);
    const ours = model(x);
    // NaN payloads are not modelled: any NaN matches any NaN.
    if (!(Object.is(ours, mkl) || (Number.isNaN(ours) && Number.isNaN(mkl)))) {
      if (differ < 5) process.stdout.write(`  ${dtype} x=${x}: MKL ${mkl}, model ${ours}\n`);
      differ++;
    }
    const exact = dtype === 'float32' ? Math.fround(Math.sqrt(x)) : Math.sqrt(x);
    if (!Object.is(exact, mkl) && !Number.isNaN(mkl)) notCorrectlyRounded++;
  }
  process.stdout.write(
    `${dtype}: ${n - differ}/${n} MKL results reproduced bit for bit (${notCorrectlyRounded} of them not correctly rounded)\n`,
  );
  return differ;
}

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write('usage: check-mkl-vml-sqrt DIR (the folder check-mkl-vml-sqrt.c wrote)\n');
  process.exit(2);
}
const differ = compare('float32', dir) + compare('float64', dir);
process.exit(differ === 0 ? 0 : 1);
