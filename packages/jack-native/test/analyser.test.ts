// The loudness and level analyser (lib/analyser.ts, src/analyser.cpp) on a
// real server, fed by the engine's own sine nodes through own ports: EBU Tech
// 3341's first case, the K-system meter's RMS, true peak, bad input, and a
// machine without libebur128.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type JackServer,
  nodeEnv,
  PATIENT_START_MS,
  PATIENT_TIMEOUT,
  startJackServer,
  waitFor,
} from '@jackbay/test-support';
import { clientOpener } from '@jackbay/test-support/clients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Analyser, type AnalyserReading, Client, JackError } from '../lib/index.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const RATE = 48000;
let server: JackServer;
let counter = 0;

beforeAll(async () => {
  server = await startJackServer({ rate: RATE, period: 256, startTimeoutMs: PATIENT_START_MS });
}, PATIENT_TIMEOUT);

afterAll(async () => {
  await server?.stop();
});

const openClient = clientOpener(
  () => new Client(`ana${++counter}`, { serverName: server.name, noStartServer: true }),
);

const db = (gain: number) => 20 * Math.log10(gain);

/** Sines from own outputs into own inputs: the analysed signal, made by the engine. */
function sines(client: Client, levels: number[]) {
  const inputs = levels.map((level, i) => {
    const output = client.outports.register(`sine${i}`);
    const input = client.inports.register(`in${i}`);
    client.addSine(output, { frequency: 1000, level });
    client.connect(output, input);
    return input;
  });
  return inputs;
}

/** Time spent in read() and the frames it analysed, for the cost figure. */
const cost = { ms: 0, frames: 0 };

/** Reads until `frames` frames were analysed; returns the last reading. */
async function analyse(analyser: Analyser, frames: number): Promise<AnalyserReading> {
  let total = 0;
  let last: AnalyserReading | null = null;
  await waitFor(
    () => {
      const start = performance.now();
      last = analyser.read();
      cost.ms += performance.now() - start;
      total += last.frames;
      cost.frames += last.frames;
      return total >= frames;
    },
    30000,
    `${frames} analysed frames`,
  );
  return last as unknown as AnalyserReading;
}

describe('analyser', () => {
  it('reads EBU Tech 3341 case 1: a stereo 1 kHz sine at −23 dBFS is −23.0 LUFS', async () => {
    const client = openClient();
    client.activate();
    const inputs = sines(client, [-23, -23]);
    const analyser = client.addAnalyser(inputs);
    expect(analyser.hasLoudness).toBe(true);
    // Past the sines' 5 ms ramp and whatever the first cycles held: start afresh.
    await analyse(analyser, RATE / 2);
    analyser.resetLoudness();
    cost.ms = 0;
    cost.frames = 0;
    const reading = await analyse(analyser, 5 * RATE);
    // A measurement, not a bound: the JS thread's share of one core for a stereo pair.
    console.log(
      `analysis cost: ${((cost.ms / (cost.frames / RATE)) * 1000).toFixed(0)} µs per second of stereo audio (${(cost.ms / (cost.frames / RATE) / 10).toFixed(2)} % of a core)`,
    );
    console.log(
      `Tech 3341 case 1: M ${reading.momentary.toFixed(3)} S ${reading.shortTerm.toFixed(3)} I ${reading.integrated.toFixed(3)} LUFS, LRA ${reading.range.toFixed(3)} LU, true peak ${reading.channels.map((c) => db(c.truePeak).toFixed(3)).join('/')} dBTP`,
    );
    expect(reading.integrated).toBeGreaterThan(-23.1);
    expect(reading.integrated).toBeLessThan(-22.9);
    expect(Math.abs(reading.momentary + 23)).toBeLessThan(0.1);
    expect(Math.abs(reading.shortTerm + 23)).toBeLessThan(0.1);
    // A steady sine has no loudness range.
    expect(reading.range).toBeLessThan(0.1);
    for (const channel of reading.channels) {
      expect(Math.abs(db(channel.truePeak) + 23)).toBeLessThan(0.1);
      expect(Math.abs(db(channel.peak) + 23)).toBeLessThan(0.05);
      expect(channel.clips).toBe(0);
    }
    // Reset really starts afresh: right after it, nothing is integrated yet.
    analyser.resetLoudness();
    expect(analyser.read().integrated).toBe(Number.NEGATIVE_INFINITY);
    expect(analyser.overruns).toBe(0);
    analyser.remove();
    expect(analyser.removed).toBe(true);
  }, 60000);

  it('K-20: a sine at −20 dBFS peak has an RMS of −23.01 dBFS, which K-20 reads as −3.0', async () => {
    const client = openClient();
    client.activate();
    const analyser = client.addAnalyser(sines(client, [-20]), { loudness: true });
    await analyse(analyser, RATE); // the ballistics settle (time constant about 0.1 s)
    const reading = await analyse(analyser, RATE / 10);
    const [channel] = reading.channels;
    if (!channel) throw new Error('no channel');
    const kRms = db(channel.kRms);
    console.log(
      `K-20: sine −20 dBFS peak → K RMS ${kRms.toFixed(3)} dBFS, K-20 ${(kRms + 20).toFixed(2)}; RMS ${db(channel.rms).toFixed(3)}, true peak ${db(channel.truePeak).toFixed(3)} dBTP`,
    );
    expect(Math.abs(kRms - -23.01)).toBeLessThan(0.05);
    expect(Math.abs(kRms + 20 - -3.0)).toBeLessThan(0.05);
    expect(Math.abs(db(channel.rms) - -23.01)).toBeLessThan(0.05);
    expect(Math.abs(db(channel.peak) - -20)).toBeLessThan(0.05);
    // True peak of a sine is its peak (1 kHz is far below the oversampling's band edge).
    expect(Math.abs(db(channel.truePeak) - -20)).toBeLessThan(0.1);
  }, 60000);

  it('follows a foreign output port through a probe and gives the probe back', async () => {
    const client = openClient();
    client.activate();
    const source = openClient();
    const out = source.outports.register('out');
    source.addSine(out, { frequency: 997, level: -6 });
    source.activate();
    // PipeWire shows another client's new port a moment later (CI: "Port
    // 'ana4:out' not available" right after activate).
    await waitFor(() => client.getPorts(out.name).length === 1, 5000, 'the source port');
    const analyser = client.addAnalyser([out.name]);
    expect(analyser.taps[0]?.probe).not.toBeNull();
    const reading = await analyse(analyser, RATE / 2);
    expect(Math.abs(db(reading.channels[0]?.peak ?? 0) + 6)).toBeLessThan(0.1);
    const probe = analyser.taps[0]?.probe;
    analyser.remove();
    // The probe stays registered (JACK2 must not unregister at run time), disconnected.
    expect(probe?.isRegistered).toBe(true);
    expect(probe?.connections).toEqual([]);
    // And serves the next tap.
    const again = client.addAnalyser([out.name]);
    expect(again.taps[0]?.probe).toBe(probe);
    again.remove();
  }, 60000);

  it('refuses bad input with typed errors and changes nothing', () => {
    const client = openClient();
    client.activate();
    const midi = client.midiInports.register('midi');
    const a = client.inports.register('a');
    const ports = client.getPorts().length;
    const refuse = (targets: unknown, check: (error: unknown) => void) => {
      let thrown: unknown = null;
      try {
        client.addAnalyser(targets as never);
      } catch (error) {
        thrown = error;
      }
      check(thrown);
    };
    refuse(['nobody:nothing'], (e) => {
      expect(e).toBeInstanceOf(JackError);
      expect((e as JackError).kind).toBe('port-not-found');
    });
    refuse([midi], (e) => {
      expect(e).toBeInstanceOf(JackError);
      expect((e as JackError).kind).toBe('incompatible-types');
    });
    refuse([a, a, a], (e) => expect(e).toBeInstanceOf(TypeError));
    refuse([], (e) => expect(e).toBeInstanceOf(TypeError));
    refuse('garbage', (e) => expect(e).toBeInstanceOf(TypeError));
    refuse([a, a], (e) => expect(e).toBeInstanceOf(TypeError));
    refuse([42], (e) => expect(e).toBeInstanceOf(Error));
    expect(client.getPorts().length).toBe(ports);
  });

  it('without libebur128, loudness is a typed error and levels still work', () => {
    const script = `
      import { native } from './lib/native.js';
      import { call } from './lib/library.js';
      const memory = new ArrayBuffer(128 + 1024);
      const result = {};
      try { call(() => new native.NativeAnalyser(memory, 1024, 2, 48000, true)); result.loud = 'made'; }
      catch (e) { result.loud = { name: e.name, kind: e.kind, message: e.message }; }
      const quiet = new native.NativeAnalyser(memory, 1024, 2, 48000, false);
      const out = new Float64Array(14);
      result.frames = quiet.read(out);
      result.hasLoudness = quiet.hasLoudness();
      result.integrated = out[12];
      try { call(() => quiet.resetLoudness()); result.reset = 'ok'; }
      catch (e) { result.reset = { kind: e.kind, message: e.message }; }
      console.log(JSON.stringify(result));
    `;
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: join(HERE, '..'),
        env: nodeEnv({ ...process.env, JACKBAY_LIBEBUR128: '/nonexistent/libebur128.so.1' }),
        encoding: 'utf8',
      },
    );
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
    expect(result.loud).toMatchObject({ name: 'JackError', kind: 'loudness-unavailable' });
    expect(result.loud.message).toMatch(/^loudness unavailable: libebur128 not found/);
    expect(result.frames).toBe(0);
    expect(result.hasLoudness).toBe(false);
    expect(result.integrated).toBeNull(); // NaN through JSON
    expect(result.reset.kind).toBe('loudness-unavailable');
  });
});
