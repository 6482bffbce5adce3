// The part of the WebAssembly JS API the kernels use. The project's lib (ES2022, no DOM) and
// @types/node 20 do not declare WebAssembly, so it is typed here and read from globalThis.

export type WasmModule = object;

export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

export interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports?: Record<string, Record<string, unknown>>): Promise<WasmInstance>;
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
}

export const WA: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export const PAGE_BYTES = 65536;

/** Whether this engine validates a module using a v128 instruction (SIMD). */
export function simdSupported(): boolean {
  // (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)) — as used by wasm-feature-detect.
  const bytes = Uint8Array.from([
    0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
  ]);
  try {
    return WA.validate(bytes);
  } catch {
    return false;
  }
}

/** Whether shared WebAssembly memories (threads) can be created here. */
export function threadsSupported(): boolean {
  try {
    const m = new WA.Memory({ initial: 1, maximum: 1, shared: true });
    return typeof SharedArrayBuffer !== 'undefined' && m.buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}
