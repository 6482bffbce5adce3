// The device side of the WebGPU RMSprop kernel: pipelines, buffers that stay on the device across
// steps, per-step scalars in a uniform buffer (dynamic offsets, one 256-byte block per step of a
// batch), readback on request. Also the timing helpers the benchmark uses (RMSprop steps and a copy
// kernel, timed with GPU timestamps where 'timestamp-query' exists, else wall time around
// queue.onSubmittedWorkDone()).

import { arithmeticFor } from '../../reference/arithmetic.js';
import { prepareScalars, stepProgram, type StepScalars } from '../../reference/program/index.js';
import { resolveVariant, type Settings } from '../../reference/resolve.js';
import type { Variant } from '../../reference/variant.js';
import { getGpu, type GpuHandle } from './dawn.js';
import {
  COPY_WGSL,
  SCALAR_LAYOUT,
  SCALAR_STRIDE,
  WORKGROUP_SIZE,
  rmspropWgsl,
  stateLayout,
  type StateLayout,
} from './rmsprop-wgsl.js';

const F32 = arithmeticFor('float32');

// WebGPU enum values (spec constants), so nothing here depends on the GPU* globals being installed.
const Usage = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80, QUERY_RESOLVE: 0x200 } as const;
const SHADER_STAGE_COMPUTE = 0x4;
const MAP_MODE_READ = 0x1;

/** Live GPU buffers created here, for leak reports. */
let liveBuffers = 0;
export function liveGpuBuffers(): number {
  return liveBuffers;
}

function createBuffer(device: GPUDevice, size: number, usage: number, label: string): GPUBuffer {
  const buffer = device.createBuffer({ size: Math.max(16, Math.ceil(size / 4) * 4), usage, label });
  liveBuffers++;
  return buffer;
}
function destroyBuffer(buffer: GPUBuffer): void {
  buffer.destroy();
  liveBuffers--;
}

/** Workgroup grid for n elements: 2-D when n/WORKGROUP_SIZE exceeds the per-dimension limit. */
export function dispatchGrid(device: GPUDevice, n: number): { x: number; y: number; rowStride: number } {
  const groups = Math.max(1, Math.ceil(n / WORKGROUP_SIZE));
  const x = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
  return { x, y: Math.ceil(groups / x), rowStride: x * WORKGROUP_SIZE };
}

const pipelines = new WeakMap<GPUDevice, Map<string, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }>>();

async function stepPipeline(
  device: GPUDevice,
  code: string,
): Promise<{ pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }> {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new Map<string, { pipeline: GPUComputePipeline; layout: GPUBindGroupLayout }>()));
  const hit = cache.get(code);
  if (hit) return hit;
  const module = device.createShaderModule({ code, label: 'rmsprop-step' });
  const messages = await module.getCompilationInfo();
  const errors = messages.messages.filter((m) => m.type === 'error');
  if (errors.length > 0)
    throw new Error(
      `WGSL compilation failed: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}\n${code}`,
    );
  const layout = device.createBindGroupLayout({
    label: 'rmsprop-step',
    entries: [
      { binding: 0, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'storage' } },
      { binding: 1, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'read-only-storage' } },
      { binding: 2, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'storage' } },
      { binding: 3, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true, minBindingSize: 64 } },
    ],
  });
  device.pushErrorScope('validation');
  const pipeline = await device.createComputePipelineAsync({
    label: 'rmsprop-step',
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: 'main' },
  });
  const error = await device.popErrorScope();
  if (error) throw new Error(`WebGPU pipeline creation failed: ${error.message}`);
  const entry = { pipeline, layout };
  cache.set(code, entry);
  return entry;
}

/** An RMSprop optimizer living on the device: params, gradient and packed state buffers. */
export class GpuRmsprop {
  readonly layout: StateLayout;
  readonly n: number;
  private readonly params: GPUBuffer;
  private readonly grad: GPUBuffer;
  private readonly state: GPUBuffer;
  private readonly scalars: GPUBuffer;
  private readonly bindGroup: GPUBindGroup;
  private readonly grid: { x: number; y: number; rowStride: number };
  private readonly scalarBytes: ArrayBuffer;
  private destroyed = false;
  /** Steps taken (the reference's state.step). */
  t = 0;

  private constructor(
    readonly gpu: GpuHandle,
    readonly variant: Variant,
    n: number,
    private readonly pipeline: GPUComputePipeline,
    bindGroupLayout: GPUBindGroupLayout,
    /** Scalar blocks in the uniform buffer (steps that one batch can carry). */
    readonly scalarSlots: number,
  ) {
    const { device } = gpu;
    this.n = n;
    this.layout = stateLayout(variant);
    const maxBinding = device.limits.maxStorageBufferBindingSize;
    const stateBytes = 4 * n * this.layout.slots;
    if (stateBytes > maxBinding) {
      throw new RangeError(
        `${n} elements need a ${stateBytes}-byte state buffer (${this.layout.slots} slots); this device binds at most ${maxBinding} bytes`,
      );
    }
    const S = Usage.STORAGE | Usage.COPY_DST | Usage.COPY_SRC;
    this.params = createBuffer(device, 4 * n, S, 'rmsprop-params');
    this.grad = createBuffer(device, 4 * n, S, 'rmsprop-grad');
    this.state = createBuffer(device, stateBytes, S, 'rmsprop-state');
    this.scalars = createBuffer(device, SCALAR_STRIDE * scalarSlots, Usage.UNIFORM | Usage.COPY_DST, 'rmsprop-scalars');
    this.scalarBytes = new ArrayBuffer(SCALAR_STRIDE * scalarSlots);
    this.grid = dispatchGrid(device, n);
    this.bindGroup = device.createBindGroup({
      layout: bindGroupLayout,
      entries: [
        { binding: 0, resource: { buffer: this.params, size: 4 * n } },
        { binding: 1, resource: { buffer: this.grad, size: 4 * n } },
        { binding: 2, resource: { buffer: this.state, size: stateBytes } },
        { binding: 3, resource: { buffer: this.scalars, size: 64 } },
      ],
    });
  }

  static async create(gpu: GpuHandle, variant: Variant, n: number, scalarSlots = 1): Promise<GpuRmsprop> {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`element count must be a positive integer, got ${n}`);
    const { pipeline, layout } = await stepPipeline(gpu.device, rmspropWgsl(variant));
    return new GpuRmsprop(gpu, variant, n, pipeline, layout, scalarSlots);
  }

  /** Writes float32 params, and state (v; m and b where stored), and the step count. */
  upload(
    params: ArrayLike<number>,
    state?: { v: ArrayLike<number>; m: ArrayLike<number>; b: ArrayLike<number>; step: number },
  ): void {
    const q = this.gpu.device.queue;
    q.writeBuffer(this.params, 0, Float32Array.from(params));
    const packed = new Float32Array(this.n * this.layout.slots);
    if (state) {
      packed.set(Float32Array.from(state.v), 0);
      if (this.layout.m >= 0) packed.set(Float32Array.from(state.m), this.layout.m * this.n);
      if (this.layout.b >= 0) packed.set(Float32Array.from(state.b), this.layout.b * this.n);
      this.t = state.step;
    } else {
      packed.fill(F32.round(this.variant.initialAccumulator), 0, this.n);
      this.t = 0;
    }
    q.writeBuffer(this.state, 0, packed);
  }

  uploadGradient(grad: ArrayLike<number>): void {
    this.gpu.device.queue.writeBuffer(this.grad, 0, Float32Array.from(grad));
  }

  /** Fills scalar block `slot` (host-side copy; call flushScalars to upload). */
  setScalars(slot: number, S: StepScalars): void {
    const f = new Float32Array(this.scalarBytes, slot * SCALAR_STRIDE, 16);
    const u = new Uint32Array(this.scalarBytes, slot * SCALAR_STRIDE, 16);
    const L = SCALAR_LAYOUT;
    f[L.lr] = S.lr;
    f[L.decay] = S.decay;
    f[L.w] = S.oneMinusDecay;
    f[L.eps] = S.eps;
    f[L.momentum] = S.momentum;
    f[L.wd] = S.weightDecay;
    f[L.rescale] = S.rescale;
    f[L.clip] = S.clip ?? 0;
    f[L.bc] = S.biasCorrection;
    u[L.n] = this.n;
    u[L.mOffset] = Math.max(0, this.layout.m) * this.n;
    u[L.bOffset] = Math.max(0, this.layout.b) * this.n;
    u[L.rowStride] = this.grid.rowStride;
  }

  flushScalars(slots = this.scalarSlots): void {
    this.gpu.device.queue.writeBuffer(this.scalars, 0, this.scalarBytes, 0, slots * SCALAR_STRIDE);
  }

  /** Records `count` steps (dispatches) into one compute pass, step k using scalar block k % scalarSlots. */
  encodeSteps(encoder: GPUCommandEncoder, count: number, timestampWrites?: GPUComputePassTimestampWrites): void {
    const pass = encoder.beginComputePass(timestampWrites ? { timestampWrites } : {});
    pass.setPipeline(this.pipeline);
    for (let k = 0; k < count; k++) {
      pass.setBindGroup(0, this.bindGroup, [(k % this.scalarSlots) * SCALAR_STRIDE]);
      pass.dispatchWorkgroups(this.grid.x, this.grid.y);
    }
    pass.end();
  }

  /** One step with this gradient: uploads the gradient and the host-computed scalars, dispatches once. */
  step(grad: ArrayLike<number>, gradForScalars: Float64Array): void {
    this.uploadGradient(grad);
    this.setScalars(0, prepareScalars(stepProgram(this.variant, 'float32'), this.t, gradForScalars));
    this.flushScalars(1);
    const encoder = this.gpu.device.createCommandEncoder();
    this.encodeSteps(encoder, 1);
    this.gpu.device.queue.submit([encoder.finish()]);
    this.t++;
  }

  /** Reads params and the stored state back (m and b are zeros where not stored). */
  async read(): Promise<{ params: Float32Array; v: Float32Array; m: Float32Array; b: Float32Array }> {
    const { device } = this.gpu;
    const n = this.n;
    const bytes = 4 * n * (1 + this.layout.slots);
    const staging = createBuffer(device, bytes, Usage.MAP_READ | Usage.COPY_DST, 'rmsprop-readback');
    try {
      const encoder = device.createCommandEncoder();
      encoder.copyBufferToBuffer(this.params, 0, staging, 0, 4 * n);
      encoder.copyBufferToBuffer(this.state, 0, staging, 4 * n, 4 * n * this.layout.slots);
      device.queue.submit([encoder.finish()]);
      await staging.mapAsync(MAP_MODE_READ, 0, Math.ceil(bytes / 4) * 4);
      const all = new Float32Array(staging.getMappedRange(0, Math.ceil(bytes / 4) * 4).slice(0));
      staging.unmap();
      const slot = (k: number) => (k < 0 ? new Float32Array(n) : all.slice(n * (1 + k), n * (2 + k)));
      return { params: all.slice(0, n), v: slot(0), m: slot(this.layout.m), b: slot(this.layout.b) };
    } finally {
      destroyBuffer(staging);
    }
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const b of [this.params, this.grad, this.state, this.scalars]) destroyBuffer(b);
  }
}

// ---------------------------------------------------------------------------------------------
// Timing helpers for the benchmark.

export interface GpuTiming {
  /** 'timestamp': GPU time between the first dispatch's start and the last one's end; 'wall': host time from submit to onSubmittedWorkDone. */
  method: 'timestamp' | 'wall';
  /** Per repeat, milliseconds for the whole batch, by `method`. */
  samplesMs: number[];
  /** Wall-clock milliseconds per repeat (submit to onSubmittedWorkDone), always measured. */
  wallMs: number[];
  medianMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 === 1 ? s[k] : (s[k - 1] + s[k]) / 2;
}

/** Submits what `encode` records, `repeats` times, and times each submission. */
async function timeBatches(
  gpu: GpuHandle,
  repeats: number,
  encode: (encoder: GPUCommandEncoder, timestampWrites?: GPUComputePassTimestampWrites) => void,
): Promise<GpuTiming> {
  const { device } = gpu;
  const useTimestamps = gpu.timestampQuery;
  let querySet: GPUQuerySet | undefined;
  let resolve: GPUBuffer | undefined;
  let readback: GPUBuffer | undefined;
  if (useTimestamps) {
    querySet = device.createQuerySet({ type: 'timestamp', count: 2 });
    resolve = createBuffer(device, 16, Usage.QUERY_RESOLVE | Usage.COPY_SRC, 'timestamps');
    readback = createBuffer(device, 16, Usage.MAP_READ | Usage.COPY_DST, 'timestamps-read');
  }
  const samples: number[] = [];
  const wall: number[] = [];
  try {
    for (let r = 0; r < repeats; r++) {
      const encoder = device.createCommandEncoder();
      encode(encoder, querySet ? { querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } : undefined);
      if (querySet && resolve && readback) {
        encoder.resolveQuerySet(querySet, 0, 2, resolve, 0);
        encoder.copyBufferToBuffer(resolve, 0, readback, 0, 16);
      }
      const commands = encoder.finish();
      const t0 = performance.now();
      device.queue.submit([commands]);
      await device.queue.onSubmittedWorkDone();
      wall.push(performance.now() - t0);
      if (readback) {
        await readback.mapAsync(MAP_MODE_READ);
        const ns = new BigInt64Array(readback.getMappedRange().slice(0));
        readback.unmap();
        samples.push(Number(ns[1] - ns[0]) / 1e6);
      }
    }
  } finally {
    querySet?.destroy();
    if (resolve) destroyBuffer(resolve);
    if (readback) destroyBuffer(readback);
  }
  const method = useTimestamps ? 'timestamp' : 'wall';
  const used = useTimestamps ? samples : wall;
  return { method, samplesMs: used, wallMs: wall, medianMs: median(used) };
}

export interface StepBenchmarkOptions {
  /** Elements in the flat parameter array. */
  n: number;
  /** Steps per timed batch (one dispatch each, one submit per batch). */
  steps: number;
  /** Timed batches (after one untimed warm-up batch). */
  repeats?: number;
  profile?: string;
  settings?: Settings;
}

export interface StepBenchmarkResult extends GpuTiming {
  n: number;
  steps: number;
  /** Median milliseconds per step. */
  msPerStep: number;
  /** Elements updated per second, from the median. */
  elementsPerSecond: number;
  /** Bytes moved per step (params r/w, grad r, each stored state slot r/w), and the implied GB/s. */
  bytesPerStep: number;
  gbPerSecond: number;
  device: string;
  backend: string;
}

/**
 * Runs `steps` RMSprop steps on an n-element float32 array, on the device only (no readback), timing
 * each batch. Gradients are one fixed random vector; per-step scalars are the program's scalar stage for steps
 * 0..255 (cycled after that: with lrDecay or bias correction, later steps reuse early scalars).
 */
export async function benchmarkRmspropSteps(opts: StepBenchmarkOptions): Promise<StepBenchmarkResult> {
  const gpu = await getGpu();
  if (!gpu.available) throw new Error(gpu.reason);
  const { variant } = resolveVariant(opts.profile ?? 'torch', 'float32', opts.settings ?? {});
  const slots = Math.max(1, Math.min(opts.steps, 256));
  const run = await GpuRmsprop.create(gpu, variant, opts.n, slots);
  try {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    const p = new Float32Array(opts.n);
    const g = new Float32Array(opts.n);
    for (let i = 0; i < opts.n; i++) {
      p[i] = rand();
      g[i] = rand();
    }
    run.upload(p);
    run.uploadGradient(g);
    const empty = new Float64Array(0);
    const gradForScalars = variant.clipNorm === null ? empty : Float64Array.from(g);
    const program = stepProgram(variant, 'float32');
    for (let k = 0; k < slots; k++) run.setScalars(k, prepareScalars(program, k, gradForScalars));
    run.flushScalars();
    // Warm-up (pipeline first use, page-in).
    const warm = gpu.device.createCommandEncoder();
    run.encodeSteps(warm, Math.min(opts.steps, 3));
    gpu.device.queue.submit([warm.finish()]);
    await gpu.device.queue.onSubmittedWorkDone();
    const timing = await timeBatches(gpu, opts.repeats ?? 5, (encoder, ts) => run.encodeSteps(encoder, opts.steps, ts));
    const msPerStep = timing.medianMs / opts.steps;
    const bytesPerStep = 4 * opts.n * (3 + 2 * run.layout.slots);
    return {
      ...timing,
      n: opts.n,
      steps: opts.steps,
      msPerStep,
      elementsPerSecond: opts.n / (msPerStep / 1e3),
      bytesPerStep,
      gbPerSecond: bytesPerStep / (msPerStep / 1e3) / 1e9,
      device: gpu.info.device || gpu.info.description,
      backend: gpu.info.backend,
    };
  } finally {
    run.destroy();
  }
}

export interface CopyBenchmarkResult extends GpuTiming {
  n: number;
  copies: number;
  /** 8 * n: each copy reads and writes n float32. */
  bytesPerCopy: number;
  gbPerSecond: number;
  device: string;
  backend: string;
}

/** Bandwidth probe: `copies` dispatches of b[i] = a[i] over n float32 per batch (bytes = 8n per copy). */
export async function benchmarkCopy(opts: { n: number; copies?: number; repeats?: number }): Promise<CopyBenchmarkResult> {
  const gpu = await getGpu();
  if (!gpu.available) throw new Error(gpu.reason);
  const { device } = gpu;
  const n = opts.n;
  const copies = opts.copies ?? 10;
  if (4 * n > device.limits.maxStorageBufferBindingSize)
    throw new RangeError(
      `${n} float32 exceed this device's storage binding limit (${device.limits.maxStorageBufferBindingSize} bytes)`,
    );
  const module = device.createShaderModule({ code: COPY_WGSL, label: 'copy' });
  const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const S = Usage.STORAGE | Usage.COPY_DST;
  const a = createBuffer(device, 4 * n, S, 'copy-a');
  const b = createBuffer(device, 4 * n, S, 'copy-b');
  const q = createBuffer(device, 16, Usage.UNIFORM | Usage.COPY_DST, 'copy-params');
  try {
    const grid = dispatchGrid(device, n);
    device.queue.writeBuffer(q, 0, new Uint32Array([n, grid.rowStride, 0, 0]));
    device.queue.writeBuffer(
      a,
      0,
      Float32Array.from({ length: n }, (_, i) => i),
    );
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: a, size: 4 * n } },
        { binding: 1, resource: { buffer: b, size: 4 * n } },
        { binding: 2, resource: { buffer: q } },
      ],
    });
    const encode = (encoder: GPUCommandEncoder, count: number, timestampWrites?: GPUComputePassTimestampWrites) => {
      const pass = encoder.beginComputePass(timestampWrites ? { timestampWrites } : {});
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      for (let k = 0; k < count; k++) pass.dispatchWorkgroups(grid.x, grid.y);
      pass.end();
    };
    const warm = device.createCommandEncoder();
    encode(warm, 1);
    device.queue.submit([warm.finish()]);
    await device.queue.onSubmittedWorkDone();
    const timing = await timeBatches(gpu, opts.repeats ?? 5, (encoder, ts) => encode(encoder, copies, ts));
    const bytesPerCopy = 8 * n;
    return {
      ...timing,
      n,
      copies,
      bytesPerCopy,
      gbPerSecond: (bytesPerCopy * copies) / (timing.medianMs / 1e3) / 1e9,
      device: gpu.info.device || gpu.info.description,
      backend: gpu.info.backend,
    };
  } finally {
    for (const x of [a, b, q]) destroyBuffer(x);
  }
}

// ---------------------------------------------------------------------------------------------
// What the device's f32 arithmetic does (WGSL leaves fma fusion and the rounding of /, sqrt and
// inverseSqrt to the implementation): measured once per device on 65536 seeded operand triples.

export interface DeviceArithmetic {
  /** 'fused': fma() rounds once; 'unfused': fma() is a*b then +c (Mesa llvmpipe over GLES); 'mixed': neither consistently. */
  fma: 'fused' | 'unfused' | 'mixed';
  /** Whether a*b + c written out is contracted into one rounding. */
  multiplyAddContracted: boolean;
  divisionMaxUlp: number;
  sqrtMaxUlp: number;
  inverseSqrtMaxUlp: number;
}

const arithmeticCache = new WeakMap<GPUDevice, Promise<DeviceArithmetic>>();

export function measureDeviceArithmetic(gpu: GpuHandle): Promise<DeviceArithmetic> {
  let hit = arithmeticCache.get(gpu.device);
  if (!hit) {
    hit = measure(gpu.device);
    arithmeticCache.set(gpu.device, hit);
  }
  return hit;
}

async function measure(device: GPUDevice): Promise<DeviceArithmetic> {
  const N = 1 << 16;
  const code = `
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> o: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= ${N}u) { return; }
  let x = a[3u * i]; let y = a[3u * i + 1u]; let z = a[3u * i + 2u];
  o[5u * i] = fma(x, y, z);
  o[5u * i + 1u] = x * y + z;
  o[5u * i + 2u] = x / y;
  o[5u * i + 3u] = sqrt(abs(x));
  o[5u * i + 4u] = inverseSqrt(abs(x));
}`;
  const pipeline = await device.createComputePipelineAsync({
    layout: 'auto',
    compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
  });
  const input = new Float32Array(3 * N);
  let seed = 7;
  for (let i = 0; i < input.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    input[i] = (seed / 2 ** 32 - 0.5) * 8;
  }
  const inBuf = createBuffer(device, input.byteLength, Usage.STORAGE | Usage.COPY_DST, 'arith-in');
  const outBuf = createBuffer(device, 20 * N, Usage.STORAGE | Usage.COPY_SRC, 'arith-out');
  const readBuf = createBuffer(device, 20 * N, Usage.MAP_READ | Usage.COPY_DST, 'arith-read');
  try {
    device.queue.writeBuffer(inBuf, 0, input);
    const bindGroup = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: inBuf } },
        { binding: 1, resource: { buffer: outBuf } },
      ],
    });
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(N / 64);
    pass.end();
    encoder.copyBufferToBuffer(outBuf, 0, readBuf, 0, 20 * N);
    device.queue.submit([encoder.finish()]);
    await readBuf.mapAsync(MAP_MODE_READ);
    const o = new Float32Array(readBuf.getMappedRange().slice(0));
    readBuf.unmap();
    const f = Math.fround;
    const ord = (x: number) => {
      const b = new Uint32Array(new Float32Array([x]).buffer)[0];
      return b >>> 31 ? -(b & 0x7fffffff) : b;
    };
    const ulp = (x: number, y: number) =>
      x === y ? 0 : Number.isFinite(x) && Number.isFinite(y) ? Math.abs(ord(x) - ord(y)) : Infinity;
    let fused = 0;
    let unfused = 0;
    let other = 0;
    let contracted = 0;
    const r: DeviceArithmetic = {
      fma: 'fused',
      multiplyAddContracted: false,
      divisionMaxUlp: 0,
      sqrtMaxUlp: 0,
      inverseSqrtMaxUlp: 0,
    };
    for (let i = 0; i < N; i++) {
      const x = input[3 * i];
      const y = input[3 * i + 1];
      const z = input[3 * i + 2];
      const exact = F32.fma(x, y, z);
      const split = f(f(x * y) + z);
      if (exact !== split) {
        if (o[5 * i] === exact) fused++;
        else if (o[5 * i] === split) unfused++;
        else other++;
        if (o[5 * i + 1] === exact) contracted++;
      }
      r.divisionMaxUlp = Math.max(r.divisionMaxUlp, ulp(o[5 * i + 2], f(x / y)));
      r.sqrtMaxUlp = Math.max(r.sqrtMaxUlp, ulp(o[5 * i + 3], f(Math.sqrt(Math.abs(x)))));
      r.inverseSqrtMaxUlp = Math.max(r.inverseSqrtMaxUlp, ulp(o[5 * i + 4], f(1 / Math.sqrt(Math.abs(x)))));
    }
    r.fma = other === 0 && unfused === 0 ? 'fused' : other === 0 && fused === 0 ? 'unfused' : 'mixed';
    r.multiplyAddContracted = contracted > 0;
    return r;
  } finally {
    for (const b of [inBuf, outBuf, readBuf]) destroyBuffer(b);
  }
}
