// The objective functions every implementation is run on. Gradients are written out in the order a
// reverse-mode engine evaluates them, so that float32 gradients match a framework's, not a float64
// value rounded at the end.

import { arithmeticFor, type Arithmetic } from '../reference/arithmetic.js';
import type { AutodiffOrder, Problem } from './problem.js';
import { seededPermutation, seededRandom } from './random.js';

/** Sum left to right from 0, as NumPy's pairwise sum does for fewer than 8 elements and frameworks do for short vectors. */
function sequentialSum(A: Arithmetic, values: readonly number[]): number {
  let s = 0;
  for (const v of values) s = A.add(s, v);
  return s;
}

const xlogx: Problem = {
  id: 'xlogx',
  describe: 'f(x) = x / ln x on x > 1 (minimum at e); the classic float32 RMSprop demo',
  dim: 1,
  defaultDim: 1,
  defaultX0: () => [364],
  minimum: () => [Math.E],
  loss: (x, dtype) => {
    const A = arithmeticFor(dtype);
    return A.div(x[0], A.round(Math.log(x[0])));
  },
  gradient: (x, dtype, _t, order) => {
    const A = arithmeticFor(dtype);
    const v = x[0];
    const L = A.round(Math.log(v));
    // d/dv of v / L(v): numerator path 1/L, denominator path (-v/L^2) * (1/v).
    const viaNumerator = A.div(A.round(1), L);
    const viaDenominator =
      order === 'torch'
        ? A.div(-A.div(A.div(v, L), L), v) // DivBackward: -grad*((self/other)/other); LogBackward: grad/self
        : A.mul(A.div(A.div(-v, L), L), A.div(A.round(1), v)); // _RealDivGrad: grad*((-x/y)/y); _LogGrad: grad*reciprocal(x)
    return Float64Array.of(A.add(viaNumerator, viaDenominator));
  },
};

const quad2d: Problem = {
  id: 'quad2d',
  describe: 'f(x) = 0.1 x1^2 + 2 x2^2 (axis-aligned, condition number 20)',
  dim: 2,
  defaultDim: 2,
  defaultX0: () => [-5, -2],
  minimum: () => [0, 0],
  loss: (x, dtype) => {
    const A = arithmeticFor(dtype);
    return A.add(A.mul(A.round(0.1), A.mul(x[0], x[0])), A.mul(A.round(2), A.mul(x[1], x[1])));
  },
  gradient: (x, dtype) => {
    const A = arithmeticFor(dtype);
    return Float64Array.of(A.mul(A.mul(A.round(0.1), A.round(2)), x[0]), A.mul(A.round(4), x[1]));
  },
};

const rotated2d: Problem = {
  id: 'rotated2d',
  describe: 'f(x) = 0.1 (x1 + x2)^2 + 2 (x1 - x2)^2 (the quad2d valley rotated 45 degrees: not axis-aligned)',
  dim: 2,
  defaultDim: 2,
  defaultX0: () => [-5, -2],
  minimum: () => [0, 0],
  loss: (x, dtype) => {
    const A = arithmeticFor(dtype);
    const s = A.add(x[0], x[1]);
    const d = A.sub(x[0], x[1]);
    return A.add(A.mul(A.round(0.1), A.mul(s, s)), A.mul(A.round(2), A.mul(d, d)));
  },
  gradient: (x, dtype) => {
    const A = arithmeticFor(dtype);
    const s = A.mul(A.round(0.2), A.add(x[0], x[1]));
    const d = A.mul(A.round(4), A.sub(x[0], x[1]));
    return Float64Array.of(A.add(s, d), A.sub(s, d));
  },
};

const LINREG_X = [5, 15, 25, 35, 45, 55];
const LINREG_Y = [5, 20, 14, 32, 22, 38];

/** e_i = (m x_i + b) - y_i over the given rows. */
function residuals(A: Arithmetic, m: number, b: number, rows: readonly number[]): number[] {
  return rows.map((i) => A.sub(A.add(A.mul(m, LINREG_X[i]), b), LINREG_Y[i]));
}

/** Gradient of 1/2 MSE: (mean(e x), mean(e)), times `scale` (2 for the full MSE). */
function linregGradient(A: Arithmetic, x: Float64Array, rows: readonly number[], scale: number): Float64Array {
  const e = residuals(A, x[0], x[1], rows);
  const n = A.round(rows.length);
  const gm = A.div(
    sequentialSum(
      A,
      e.map((ei, k) => A.mul(ei, LINREG_X[rows[k]])),
    ),
    n,
  );
  const gb = A.div(sequentialSum(A, e), n);
  return scale === 1 ? Float64Array.of(gm, gb) : Float64Array.of(A.mul(A.round(scale), gm), A.mul(A.round(scale), gb));
}

function linregLoss(A: Arithmetic, x: Float64Array, scale: number): number {
  const e = residuals(
    A,
    x[0],
    x[1],
    LINREG_X.map((_, i) => i),
  );
  const mse = A.div(
    sequentialSum(
      A,
      e.map((v) => A.mul(v, v)),
    ),
    A.round(e.length),
  );
  return scale === 1 ? A.mul(A.round(0.5), mse) : mse;
}

const ALL_ROWS = LINREG_X.map((_, i) => i);

const linreg: Problem = {
  id: 'linreg',
  describe: 'least squares y = m x + b on x=[5..55], y=[5,20,14,32,22,38]; loss 1/2 MSE, gradient (mean(e x), mean(e))',
  dim: 2,
  defaultDim: 2,
  defaultX0: () => [3, 5],
  loss: (x, dtype) => linregLoss(arithmeticFor(dtype), x, 1),
  gradient: (x, dtype) => linregGradient(arithmeticFor(dtype), x, ALL_ROWS, 1),
};

const linregMse: Problem = {
  id: 'linreg-mse',
  describe: 'linreg with the full MSE: gradient 2 * (mean(e x), mean(e))',
  dim: 2,
  defaultDim: 2,
  defaultX0: () => [3, 5],
  loss: (x, dtype) => linregLoss(arithmeticFor(dtype), x, 2),
  gradient: (x, dtype) => linregGradient(arithmeticFor(dtype), x, ALL_ROWS, 2),
};

const MINIBATCH_SIZE = 2;
const MINIBATCH_SEED = 20261121;

/** Rows of the minibatch used at a step: each epoch a seeded shuffle, cut into batches. */
export function minibatchRows(stepIndex: number): number[] {
  const perEpoch = Math.ceil(LINREG_X.length / MINIBATCH_SIZE);
  const epoch = Math.floor(stepIndex / perEpoch);
  const order = seededPermutation(LINREG_X.length, seededRandom(MINIBATCH_SEED + epoch));
  const k = stepIndex % perEpoch;
  return order.slice(k * MINIBATCH_SIZE, (k + 1) * MINIBATCH_SIZE);
}

const linregMinibatch: Problem = {
  id: 'linreg-minibatch',
  describe: `linreg with minibatches of ${MINIBATCH_SIZE} rows, reshuffled each epoch with seed ${MINIBATCH_SEED} + epoch`,
  dim: 2,
  defaultDim: 2,
  defaultX0: () => [3, 5],
  loss: (x, dtype) => linregLoss(arithmeticFor(dtype), x, 1),
  gradient: (x, dtype, t) => linregGradient(arithmeticFor(dtype), x, minibatchRows(t), 1),
};

const rosenbrock: Problem = {
  id: 'rosenbrock',
  describe: 'f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 (curved valley, minimum at (1, 1))',
  dim: 2,
  defaultDim: 2,
  defaultX0: () => [-1.5, 2],
  minimum: () => [1, 1],
  loss: (x, dtype) => {
    const A = arithmeticFor(dtype);
    const a = A.sub(A.round(1), x[0]);
    const r = A.sub(x[1], A.mul(x[0], x[0]));
    return A.add(A.mul(a, a), A.mul(A.round(100), A.mul(r, r)));
  },
  gradient: (x, dtype) => {
    const A = arithmeticFor(dtype);
    const a = A.sub(A.round(1), x[0]);
    const r = A.sub(x[1], A.mul(x[0], x[0]));
    const dr = A.mul(A.round(200), r); // d/dr of 100 r^2
    const gx = A.sub(A.mul(A.round(-2), a), A.mul(A.mul(A.round(2), x[0]), dr));
    return Float64Array.of(gx, dr);
  },
};

/** Curvatures c_i = kappa^(i/(n-1)), kappa = 1e4, computed in float64 then rounded to the dtype. */
function curvatures(n: number): number[] {
  return Array.from({ length: n }, (_, i) => (n === 1 ? 1 : 10 ** ((4 * i) / (n - 1))));
}

const quadN: Problem = {
  id: 'quadN',
  describe: 'f(x) = 1/2 sum c_i x_i^2 with c_i from 1 to 1e4 log-spaced (ill-conditioned, any dimension)',
  dim: null,
  defaultDim: 8,
  defaultX0: (n) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1) * (1 + i / n)),
  minimum: (n) => new Array<number>(n).fill(0),
  loss: (x, dtype) => {
    const A = arithmeticFor(dtype);
    const c = curvatures(x.length);
    return A.mul(
      A.round(0.5),
      sequentialSum(
        A,
        Array.from(x, (v, i) => A.mul(A.round(c[i]), A.mul(v, v))),
      ),
    );
  },
  gradient: (x, dtype) => {
    const A = arithmeticFor(dtype);
    const c = curvatures(x.length);
    return Float64Array.from(x, (v, i) => A.mul(A.round(c[i]), v));
  },
};

export const PROBLEMS: readonly Problem[] = [xlogx, quad2d, rotated2d, linreg, linregMse, linregMinibatch, rosenbrock, quadN];

export function autodiffOrderFor(profileName: string): AutodiffOrder {
  return /^(tf|keras|tfjs)/.test(profileName) ? 'tf' : 'torch';
}
