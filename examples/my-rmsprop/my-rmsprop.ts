// Your own RMSprop, the code you want to check: plain TypeScript, float64 (JavaScript numbers),
// the common tutorial form:
//   v = decay * v + (1 - decay) * g^2
//   p = p - lr * g / (sqrt(v) + eps)

export interface RmspropOptions {
  lr: number;
  decay: number;
  eps: number;
}

export class MyRmsprop {
  private v: number[];

  constructor(
    private readonly options: RmspropOptions,
    size: number,
  ) {
    this.v = new Array<number>(size).fill(0);
  }

  /** One step: returns the new parameters. */
  step(params: readonly number[], grads: readonly number[]): number[] {
    const { lr, decay, eps } = this.options;
    return params.map((p, i) => {
      const g = grads[i]!;
      this.v[i] = decay * this.v[i]! + (1 - decay) * (g * g);
      return p - (lr * g) / (Math.sqrt(this.v[i]!) + eps);
    });
  }

  /** The second-moment accumulator, for the harness to compare. */
  get accumulator(): readonly number[] {
    return this.v;
  }
}
