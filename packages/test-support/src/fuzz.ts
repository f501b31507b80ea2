// Random and malformed input for the hosts' boundaries (the web host's
// WebSocket, Electron's IPC handlers). Seeded, so a failure can be replayed:
// every test prints its seed.

/** A small, seeded PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

const NASTY_STRINGS = [
  '',
  ' ',
  ':',
  'system:',
  ':playback_1',
  'a:b',
  'no such client:out',
  'fuzz\u0000port:out',
  'fuzz:out\u0000system:playback_1',
  '\ud800',
  '\udfff\ud800',
  '💥:🎹',
  '../../etc/passwd',
  '%00',
  '__proto__',
  'constructor',
  'prototype',
  '\u202e',
  '\r\n',
  '.*',
  '(((((a)))))*',
  '[',
  'x'.repeat(2000),
];

const NASTY_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  2 ** 31,
  2 ** 32,
  2 ** 53,
  -(2 ** 53),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

/** A random string: nasty ones, random code units (lone surrogates included), or long ones. */
export function fuzzString(random: Random): string {
  const choice = random();
  if (choice < 0.4) return pick(random, NASTY_STRINGS);
  if (choice < 0.9) {
    const length = Math.floor(random() * 40);
    let text = '';
    for (let i = 0; i < length; i++) text += String.fromCharCode(Math.floor(random() * 0x10000));
    return text;
  }
  return 'f'.repeat(Math.floor(random() * 50000));
}

/** A random JS value of any shape, nested up to `depth`. NaN and Infinity included. */
export function fuzzValue(random: Random, depth = 3): unknown {
  const choice = random();
  if (choice < 0.1) return null;
  if (choice < 0.15) return undefined;
  if (choice < 0.25) return random() < 0.5;
  if (choice < 0.4) return pick(random, NASTY_NUMBERS);
  if (choice < 0.6) return fuzzString(random);
  if (depth <= 0) return Math.floor(random() * 100);
  if (choice < 0.75) {
    const length = Math.floor(random() * 5);
    return Array.from({ length }, () => fuzzValue(random, depth - 1));
  }
  if (choice < 0.8) return nested(Math.floor(random() * 2000));
  const object: Record<string, unknown> = {};
  const keys = Math.floor(random() * 5);
  for (let i = 0; i < keys; i++)
    object[random() < 0.5 ? fuzzString(random).slice(0, 30) : pick(random, FIELDS)] = fuzzValue(
      random,
      depth - 1,
    );
  return object;
}

// Field names the contract uses, so objects often come close to a real request.
const FIELDS = [
  'source',
  'destination',
  'port',
  'ports',
  'kind',
  'name',
  'prettyName',
  'frame',
  'master',
  'bpm',
  'frames',
  'id',
  'frequency',
  'level',
  'targets',
];

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** One WebSocket message: text (maybe not JSON) or bytes, and whether it earns a reply or a close. */
export interface FuzzFrame {
  data: string | Buffer;
  /** Send as a binary frame (the host closes with 1003). */
  binary: boolean;
  /** 'reply': a JSON reply is due; 'close': the host closes the socket (binary, bad UTF-8, too big). */
  expect: 'reply' | 'close';
}

/**
 * A request-shaped or malformed text frame: wrong types, missing fields,
 * unknown methods, random params for real methods, not JSON at all, deeply
 * nested JSON. `methods` are the contract's request names; `accept(method,
 * params)` may veto a draw (e.g. a valid request that would change state).
 */
export function fuzzTextFrame(
  random: Random,
  methods: readonly string[],
  id: number,
  accept: (method: string, params: unknown) => boolean = () => true,
): string {
  const choice = random();
  if (choice < 0.08) return fuzzString(random).slice(0, 1000);
  if (choice < 0.12) return '['.repeat(5000 + Math.floor(random() * 5000));
  if (choice < 0.16)
    return `{"id": ${id}, "method": "getStatus", "params": ${'['.repeat(3000)}1${']'.repeat(3000)}}`;
  if (choice < 0.2) return `{"id": ${id}, "method": "transportLocate", "params": {"frame": NaN}}`;
  if (choice < 0.3) return JSON.stringify(fuzzValue(random)) ?? 'undefined';
  for (;;) {
    const method = random() < 0.85 ? pick(random, methods) : fuzzString(random).slice(0, 40);
    const params = random() < 0.1 ? undefined : fuzzValue(random);
    if (!accept(method, params)) continue;
    const message: Record<string, unknown> = { id, method, params };
    if (random() < 0.1) delete message.id;
    if (random() < 0.05) message.id = fuzzValue(random, 0);
    if (random() < 0.05) message.extra = fuzzValue(random, 1);
    return JSON.stringify(message);
  }
}

/**
 * A frame that makes the host close the socket: `kind` 0 binary, 1 invalid
 * UTF-8 in a text frame, 2 over the size limit.
 */
export function fuzzClosingFrame(kind: number, random: Random, maxBytes: number): FuzzFrame {
  if (kind === 0) {
    const bytes = Buffer.alloc(1 + Math.floor(random() * 200));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
    return { data: bytes, binary: true, expect: 'close' };
  }
  if (kind === 1)
    return {
      data: Buffer.concat([
        Buffer.from('{"id": 1, "method": "'),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from('"}'),
      ]),
      binary: false,
      expect: 'close',
    };
  return {
    data: `{"id":1,"method":"getStatus","params":{"x":"${'y'.repeat(maxBytes)}"}}`,
    binary: false,
    expect: 'close',
  };
}
