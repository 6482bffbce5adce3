// The built-in functions the reference, the metrics and the built-in kernels compute with (Math.sqrt,
// Math.fround, typed arrays, ...), as they were when the harness loaded. An adapter module that replaces
// one would silently change the expected values and every other adapter's results in its process: after
// each call into an adapter the guard puts the originals back and says which were replaced, and the
// adapter's cell fails with that reason. (In the process pool, foreign modules also get workers of their
// own: runner/process-pool.ts.)

type Holder = { name: string; target: object };

const TYPED_ARRAY = Object.getPrototypeOf(Float64Array) as object;

/** Objects whose own properties the harness's arithmetic depends on. */
function holders(): Holder[] {
  const out: Holder[] = [
    { name: 'globalThis', target: globalThis },
    { name: 'Math', target: Math },
    { name: 'JSON', target: JSON },
    { name: 'Number', target: Number },
    { name: 'Number.prototype', target: Number.prototype },
    { name: 'Object', target: Object },
    { name: 'Array', target: Array },
    { name: 'Array.prototype', target: Array.prototype },
    { name: 'String.prototype', target: String.prototype },
    { name: 'Function.prototype', target: Function.prototype },
    { name: 'Promise', target: Promise },
    { name: 'Promise.prototype', target: Promise.prototype },
    { name: 'ArrayBuffer.prototype', target: ArrayBuffer.prototype },
    { name: 'DataView.prototype', target: DataView.prototype },
    { name: 'TypedArray', target: TYPED_ARRAY },
    { name: 'TypedArray.prototype', target: (TYPED_ARRAY as { prototype: object }).prototype },
  ];
  for (const ctor of [
    Float64Array,
    Float32Array,
    Int32Array,
    Uint32Array,
    Uint16Array,
    Uint8Array,
    BigUint64Array,
    BigInt64Array,
  ]) {
    out.push({ name: ctor.name, target: ctor }, { name: `${ctor.name}.prototype`, target: ctor.prototype });
  }
  return out;
}

/** globalThis has many unrelated properties (process, timers): only the bindings of the objects above are guarded there. */
const GLOBAL_NAMES = [
  'Math',
  'JSON',
  'Number',
  'Object',
  'Array',
  'String',
  'Function',
  'Promise',
  'ArrayBuffer',
  'DataView',
  'Float64Array',
  'Float32Array',
  'Int32Array',
  'Uint32Array',
  'Uint16Array',
  'Uint8Array',
  'BigUint64Array',
  'BigInt64Array',
  'BigInt',
  'isNaN',
  'isFinite',
  'parseFloat',
  'parseInt',
];

interface Saved {
  holder: Holder;
  key: string | symbol;
  descriptor: PropertyDescriptor;
}

const sameDescriptor = (a: PropertyDescriptor | undefined, b: PropertyDescriptor): boolean =>
  a !== undefined && Object.is(a.value, b.value) && a.get === b.get && a.set === b.set && a.writable === b.writable;

export class IntrinsicsGuard {
  private readonly saved: Saved[] = [];

  /** Takes the snapshot: create the guard before any adapter module is loaded. */
  constructor() {
    for (const holder of holders()) {
      const keys = holder.target === globalThis ? GLOBAL_NAMES : Reflect.ownKeys(holder.target);
      for (const key of keys) {
        const descriptor = Object.getOwnPropertyDescriptor(holder.target, key);
        if (descriptor) this.saved.push({ holder, key, descriptor });
      }
    }
  }

  /** Puts back every replaced or deleted built-in; returns their names ('Math.sqrt'), empty when none was touched. */
  restore(): string[] {
    const changed: string[] = [];
    for (const { holder, key, descriptor } of this.saved) {
      let current: PropertyDescriptor | undefined;
      try {
        current = Object.getOwnPropertyDescriptor(holder.target, key);
      } catch {
        current = undefined;
      }
      if (sameDescriptor(current, descriptor)) continue;
      changed.push(`${holder.name}.${String(key)}`);
      try {
        Object.defineProperty(holder.target, key, descriptor);
      } catch {
        // frozen by the adapter: reported all the same; the process pool replaces such a worker
      }
    }
    return changed;
  }
}
