// The realtime examples, each run as a user runs it (its own Node process)
// against a private server, and judged by its effect on independent peers:
// Python `jack` clients that play, record and send MIDI at known frame times.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type JackServer,
  type LongPeer,
  nodeEnv,
  python,
  pythonPeer,
  startJackServer,
  waitFor,
} from '@jackbay/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_ARGS = ['--import', 'tsx', 'examples/run.ts'];
// A period of 1024 frames (21 ms): JavaScript on a loaded 2-core machine
// misses a 5 ms deadline now and then, which is a late cycle by design.
const PERIOD = 1024;
const RATE = 48000;

let server: JackServer;
let lab: LongPeer;
let dir: string;

// The peers, in one Python process:
//   sigsrc:out_1/out_2 play a pattern that encodes each sample's frame time
//     (out_2 negated), so a recording tells its latency and any gap exactly;
//   sigdst:in_1/in_2 record on request, each period with its frame time;
//   midisrc:out sends MIDI at chosen offsets and reports their frame times;
//   midisink:in records MIDI with frame times.
// Pattern values are k/32768 with 1 <= k <= 16384: exact in float32 and in
// 16-bit PCM. Answers are JSON; recordings travel as base64 so the peer
// spends little time holding Python's lock (its process callbacks need it).
// Every answer that covers a stretch of time says how many xruns JACK
// reported meanwhile: on a loaded machine a peer can miss a period.
const LAB = `
import array, base64
MASK = 0x3fff
SCALE = 2.0 ** -15
PAT = memoryview(array.array('f', [((t & MASK) + 1) * SCALE for t in range(2 * (MASK + 1))]))
NEG = memoryview(array.array('f', [-((t & MASK) + 1) * SCALE for t in range(2 * (MASK + 1))]))
xruns = [0]
def on_xrun(delay):
    xruns[0] += 1
def floats(port):
    return memoryview(port.get_buffer()).cast('f')

src = jack.Client('sigsrc')
src.set_xrun_callback(on_xrun)
out1, out2 = src.outports.register('out_1'), src.outports.register('out_2')
@src.set_process_callback
def play(frames):
    s = src.last_frame_time & MASK
    floats(out1)[:] = PAT[s:s + frames]
    floats(out2)[:] = NEG[s:s + frames]

dst = jack.Client('sigdst')
in1, in2 = dst.inports.register('in_1'), dst.inports.register('in_2')
recording, rec = [False], []
@dst.set_process_callback
def record(frames):
    if recording[0]:
        rec.append((dst.last_frame_time, bytes(in1.get_buffer()), bytes(in2.get_buffer())))

msrc = jack.Client('midisrc')
mout = msrc.midi_outports.register('out')
queue, sent = [], []
@msrc.set_process_callback
def send(frames):
    mout.clear_buffer()
    if queue:
        t0 = msrc.last_frame_time
        for offset, data in queue.pop(0):
            mout.write_midi_event(offset, data)
            sent.append([t0 + offset, data.hex()])

msink = jack.Client('midisink')
min_ = msink.midi_inports.register('in')
got = []
@msink.set_process_callback
def receive(frames):
    t0 = msink.last_frame_time
    for offset, data in min_.incoming_midi_events():
        got.append([t0 + offset, bytes(data).hex()])

for c in (src, dst, msrc, msink):
    c.activate()

def recording_report(since):
    periods = list(rec)
    return {'xruns': xruns[0] - since, 'periods': [
        [t0, base64.b64encode(a).decode(), base64.b64encode(b).decode()] for t0, a, b in periods]}

def answer(value):
    print(json.dumps(value))

print('ready')
marks = {}
for line in sys.stdin:
    word, _, arg = line.strip().partition(' ')
    arg = json.loads(arg) if arg else None
    if word == 'connect':
        src.connect(*arg)
        answer('ok')
    elif word == 'record':
        since = xruns[0]
        del rec[:]
        recording[0] = True
        time.sleep(arg)
        recording[0] = False
        time.sleep(0.05)
        answer(recording_report(since))
    elif word == 'start-recording':
        marks['recording'] = xruns[0]
        del rec[:]
        recording[0] = True
        answer('ok')
    elif word == 'stop-recording':
        recording[0] = False
        time.sleep(0.05)
        answer(recording_report(marks['recording']))
    elif word == 'mark':
        marks[arg] = xruns[0]
        answer('ok')
    elif word == 'xruns-since':
        answer(xruns[0] - marks[arg])
    elif word == 'send':
        del sent[:]
        for batch in arg:
            queue.append([(offset, bytes.fromhex(data)) for offset, data in batch])
        while queue:
            time.sleep(0.005)
        time.sleep(0.02)
        answer(sent)
    elif word == 'received':
        answer(got[:])
        del got[:]
    elif word == 'transport':
        state, pos = src.transport_query()
        answer({'state': str(state), 'pos': pos})
    elif word == 'locate':
        src.transport_stop()
        src.transport_frame = arg
        answer('ok')
    elif word == 'stop':
        src.transport_stop()
        answer('ok')
    elif word == 'start-and-watch':
        # The states the transport passes through until it rolls, in order
        # (from the cycle that takes the start on; STOPPED until then).
        t0 = time.monotonic()
        src.transport_start()
        seen = []
        while time.monotonic() - t0 < 8:
            state = str(src.transport_state)
            if (seen or state != 'jack.STOPPED') and (not seen or seen[-1] != state):
                seen.append(state)
            if state == 'jack.ROLLING': break
            time.sleep(0.002)
        answer(seen)
`;

beforeAll(async () => {
  server = await startJackServer({ rate: RATE, period: PERIOD });
  dir = mkdtempSync(join(tmpdir(), 'jackbay-examples-'));
  lab = pythonPeer(server, LAB);
  expect(await lab.line()).toBe('ready');
});
afterAll(async () => {
  await lab?.stop();
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Sends a command to the lab peer; resolves with its JSON answer. */
async function ask<T = unknown>(command: string, arg?: unknown): Promise<T> {
  lab.send(arg === undefined ? command : `${command} ${JSON.stringify(arg)}`);
  return JSON.parse(await lab.line()) as T;
}
const connect = (source: string, destination: string) => ask('connect', [source, destination]);

interface Running {
  readonly child: ChildProcess;
  output(): string;
  errors(): string;
  exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until the example printed `text` (it is then up and connected). */
  printed(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Sends SIGINT (or `signal`) and expects a clean exit. */
  interrupt(signal?: NodeJS.Signals): Promise<string>;
}

/** Starts an example in its own Node process. */
function start(name: string, ...args: string[]): Running {
  const child = spawn(process.execPath, [...NODE_ARGS, name, ...args], {
    cwd: PACKAGE,
    env: nodeEnv(server.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (status, signal) => resolve({ status, signal })),
  );
  const running: Running = {
    child,
    output: () => stdout,
    errors: () => stderr,
    exited,
    printed: async (text, timeoutMs = 15000) => {
      const seen = () => (typeof text === 'string' ? stdout.includes(text) : text.test(stdout));
      await waitFor(() => seen() || child.exitCode !== null, timeoutMs, `${name} to print ${text}`);
      if (!seen()) throw new Error(`${name} exited early:\n${stdout}\n${stderr}`);
    },
    interrupt: async (signal = 'SIGINT') => {
      child.kill(signal);
      const result = await exited;
      expect(result, `${name} on SIGINT; stderr:\n${stderr}`).toEqual({ status: 0, signal: null });
      return stdout;
    },
  };
  return running;
}

/** Runs an example that stops by itself; expects a clean exit. */
async function finish(running: Running, name: string): Promise<string> {
  const timer = setTimeout(() => running.child.kill('SIGKILL'), 30000);
  const result = await running.exited;
  clearTimeout(timer);
  expect(result, `${name}; stderr:\n${running.errors()}`).toEqual({ status: 0, signal: null });
  return running.output();
}

// ---- recordings of sigdst, decoded here

interface Period {
  time: number;
  left: Float32Array;
  right: Float32Array;
}
interface Recording {
  /** Xruns JACK reported while recording. */
  xruns: number;
  periods: Period[];
}

function floats(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

function decode(raw: { xruns: number; periods: Array<[number, string, string]> }): Recording {
  return {
    xruns: raw.xruns,
    periods: raw.periods.map(([time, left, right]) => ({
      time,
      left: floats(left),
      right: floats(right),
    })),
  };
}

const record = async (seconds: number) => decode(await ask('record', seconds));

const MASK = 0x3fff;
const SCALE = 2 ** -15;

interface PatternReport {
  samples: number;
  zeros: number;
  /** How many samples arrived how many frames after sigsrc played them. */
  delays: Map<number, number>;
}

function patternReport(recording: Recording, channel: 'left' | 'right'): PatternReport {
  const sign = channel === 'left' ? 1 : -1;
  const report: PatternReport = { samples: 0, zeros: 0, delays: new Map() };
  for (const period of recording.periods) {
    period[channel].forEach((value, i) => {
      report.samples++;
      if (value === 0) {
        report.zeros++;
        return;
      }
      const played = Math.round((sign * value) / SCALE) - 1;
      const delay = (period.time + i - played) & MASK;
      report.delays.set(delay, (report.delays.get(delay) ?? 0) + 1);
    });
  }
  return report;
}

/**
 * Every sample arrived `delay` frames after sigsrc played it, and silence
 * only where the example says it was late (`lateCycles` periods). A period
 * the server dropped (an xrun, on a loaded machine) may show anything: then
 * nine tenths of the samples must still be right.
 */
function expectPattern(
  recording: Recording,
  delay: number,
  lateCycles: number,
  what: string,
): void {
  for (const channel of ['left', 'right'] as const) {
    const report = patternReport(recording, channel);
    const message = `${what}, ${channel}: delays ${JSON.stringify([...report.delays])}, ${report.zeros} silent of ${report.samples}, ${recording.xruns} xruns`;
    expect(report.samples, message).toBeGreaterThan(RATE / 4);
    if (recording.xruns === 0) {
      expect([...report.delays.keys()], message).toEqual([delay]);
      expect(report.zeros, message).toBeLessThanOrEqual(lateCycles * PERIOD);
    } else {
      expect(report.delays.get(delay) ?? 0, message).toBeGreaterThan(report.samples * 0.9);
    }
  }
}

interface Tone {
  peak: number;
  crossings: number;
  /** From the median interval between rising zero crossings (linearly interpolated). */
  frequency: number;
}

/** Measures the left channel; a missing or silent period only adds a few outliers. */
function tone(recording: Recording): Tone {
  const ups: number[] = [];
  let peak = 0;
  let previous: number | undefined;
  let next: number | undefined; // frame time the next period should start at
  for (const { time, left } of recording.periods) {
    if (time !== next) previous = undefined; // the peer missed a period
    left.forEach((value, i) => {
      peak = Math.max(peak, Math.abs(value));
      if (previous !== undefined && previous < 0 && value >= 0)
        ups.push(time + i - 1 + previous / (previous - value));
      previous = value;
    });
    next = time + left.length;
  }
  const intervals = ups
    .slice(1)
    .map((up, i) => up - (ups[i] as number))
    .sort((a, b) => a - b);
  const median = intervals[Math.floor(intervals.length / 2)] ?? Number.NaN;
  return { peak, crossings: ups.length, frequency: RATE / median };
}

const lateCyclesOf = (output: string) => Number(/(\d+) late cycles/.exec(output)?.[1] ?? 0);

describe('thru_client', () => {
  for (const [flag, delay] of [
    ['', 0],
    ['--js', PERIOD],
  ] as const) {
    it(`passes both channels ${flag ? 'through the JS process callback, one period late' : 'through the engine in the same cycle'}`, async () => {
      const thru = start('thru_client', ...(flag ? [flag] : []), '--seconds', '60');
      try {
        await thru.printed(/press Ctrl\+C/);
        await connect('sigsrc:out_1', 'thru_client:input_1');
        await connect('sigsrc:out_2', 'thru_client:input_2');
        await connect('thru_client:output_1', 'sigdst:in_1');
        await connect('thru_client:output_2', 'sigdst:in_2');
        // Let a period pass through the JS callback after the last connection.
        await new Promise((resolve) => setTimeout(resolve, 100));
        const recording = await record(1);
        const output = await thru.interrupt();
        expect(output).toContain('SIGINT: closing JACK');
        expectPattern(recording, delay, lateCyclesOf(output), `thru_client ${flag}`);
        // Without the example the peer hears nothing.
        const after = await record(0.1);
        expect(patternReport(after, 'left').zeros).toBe(patternReport(after, 'left').samples);
      } finally {
        thru.child.kill('SIGKILL');
      }
    });
  }
});

describe('midi_monitor', () => {
  it("prints the peer's events with their exact frame times, sysex included", async () => {
    const monitor = start('midi_monitor', '--seconds', '60');
    try {
      await monitor.printed(/press Ctrl\+C/);
      await connect('midisrc:out', 'MIDI-Monitor:input');
      // Three periods of events at chosen offsets.
      const batches = [
        [
          [0, '903c64'],
          [17, 'b00740'],
          [255, '803c00'],
        ],
        [
          [3, 'f07e7f0601f7'],
          [3, 'e00040'],
          [100, 'c105'],
        ],
        [[200, '9e7f01']],
      ];
      const sent = await ask<Array<[number, string]>>('send', batches);
      expect(sent).toHaveLength(7);
      const spaced = (hex: string) => hex.match(/../g)?.join(' ');
      await waitFor(
        () => sent.every(([time, hex]) => monitor.output().includes(`${time} ${spaced(hex)}  `)),
        5000,
        'every event printed',
      ).catch(() => {
        throw new Error(`sent ${JSON.stringify(sent)}\nmonitor printed:\n${monitor.output()}`);
      });
      const lines = monitor
        .output()
        .split('\n')
        .filter((line) => /^\d+ /.test(line));
      expect(lines.map((line) => line.split('  ')[0])).toEqual(
        sent.map(([time, hex]) => `${time} ${spaced(hex)}`),
      );
      expect(lines[0]).toMatch(/Note on +ch 1 +C4 \(60\) velocity 100$/);
      expect(lines[1]).toMatch(/Control change +ch 1 +controller 7 value 64$/);
      expect(lines[3]).toMatch(/SysEx +6 bytes$/);
      expect(lines[4]).toMatch(/Pitch bend +ch 1 +0$/);
      expect(lines[5]).toMatch(/Program change +ch 2 +program 5$/);
      expect(lines[6]).toMatch(/Note on +ch 15 +G9 \(127\) velocity 1$/);
      const output = await monitor.interrupt();
      expect(output).toContain('SIGINT: 7 events received, 0 lost');
    } finally {
      monitor.child.kill('SIGKILL');
    }
  });
});

describe('midi_sine', () => {
  it("answers a note-on with a sine of the note's frequency, and a note-off with silence", async () => {
    const synth = start('midi_sine', '--seconds', '60');
    try {
      await synth.printed(/press Ctrl\+C/i);
      await connect('midisrc:out', 'MIDI-Sine:midi_in');
      await connect('MIDI-Sine:audio_out', 'sigdst:in_1');
      expect(tone(await record(0.1)).peak).toBe(0);

      await ask('send', [[[10, '90517f']]]); // A5 = note 81, velocity 127
      await new Promise((resolve) => setTimeout(resolve, 100)); // past the 10 ms attack
      const playing = tone(await record(1));
      const expected = 880; // 2 ** ((81 - 69) / 12) * 440
      expect(playing.crossings).toBeGreaterThan(800);
      expect(playing.frequency).toBeGreaterThan(expected - 0.5);
      expect(playing.frequency).toBeLessThan(expected + 0.5);
      expect(playing.peak).toBeGreaterThan(0.99); // velocity 127: full scale
      expect(playing.peak).toBeLessThanOrEqual(1.0001);

      await ask('send', [[[0, '805100']]]);
      await new Promise((resolve) => setTimeout(resolve, 400)); // the 200 ms release
      expect(tone(await record(0.2)).peak).toBe(0);
      expect(await synth.interrupt('SIGTERM')).toMatch(/SIGTERM: closing JACK/);
    } finally {
      synth.child.kill('SIGKILL');
    }
  });
});

describe('midi_chords', () => {
  it('sends a minor triad for each note, one period later at the same offset', async () => {
    const chords = start('midi_chords', '--seconds', '60');
    try {
      await chords.printed(/press Ctrl\+C/);
      await connect('midisrc:out', 'MIDI-Chord-Generator:input');
      await connect('MIDI-Chord-Generator:output', 'midisink:in');
      // The JS process callback's outputs play one period late; on a loaded
      // machine a cycle can miss that deadline (counted as late, played as
      // silence) and drop a chord: try a few times for a clean pass.
      let received: Array<[number, string]> = [];
      let expected: Array<[number, string]> = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        await ask('received'); // forget anything earlier
        const sent = await ask<Array<[number, string]>>('send', [
          [[40, '903c50']],
          [[7, 'b00102']],
          [[128, '803c00']],
        ]);
        const got: Array<[number, string]> = [];
        const collect = async () => {
          got.push(...(await ask<Array<[number, string]>>('received')));
          return got.length >= 7;
        };
        await waitFor(collect, 5000, 'the chords').catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 100)); // nothing more may come
        await collect();
        const [noteOn = 0, control = 0, noteOff = 0] = sent.map(([time]) => time);
        received = got;
        expected = [
          [noteOn + PERIOD, '903c50'],
          [noteOn + PERIOD, '903f50'],
          [noteOn + PERIOD, '904350'],
          [control + PERIOD, 'b00102'],
          [noteOff + PERIOD, '803c00'],
          [noteOff + PERIOD, '803f00'],
          [noteOff + PERIOD, '804300'],
        ];
        if (JSON.stringify(received) === JSON.stringify(expected)) break;
      }
      expect(received, chords.output()).toEqual(expected);
      await chords.interrupt();
    } finally {
      chords.child.kill('SIGKILL');
    }
  });
});

describe('play_file', () => {
  it("plays a WAV file written by Python's wave module sample for sample", async () => {
    const path = join(dir, 'two-channels.wav');
    const frames = RATE / 2;
    // Frame i holds (i % 1000 + 1) * 16 on the left and -(i // 1000 + 1) on
    // the right: every frame tells which frame of the file it is.
    python(
      server,
      `import wave, struct
w = wave.open(${JSON.stringify(path)}, 'wb')
w.setnchannels(2); w.setsampwidth(2); w.setframerate(${RATE})
w.writeframes(b''.join(struct.pack('<hh', (i % 1000 + 1) * 16, -(i // 1000 + 1)) for i in range(${frames})))
w.close()`,
    );
    await ask('start-recording');
    const player = start(
      'play_file',
      path,
      '--manual',
      '--connect',
      'sigdst:in_1',
      '--connect',
      'sigdst:in_2',
    );
    const output = await finish(player, 'play_file');
    expect(output).toContain('end of file: 0 underruns');
    const recording = decode(await ask('stop-recording'));

    const heard: Array<{ time: number; index: number }> = [];
    let altered = 0;
    for (const { time, left, right } of recording.periods) {
      left.forEach((l, i) => {
        const r = right[i] as number;
        if (l === 0 && r === 0) return;
        const low = (l * 32768) / 16 - 1;
        const high = -r * 32768 - 1;
        if (Number.isInteger(low) && Number.isInteger(high) && low >= 0 && low < 1000 && high >= 0)
          heard.push({ time: time + i, index: high * 1000 + low });
        else altered++;
      });
    }
    const indices = heard.map((frame) => frame.index);
    const message = `${heard.length} frames heard, ${recording.xruns} xruns, first ${indices.slice(0, 3)}, last ${indices.slice(-3)}`;
    expect(altered, message).toBe(0);
    expect(
      indices.every((index, k) => k === 0 || index > (indices[k - 1] as number)),
      message,
    ).toBe(true);
    if (recording.xruns === 0) {
      // Every frame, in order, one after the other in time.
      expect(indices, message).toEqual(Array.from({ length: frames }, (_, i) => i));
      expect(
        heard.every(({ time }, k) => time === (heard[0]?.time ?? 0) + k),
        message,
      ).toBe(true);
    } else {
      expect(heard.length, message).toBeGreaterThan(frames * 0.9);
    }
  });

  it('rejects a file that is not WAV with one line and status 1', async () => {
    const path = join(dir, 'not.wav');
    writeFileSync(path, 'hello');
    const player = start('play_file', path);
    const result = await player.exited;
    expect(result.status).toBe(1);
    expect(player.errors().trim()).toBe('WavError: not a WAV file (no RIFF/WAVE header)');
  });
});

describe('recorder', () => {
  it("records the peer's two channels into a WAV file without a gap", async () => {
    const path = join(dir, 'recorded.wav');
    await ask('mark', 'recorder');
    const recorder = start('recorder', path, 'sigsrc:out_1', 'sigsrc:out_2', '--format', 'pcm16');
    try {
      await recorder.printed(/press Ctrl\+C/);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const output = await recorder.interrupt('SIGTERM');
      expect(output).toMatch(/SIGTERM: \d+ frames .* written to .*, 0 periods lost/);
    } finally {
      recorder.child.kill('SIGKILL');
    }
    const xruns = await ask<number>('xruns-since', 'recorder');
    // Python's wave module reads the file: each channel must be the pattern
    // without a gap (every step from one frame to the next is 1), the second negated.
    const report = JSON.parse(
      python(
        server,
        `import wave, struct
w = wave.open(${JSON.stringify(path)}, 'rb')
n = w.getnframes()
data = struct.unpack('<%dh' % (2 * n), w.readframes(n))
# The first periods may be silent: the ports are connected after activation.
first = next(i for i, v in enumerate(data) if v != 0) // 2 * 2
data = data[first:]
def steps(values):
    counts = {}
    for a, b in zip(values, values[1:]):
        counts[(b - a) & 0x3fff] = counts.get((b - a) & 0x3fff, 0) + 1
    return counts
print(json.dumps({'channels': w.getnchannels(), 'rate': w.getframerate(), 'width': w.getsampwidth(),
                  'frames': len(data) // 2, 'left': steps(data[0::2]), 'right': steps([-v for v in data[1::2]]),
                  'same': sum(a != -b for a, b in zip(data[0::2], data[1::2])), 'zeros': data.count(0)}))`,
      ),
    ) as { frames: number; left: Record<string, number>; right: Record<string, number> };
    const message = `${JSON.stringify(report)}, ${xruns} xruns`;
    expect(report, message).toMatchObject({ channels: 2, rate: RATE, width: 2 });
    expect(report.frames, message).toBeGreaterThan(RATE * 0.8);
    if (xruns === 0) {
      expect(report, message).toMatchObject({
        left: { 1: report.frames - 1 },
        right: { 1: report.frames - 1 },
        same: 0,
        zeros: 0,
      });
    } else {
      // A period the server dropped may hold anything; the rest must be right.
      expect(report.left[1], message).toBeGreaterThan(report.frames * 0.9);
      expect(report.right[1], message).toBeGreaterThan(report.frames * 0.9);
    }
  });
});

// A Standard MIDI File written byte by byte: format 1, a tempo track and a
// note track with running status and a sysex, at 96 ticks per quarter.
function midiFile(): Uint8Array {
  const vlq = (value: number): number[] => {
    const bytes = [value & 0x7f];
    for (let rest = value >> 7; rest > 0; rest >>= 7) bytes.unshift((rest & 0x7f) | 0x80);
    return bytes;
  };
  const chunk = (id: string, body: number[]) => [
    ...[...id].map((c) => c.charCodeAt(0)),
    (body.length >>> 24) & 0xff,
    (body.length >>> 16) & 0xff,
    (body.length >>> 8) & 0xff,
    body.length & 0xff,
    ...body,
  ];
  const end = [0x00, 0xff, 0x2f, 0x00];
  return new Uint8Array([
    ...chunk('MThd', [0, 1, 0, 2, 0, 96]),
    // 120 BPM (a tick is 1/192 s), then 240 BPM from tick 96 (1/384 s).
    ...chunk('MTrk', [
      0x00,
      0xff,
      0x51,
      3,
      0x07,
      0xa1,
      0x20,
      ...vlq(96),
      0xff,
      0x51,
      3,
      0x03,
      0xd0,
      0x90,
      ...end,
    ]),
    ...chunk('MTrk', [
      ...[0x00, 0x90, 60, 100], // 0 s
      ...[...vlq(48), 64, 100], // running status, 0.25 s
      ...[...vlq(48), 0xf0, 5, 0x7e, 0x7f, 0x06, 0x01, 0xf7], // 0.5 s
      ...[...vlq(48), 0x80, 60, 0], // 0.625 s
      ...[0x00, 64, 0], // running status, same time
      ...[...vlq(96), 0xb0, 7, 90], // 0.875 s
      ...[...vlq(48), 0xc1, 5], // 1 s
      ...end,
    ]),
  ]);
}

describe('midi_file_player', () => {
  it("plays a MIDI file's events in order, spaced by the tempo map to the frame", async () => {
    const path = join(dir, 'song.mid');
    writeFileSync(path, midiFile());
    await ask('received');
    const player = start('midi_file_player', path, 'midisink:in');
    const output = await finish(player, 'midi_file_player');
    expect(output).toContain('end of file: 7 of 7 messages sent');
    const received = await ask<Array<[number, string]>>('received');
    expect(received.map(([, hex]) => hex)).toEqual([
      '903c64',
      '904064',
      'f07e7f0601f7',
      '803c00',
      '804000',
      'b0075a',
      'c105',
    ]);
    const first = received[0]?.[0] ?? 0;
    expect(received.map(([time]) => time - first)).toEqual(
      [0, 0.25, 0.5, 0.625, 0.625, 0.875, 1].map((seconds) => seconds * RATE),
    );
  });
});

interface Transport {
  state: string;
  pos: Record<string, number>;
}

describe('timebase_master', () => {
  it('provides BBT for its tempo and meter, read by the peer through transport_query()', async () => {
    await ask('locate', 0);
    const master = start('timebase_master', '-m', '3/4', '150', '--seconds', '60');
    try {
      await master.printed(/press Ctrl\+C/);
      // Bar 3, beat 1 begins at frame 6 beats × 19200 frames; 12345 frames later.
      const frame = 6 * 19200 + 12345;
      await ask('locate', frame);
      const expectBbt = ({ pos }: Transport) => {
        const beats = ((pos.frame as number) / RATE / 60) * 150;
        const bar = Math.floor(beats / 3);
        expect(pos).toMatchObject({
          bar: bar + 1,
          beat: Math.floor(beats) - bar * 3 + 1,
          bar_start_tick: bar * 3 * 1920,
          beats_per_bar: 3,
          beat_type: 4,
          ticks_per_beat: 1920,
          beats_per_minute: 150,
        });
        expect(
          Math.abs((pos.tick as number) - (beats - Math.floor(beats)) * 1920),
        ).toBeLessThanOrEqual(1);
      };
      // The master's BBT for a new position can follow the frame by a cycle.
      // waitFor resolves with the first truthy answer.
      const located = (await waitFor(
        async () => {
          const seen = await ask<Transport>('transport');
          return seen.pos.frame === frame && seen.pos.bar === 3 ? seen : null;
        },
        5000,
        'the located position with its BBT',
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}: ${JSON.stringify(await ask('transport'))}`);
      })) as Transport;
      expect(located.pos).toMatchObject({ beat: 1, tick: Math.floor((12345 / 19200) * 1920) });
      expectBbt(located);

      await ask('start-and-watch');
      for (let i = 0; i < 5; i++) {
        const rolling = await ask<Transport>('transport');
        expect(rolling.state).toBe('jack.ROLLING');
        expectBbt(rolling);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await ask('stop');

      // A conditional second master gives up, changing nothing.
      const second = start('timebase_master', '--conditional', '-n', 'second', '90');
      expect((await second.exited).status).toBe(1);
      expect(second.errors()).toContain('Timebase master already present. Exiting...');
      expect((await ask<Transport>('transport')).pos.beats_per_minute).toBe(150);

      expect(await master.interrupt()).toContain('SIGINT: released timebase');
      await ask('locate', 4800);
      await waitFor(async () => (await ask<Transport>('transport')).pos.frame === 4800, 5000);
      expect((await ask<Transport>('transport')).pos.bar).toBeUndefined();
    } finally {
      master.child.kill('SIGKILL');
    }
  });
});

describe('slow_sync', () => {
  it('holds the transport in STARTING until it is ready', async () => {
    await ask('locate', 0);
    const slow = start('slow_sync', '--seek-time', '1', '--seconds', '60');
    try {
      await slow.printed(/press Ctrl\+C/);
      await slow.printed('STOPPED 0 just got ready', 5000); // its first position
      await ask('locate', 96000);
      // Held in STARTING until slow_sync, called there, reports ready.
      expect(await ask<string[]>('start-and-watch')).toEqual(['jack.STARTING', 'jack.ROLLING']);
      await slow.printed(/STARTING 96000 just got ready/, 1000);
      await ask('stop');
      await slow.interrupt();

      // Without it the transport rolls too.
      await ask('locate', 48000);
      expect((await ask<string[]>('start-and-watch')).at(-1)).toBe('jack.ROLLING');
      await ask('stop');
    } finally {
      slow.child.kill('SIGKILL');
    }
  });
});

describe('command lines', () => {
  it('reject bad arguments with the usage and status 2, before touching JACK', async () => {
    for (const [name, args, message] of [
      ['timebase_master', ['-m', '3x4'], 'invalid meter: 3x4'],
      ['timebase_master', ['400'], 'invalid tempo: 400'],
      ['recorder', [], 'no file given'],
      ['recorder', ['x.wav', '--format', 'mp3'], '--format must be float32 or pcm16'],
      ['slow_sync', ['--seek-time', '99'], '--seek-time must be from 0 to 60 seconds'],
      ['midi_file_player', [], 'Please specify a MIDI file'],
    ] as const) {
      const example = start(name, ...args);
      const result = await example.exited;
      expect(result.status, `${name} ${args.join(' ')}`).toBe(2);
      expect(example.errors()).toContain(message);
      expect(example.errors()).toContain(`usage: ${name}`);
    }
  });
});
