// RingBuffer: the same operations run on ours and on the Python module's
// RingBuffer (libjack's jack_ringbuffer_t) must give the same results; then
// what only ours promises: zero-copy views, iterables, mlock, argument errors.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { PYTHON, skipUnderSanitizer } from '@jackbay/test-support';
import { describe, expect, it } from 'vitest';
import { JackErrorCode, RingBuffer } from '../lib/index.js';

type Op =
  | ['write', number[]]
  | ['read' | 'peek' | 'writeAdvance' | 'readAdvance' | 'fill', number]
  | ['reset']
  | ['reset', number];

interface Snapshot {
  result: number | number[] | null;
  size: number;
  readSpace: number;
  writeSpace: number;
  writeBuffers: number[];
  readBuffers: number[][];
}

// 'fill' writes n bytes (0, 1, 2, …) through the write buffers, then advances.
const ORACLE = `
import jack, json, sys
spec = json.load(sys.stdin)
rb = jack.RingBuffer(spec['size'])
out = []
for name, *args in spec['ops']:
    result = None
    if name == 'write':
        result = rb.write(bytes(args[0]))
    elif name == 'read':
        result = list(bytes(rb.read(args[0])))
    elif name == 'peek':
        result = list(bytes(rb.peek(args[0])))
    elif name == 'writeAdvance':
        rb.write_advance(args[0])
    elif name == 'readAdvance':
        rb.read_advance(args[0])
    elif name == 'reset':
        rb.reset(*args)
    elif name == 'fill':
        k = 0
        for buf in rb.write_buffers:
            m = min(len(buf), args[0] - k)
            buf[0:m] = bytes((k + i) % 256 for i in range(m))
            k += m
        rb.write_advance(args[0])
    out.append({'result': result, 'size': rb.size, 'readSpace': rb.read_space,
                'writeSpace': rb.write_space, 'writeBuffers': [len(b) for b in rb.write_buffers],
                'readBuffers': [list(bytes(b)) for b in rb.read_buffers]})
print(json.dumps(out))
`;

function libjack(size: number, ops: Op[]): Snapshot[] {
  const run = spawnSync(PYTHON, ['-c', ORACLE], {
    input: JSON.stringify({ size, ops }),
    encoding: 'utf8',
    timeout: 15000,
  });
  if (run.status !== 0) throw new Error(`python oracle failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Snapshot[];
}

function ours(size: number, ops: Op[]): Snapshot[] {
  const rb = new RingBuffer(size);
  return ops.map((op) => {
    let result: Snapshot['result'] = null;
    switch (op[0]) {
      case 'write':
        result = rb.write(op[1]);
        break;
      case 'read':
        result = [...rb.read(op[1])];
        break;
      case 'peek':
        result = [...rb.peek(op[1])];
        break;
      case 'writeAdvance':
        rb.writeAdvance(op[1]);
        break;
      case 'readAdvance':
        rb.readAdvance(op[1]);
        break;
      case 'reset':
        rb.reset(op[1]);
        break;
      case 'fill': {
        let k = 0;
        for (const view of rb.writeBuffers) {
          const m = Math.min(view.length, op[1] - k);
          for (let i = 0; i < m; i++) view[i] = (k + i) % 256;
          k += m;
        }
        rb.writeAdvance(op[1]);
        break;
      }
    }
    return {
      result,
      size: rb.size,
      readSpace: rb.readSpace,
      writeSpace: rb.writeSpace,
      writeBuffers: rb.writeBuffers.map((view) => view.length),
      readBuffers: rb.readBuffers.map((view) => [...view]),
    };
  });
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => (from + i) % 256);

describe('same results as libjack (through the Python module)', () => {
  it('sizes round up to a power of two, at least 2', () => {
    for (const size of [1, 2, 3, 5, 8, 1000, 4097]) {
      const [theirs] = libjack(size, [['peek', 0]]);
      const [mine] = ours(size, [['peek', 0]]);
      expect(mine, `size ${size}`).toEqual(theirs);
    }
  });

  it('writes, reads, peeks and advances, including wrap-around at the end', () => {
    const ops: Op[] = [
      ['write', range(5)],
      ['peek', 3],
      ['read', 2],
      ['write', range(20, 100)], // only 12 fit, wrapping past the end
      ['peek', 100],
      ['readAdvance', 4],
      ['read', 7],
      ['fill', 9], // through both write buffers
      ['read', 3],
      ['writeAdvance', 2],
      ['read', 100],
      ['write', range(10, 50)],
      ['reset'],
      ['write', range(3, 7)],
      ['reset', 8],
      ['fill', 7],
      ['read', 5],
      ['fill', 5],
      ['peek', 7],
    ];
    expect(ours(16, ops)).toEqual(libjack(16, ops));
  });
});

describe('zero-copy views', () => {
  it('writing into writeBuffers and then writeAdvance makes the data readable', () => {
    const rb = new RingBuffer(8);
    rb.write([0, 0, 0, 0, 0, 0]);
    rb.readAdvance(6); // the next write wraps: both buffers are non-empty
    const [first, second] = rb.writeBuffers;
    expect([first.length, second.length]).toEqual([2, 5]);
    first.set([1, 2]);
    second.set([3, 4, 5]);
    expect(rb.readSpace).toBe(0);
    rb.writeAdvance(5);
    expect([...rb.read(5)]).toEqual([1, 2, 3, 4, 5]);
  });

  it('readBuffers are views onto the same memory, not copies', () => {
    const rb = new RingBuffer(16);
    rb.write([10, 20, 30]);
    const [view] = rb.readBuffers;
    const [writeView] = rb.writeBuffers;
    expect(view.buffer).toBe(writeView.buffer);
    view[1] = 99; // visible to the reader: the same bytes
    expect([...rb.peek(3)]).toEqual([10, 99, 30]);
    rb.write([40]);
    expect(view.length).toBe(3); // a view does not grow, the data behind it is shared
    expect([...rb.readBuffers[0]]).toEqual([10, 99, 30, 40]);
    rb.readAdvance(4);
    expect(rb.readSpace).toBe(0);
  });

  it('write takes Uint8Array, other typed arrays, ArrayBuffer and iterables', () => {
    const rb = new RingBuffer(64);
    expect(rb.write(new Uint8Array([1, 2]))).toBe(2);
    expect(rb.write(new Uint8Array([0, 3, 4, 0]).subarray(1, 3))).toBe(2);
    expect(rb.write(new Uint8Array([5, 6]).buffer)).toBe(2);
    expect(rb.write(new Set([7, 8]))).toBe(2);
    expect(rb.write(new Float32Array([1]))).toBe(4);
    const bytes = [...rb.read(64)];
    expect(bytes.slice(0, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Float32Array(new Uint8Array(bytes.slice(8)).buffer)[0]).toBe(1);
  });
});

describe('mlock', () => {
  it('locks the memory into RAM, or reports the same errno that mlock(2) gives here', (context) => {
    skipUnderSanitizer(
      context,
      "ASan's runtime replaces mlock(2) with a call that locks nothing and always succeeds",
    );
    const size = 1 << 20;
    const locked = () =>
      Number(/VmLck:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 'NaN');
    // What this machine allows, asked of the C library directly.
    const probe = spawnSync(
      PYTHON,
      [
        '-c',
        `import ctypes, json
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(${size})
print(json.dumps(0 if libc.mlock(buf, ${size}) == 0 else ctypes.get_errno()))`,
      ],
      { encoding: 'utf8' },
    );
    const expected = JSON.parse(probe.stdout) as number;
    const rb = new RingBuffer(size);
    const before = locked();
    let error: unknown = null;
    try {
      rb.mlock();
    } catch (caught) {
      error = caught;
    }
    if (expected === 0) {
      expect(error).toBeNull();
      expect(locked() - before).toBeGreaterThanOrEqual(size / 1024);
    } else {
      expect(error).toBeInstanceOf(JackErrorCode);
      expect((error as JackErrorCode).code).toBe(expected);
    }
    // Locked or not, the buffer still works.
    rb.write([1, 2, 3]);
    expect([...rb.read(3)]).toEqual([1, 2, 3]);
  });
});

describe('reset', () => {
  it('empties the buffer; reset(size) shrinks to a power of two no larger than the original', () => {
    const rb = new RingBuffer(32);
    rb.write(range(10));
    rb.reset();
    expect([rb.readSpace, rb.writeSpace, rb.size]).toEqual([0, 31, 32]);
    rb.reset(8);
    expect([rb.size, rb.writeSpace]).toEqual([8, 7]);
    expect(rb.write(range(20))).toBe(7);
    rb.reset(32);
    expect([rb.size, rb.readSpace]).toEqual([32, 0]);
  });

  it('rejects bad sizes with TypeError and changes nothing', () => {
    const rb = new RingBuffer(16);
    rb.write([1, 2, 3]);
    for (const bad of [0, 1, 3, 12, 32, -8, 2.5, Number.NaN, '8', null])
      expect(() => rb.reset(bad as number), String(bad)).toThrow(TypeError);
    expect([rb.size, rb.readSpace]).toEqual([16, 3]);
    expect([...rb.peek(3)]).toEqual([1, 2, 3]);
  });
});

describe('argument errors', () => {
  it('new RingBuffer() takes a positive integer size', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '8', null, undefined, 2 ** 31])
      expect(() => new RingBuffer(bad as number), String(bad)).toThrow(TypeError);
  });

  it('write, read, peek and the advances check their arguments and change nothing', () => {
    const rb = new RingBuffer(8);
    rb.write([1, 2, 3]);
    for (const bad of [5, 'abc', null, undefined, { length: 2 }, [256], [-1], [1.5], ['1']])
      expect(() => rb.write(bad as never), JSON.stringify(bad)).toThrow(TypeError);
    for (const bad of [-1, 1.5, Number.NaN, '2', null]) {
      expect(() => rb.read(bad as number)).toThrow(TypeError);
      expect(() => rb.peek(bad as number)).toThrow(TypeError);
      expect(() => rb.readAdvance(bad as number)).toThrow(TypeError);
      expect(() => rb.writeAdvance(bad as number)).toThrow(TypeError);
    }
    // Beyond what is there: RangeError, as an overrun would corrupt the ring.
    expect(() => rb.readAdvance(4)).toThrow(RangeError);
    expect(() => rb.writeAdvance(5)).toThrow(RangeError);
    expect([rb.readSpace, rb.writeSpace]).toEqual([3, 4]);
    expect([...rb.read(8)]).toEqual([1, 2, 3]);
  });
});
