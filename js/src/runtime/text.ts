import type { Allocator, Heap } from './heap.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Text that may be key material crosses into wasm as UTF-8 in a scoped (zeroed) block. */
export function putText(a: Allocator, text: string): [ptr: number, len: number] {
  const bytes = encoder.encode(text);
  const ptr = a.put(bytes);
  bytes.fill(0);
  return [ptr, bytes.length];
}

export function readText(heap: Heap, ptr: number, len: number): string {
  return decoder.decode(heap.u8.subarray(ptr, ptr + len));
}
