// RingBuffer: a single-producer single-consumer byte ring with the semantics of
// jack_ringbuffer_t (power-of-two size, one byte kept free). Its memory is one
// ArrayBuffer owned by JS, so buffer views are zero-copy in Node and in
// Electron (whose V8 sandbox forbids views onto foreign memory), and the
// native engine can share it with JACK's realtime thread.
import { JackErrorCode } from './errors.js';
import { RING } from './layouts.js';
import { native } from './native.js';

// Int32 indices of the write and read index, and the data's byte offset.
const WRITE_INDEX = RING.writeIndex / 4;
const READ_INDEX = RING.readIndex / 4;
const DATA_OFFSET = RING.data;

type Bytes = ArrayBufferView | ArrayBuffer | Iterable<number>;

function toBytes(data: Bytes): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (data !== null && typeof data === 'object' && Symbol.iterator in data) {
    // Uint8Array.from would silently wrap 256 to 0 and truncate 1.5 to 1.
    return Uint8Array.from(data, (value) => {
      if (!Number.isInteger(value) || value < 0 || value > 255)
        throw new TypeError(`data must hold integers from 0 to 255, got ${String(value)}`);
      return value;
    });
  }
  throw new TypeError('data must be bytes (a TypedArray, ArrayBuffer or iterable of numbers)');
}

function checkCount(value: unknown, what: string): number {
  if (!Number.isInteger(value) || (value as number) < 0)
    throw new TypeError(`${what} must be a non-negative integer`);
  return value as number;
}

export class RingBuffer {
  readonly #memory: ArrayBuffer;
  readonly #indices: Int32Array;
  readonly #data: Uint8Array;
  readonly #allocated: number;
  #size: number;
  #mask: number;

  /** At least `size` bytes, rounded up to a power of two; one byte stays unused. */
  constructor(size: number) {
    if (!Number.isInteger(size) || size <= 0 || size > 2 ** 30)
      throw new TypeError('RingBuffer size must be an integer from 1 to 2^30');
    // As jack_ringbuffer_create: at least 2, or not even one byte would fit.
    let allocated = 2;
    while (allocated < size) allocated *= 2;
    this.#memory = new ArrayBuffer(DATA_OFFSET + allocated);
    this.#indices = new Int32Array(this.#memory, 0, DATA_OFFSET / 4);
    this.#data = new Uint8Array(this.#memory, DATA_OFFSET, allocated);
    this.#allocated = allocated;
    this.#size = allocated;
    this.#mask = allocated - 1;
  }

  /** @internal The shared memory, for the native engine. */
  get _memory(): ArrayBuffer {
    return this.#memory;
  }

  /** Bytes in use by the buffer in total (one of them is never written). */
  get size(): number {
    return this.#size;
  }

  get #write(): number {
    return Atomics.load(this.#indices, WRITE_INDEX);
  }

  get #read(): number {
    return Atomics.load(this.#indices, READ_INDEX);
  }

  get writeSpace(): number {
    const w = this.#write;
    const r = this.#read;
    if (w > r) return ((r - w + this.#size) & this.#mask) - 1;
    if (w < r) return r - w - 1;
    return this.#size - 1;
  }

  get readSpace(): number {
    const w = this.#write;
    const r = this.#read;
    return w >= r ? w - r : (w - r + this.#size) & this.#mask;
  }

  /** Copies as much of `data` as fits; returns the number of bytes written. */
  write(data: Bytes): number {
    const bytes = toBytes(data);
    const count = Math.min(bytes.length, this.writeSpace);
    if (count === 0) return 0;
    const w = this.#write;
    const first = Math.min(count, this.#size - w);
    this.#data.set(bytes.subarray(0, first), w);
    if (count > first) this.#data.set(bytes.subarray(first, count), 0);
    Atomics.store(this.#indices, WRITE_INDEX, (w + count) & this.#mask);
    return count;
  }

  /** Two views where data can be written in place; then call writeAdvance(). */
  get writeBuffers(): [Uint8Array, Uint8Array] {
    return this.#vector(this.#write, this.writeSpace);
  }

  writeAdvance(size: number): void {
    const count = checkCount(size, 'size');
    if (count > this.writeSpace)
      throw new RangeError(`cannot advance by ${count}: only ${this.writeSpace} bytes free`);
    Atomics.store(this.#indices, WRITE_INDEX, (this.#write + count) & this.#mask);
  }

  /** Reads and removes up to `size` bytes. */
  read(size: number): Uint8Array {
    const result = this.peek(size);
    Atomics.store(this.#indices, READ_INDEX, (this.#read + result.length) & this.#mask);
    return result;
  }

  /** Copies up to `size` bytes without removing them. */
  peek(size: number): Uint8Array {
    const count = Math.min(checkCount(size, 'size'), this.readSpace);
    const result = new Uint8Array(count);
    const r = this.#read;
    const first = Math.min(count, this.#size - r);
    result.set(this.#data.subarray(r, r + first));
    if (count > first) result.set(this.#data.subarray(0, count - first), first);
    return result;
  }

  /** Two views of the readable data, in order; then call readAdvance(). */
  get readBuffers(): [Uint8Array, Uint8Array] {
    return this.#vector(this.#read, this.readSpace);
  }

  readAdvance(size: number): void {
    const count = checkCount(size, 'size');
    if (count > this.readSpace)
      throw new RangeError(`cannot advance by ${count}: only ${this.readSpace} bytes readable`);
    Atomics.store(this.#indices, READ_INDEX, (this.#read + count) & this.#mask);
  }

  /** Locks the buffer's memory into RAM (mlock(2)); not a realtime operation. */
  mlock(): void {
    const rc = native.mlock(this.#memory);
    if (rc !== 0) throw new JackErrorCode('Unable to lock the ringbuffer memory', rc);
  }

  /** Empties the buffer (not thread-safe). `size`: a new size, a power of two up to the allocated one. */
  reset(size?: number): void {
    if (size !== undefined) {
      if (
        !Number.isInteger(size) ||
        size < 2 ||
        size > this.#allocated ||
        (size & (size - 1)) !== 0
      )
        throw new TypeError(`size must be a power of two from 2 to ${this.#allocated}`);
      this.#size = size;
      this.#mask = size - 1;
    }
    this.#data.fill(0);
    Atomics.store(this.#indices, READ_INDEX, 0);
    Atomics.store(this.#indices, WRITE_INDEX, 0);
  }

  #vector(start: number, length: number): [Uint8Array, Uint8Array] {
    const first = Math.min(length, this.#size - start);
    return [this.#data.subarray(start, start + first), this.#data.subarray(0, length - first)];
  }
}
