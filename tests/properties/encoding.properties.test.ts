// Property: every float64 survives the JSON encoding of reference/number-encoding.ts — finite values
// as JSON numbers (V8's shortest round-tripping decimal), "NaN", "Infinity", "-Infinity" and "-0" as
// strings — through JSON text and back, compared with Object.is (so -0 is not 0, and NaN equals NaN
// whatever its payload: the payload is not kept, and not required to be). Checked on the three paths
// numbers take to disk: encodeVector/decodeVector (goldens are written with encodeVector +
// JSON.stringify in suites/goldens.ts and read with decodeVector in suites/golden-store.ts; gradient
// files and the external protocol use the same pair), and the JSON report's replacer
// (reports/json-report.ts numberReplacer, which calls encodeNumber and expands typed arrays).
// No fixed seed: fast-check picks one and prints it on failure.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bitsOf64, fromBits64 } from '../../reference/float-bits.js';
import { decodeNumber, decodeVector, encodeNumber, encodeVector } from '../../reference/number-encoding.js';
import { numberReplacer } from '../../reports/json-report.js';

const NUM_RUNS = 1000;

const hex = (x: number) => `0x${bitsOf64(x).toString(16).padStart(16, '0')}`;
function expectSameValue(got: number, want: number, what = ''): void {
  if (!Object.is(got, want)) expect.fail(`${what}: got ${got} (${hex(got)}), expected ${want} (${hex(want)})`);
}

/** Every double: fast-check's (biased to -0, +-Infinity, NaN, subnormals, the extremes) and uniform bit patterns. */
const anyBits = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(fromBits64);
/** NaNs with arbitrary sign and payload (exponent all ones, nonzero mantissa). */
const nanWithPayload = fc
  .tuple(fc.boolean(), fc.bigInt({ min: 1n, max: (1n << 52n) - 1n }))
  .map(([neg, payload]) => fromBits64((neg ? 1n << 63n : 0n) | (0x7ffn << 52n) | payload));
const subnormal = fc.double({ min: -(2 ** -1022), max: 2 ** -1022, noNaN: true });
const anyDouble = fc.oneof(
  { weight: 4, arbitrary: fc.double() },
  { weight: 2, arbitrary: anyBits },
  { weight: 1, arbitrary: subnormal },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      0,
      -0,
      NaN,
      Infinity,
      -Infinity,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      Number.MAX_VALUE,
      2 ** -1022,
      2 ** -1022 - 2 ** -1074,
    ),
  },
  { weight: 1, arbitrary: nanWithPayload },
);

/** Through JSON text: what a file holds. */
const viaJson = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

describe('number encoding round-trips every float64 through JSON (property)', () => {
  it(`encodeNumber -> JSON text -> decodeNumber (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(anyDouble, (x) => {
        const encoded = encodeNumber(x);
        const text = JSON.stringify(encoded);
        // Never the lossy JSON.stringify forms: NaN and +-Infinity become null, -0 becomes 0.
        expect(text).not.toBe('null');
        if (Object.is(x, -0)) expect(text).toBe('"-0"');
        if (typeof encoded === 'number') {
          // A finite value is a plain JSON number, the shortest decimal that reads back to it.
          expect(Number.isFinite(x) && !Object.is(x, -0)).toBe(true);
          expect(text).toBe(String(x));
        }
        expectSameValue(decodeNumber(JSON.parse(text)), x, text);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`NaN payloads and signs are not kept, and need not be: every NaN is "NaN" and reads back as NaN (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(nanWithPayload, (x) => {
        expect(Number.isNaN(x)).toBe(true);
        expect(encodeNumber(x)).toBe('NaN');
        expect(Number.isNaN(decodeNumber(viaJson(encodeNumber(x))))).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`encodeVector -> JSON text -> decodeVector: arrays, Float64Array, Float32Array (${NUM_RUNS} runs each)`, () => {
    const roundTrip = (v: ArrayLike<number>) => decodeVector(viaJson(encodeVector(v)));
    fc.assert(
      fc.property(fc.array(anyDouble, { maxLength: 32 }), (v) => {
        const back = roundTrip(v);
        expect(back).toBeInstanceOf(Float64Array);
        expect(back.length).toBe(v.length);
        v.forEach((x, i) => expectSameValue(back[i], x, `[${i}]`));
      }),
      { numRuns: NUM_RUNS },
    );
    fc.assert(
      fc.property(fc.float64Array({ maxLength: 32 }), (v) => {
        const back = roundTrip(v);
        v.forEach((x, i) => expectSameValue(back[i], x, `[${i}]`));
      }),
      { numRuns: NUM_RUNS },
    );
    // float32 values are written as the exact double of the float32 value and read back as that double.
    fc.assert(
      fc.property(fc.float32Array({ maxLength: 32 }), (v) => {
        const back = roundTrip(v);
        v.forEach((x, i) => {
          expectSameValue(back[i], x, `[${i}]`);
          expectSameValue(Math.fround(back[i]), back[i], `[${i}] is a float32 value`);
        });
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`the JSON report's replacer: numbers, arrays and typed arrays anywhere in the document (${NUM_RUNS} runs)`, () => {
    const reviver = (_key: string, value: unknown) =>
      typeof value === 'number' || value === 'NaN' || value === 'Infinity' || value === '-Infinity' || value === '-0'
        ? decodeNumber(value)
        : value;
    fc.assert(
      fc.property(
        anyDouble,
        fc.array(anyDouble, { maxLength: 8 }),
        fc.float64Array({ maxLength: 8 }),
        fc.float32Array({ maxLength: 8 }),
        (x, list, f64, f32) => {
          const doc = { x, nested: { list, deeper: [{ x }] }, f64, f32 };
          const text = JSON.stringify(doc, numberReplacer, 1);
          expect(text).not.toMatch(/\bnull\b/);
          const back = JSON.parse(text, reviver) as {
            x: number;
            nested: { list: number[]; deeper: { x: number }[] };
            f64: number[];
            f32: number[];
          };
          expectSameValue(back.x, x, 'x');
          expectSameValue(back.nested.deeper[0].x, x, 'nested x');
          list.forEach((y, i) => expectSameValue(back.nested.list[i], y, `list[${i}]`));
          f64.forEach((y, i) => expectSameValue(back.f64[i], y, `f64[${i}]`));
          f32.forEach((y, i) => expectSameValue(back.f32[i], y, `f32[${i}]`));
          expect([back.nested.list.length, back.f64.length, back.f32.length]).toEqual([list.length, f64.length, f32.length]);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('the committed goldens', () => {
  it('every vector survives decode -> encode unchanged (NaN, +-Infinity and -0 included)', () => {
    const manifest = JSON.parse(readFileSync(join('goldens', 'manifest.json'), 'utf8')) as { files: Record<string, unknown> };
    const seen = { nan: 0, inf: 0, negZero: 0, subnormal: 0, total: 0 };
    for (const name of Object.keys(manifest.files)) {
      const doc = JSON.parse(readFileSync(join('goldens', name), 'utf8')) as {
        trajectories: { x0: unknown[]; steps: Record<string, unknown[]>[] }[];
      };
      for (const t of doc.trajectories) {
        for (const v of [t.x0, ...t.steps.flatMap((s) => Object.values(s))]) {
          const decoded = decodeVector(v);
          const again = JSON.stringify(encodeVector(decoded));
          if (again !== JSON.stringify(v)) expect.fail(`${name}: ${JSON.stringify(v)} came back as ${again}`);
          for (const x of decoded) {
            seen.total++;
            if (Number.isNaN(x)) seen.nan++;
            else if (!Number.isFinite(x)) seen.inf++;
            else if (Object.is(x, -0)) seen.negZero++;
            else if (x !== 0 && Math.abs(x) < 2 ** -1022) seen.subnormal++;
          }
        }
      }
    }
    // The goldens do hold every special value, so the check above covers them.
    expect(seen.nan).toBeGreaterThan(0);
    expect(seen.inf).toBeGreaterThan(0);
    expect(seen.negZero).toBeGreaterThan(0);
    expect(seen.subnormal).toBeGreaterThan(0);
  });
});
