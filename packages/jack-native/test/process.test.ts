// The asynchronous JS process callback, judged by Python `jack` peers: `src`
// plays a signal whose every sample names its absolute frame, `sink` records
// what we play. The callback gets cycle N's inputs and its outputs play in
// cycle N+1, so a sample the sink hears at frame F must be the one src played
// at F − period; a cycle JS missed is silent and counted as late.

import {
  type JackServer,
  PATIENT_START_MS,
  PATIENT_TIMEOUT,
  skipUnderSanitizer,
  startJackServer,
  unlessPipeWire,
  waitFor,
} from '@jackbay/test-support';
import { clientOpener } from '@jackbay/test-support/clients';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CallbackExit, Client, JackError, type OwnMidiPort, type OwnPort } from '../lib/index.js';
import {
  type EnginePeer,
  peerPort,
  type Recording,
  seen,
  startEnginePeer,
} from './fixtures/engine-peer.js';

const PERIOD = 256;
let server: JackServer;
let src: EnginePeer;
let sink: EnginePeer;
let counter = 0;

beforeAll(async () => {
  server = await startJackServer({ rate: 48000, period: PERIOD, startTimeoutMs: PATIENT_START_MS });
  src = await startEnginePeer(server, 'src');
  sink = await startEnginePeer(server, 'sink');
}, PATIENT_TIMEOUT);

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(async () => {
  await src?.stop();
  await sink?.stop();
  await server?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unique = (prefix: string) => `${prefix}${++counter}`;

const open = clientOpener(
  () => new Client(unique('proc'), { serverName: server.name, noStartServer: true }),
);

/** The value src's framecode plays at absolute frame `frame`. */
const framecode = (frame: number) => (((frame % 4096) + 4096) % 4096) / 4096;

interface DelayCheck {
  cycles: number;
  silent: number;
  /** Cycles that were whole input cycles but more than `delay` late (stale buffers). */
  stale: number;
  /** Cycles that were no whole input cycle at all. */
  wrong: string[];
}

/**
 * Checks each cycle the sink recorded: silent (a late cycle) or, sample by
 * sample, src's framecode `delay` frames earlier. An xrun (a client missing
 * its deadline on a loaded machine) can leave stale buffers in the graph, so
 * that a cycle arrives whole but one or more periods later still: allowed
 * only when the recording saw an xrun. Anything else is wrong.
 */
function checkDelayed(recording: Recording, delay: number): DelayCheck {
  const result: DelayCheck = { cycles: 0, silent: 0, stale: 0, wrong: [] };
  let at = 0;
  for (const [start, count] of recording.cycles) {
    const cycle = recording.samples.subarray(at, at + count);
    at += count;
    result.cycles++;
    if (cycle.every((v) => v === 0)) {
      result.silent++;
      continue;
    }
    // (A process thread starved on a loaded machine can leave a buffer stale
    // for several cycles: look a few dozen back.)
    const late = Array.from({ length: 32 }, (_, extra) => extra).find((extra) =>
      cycle.every((v, i) => v === framecode(start + i - delay - extra * count)),
    );
    if (late === undefined) result.wrong.push(`cycle at frame ${start}: ${cycle[0]}…`);
    else if (late > 0) result.stale++;
  }
  expect(result.wrong).toEqual([]);
  if (recording.xruns === 0) expect(result.stale).toBe(0);
  return result;
}

/** A client whose callback copies in → out, wired src:framecode → in, out → sink. */
async function copyingClient(): Promise<{
  client: Client;
  input: OwnPort;
  output: OwnPort;
  hearer: string;
  frames: number[];
}> {
  const client = open();
  const input = client.inports.register('in');
  const output = client.outports.register('out');
  const frames: number[] = [];
  client.setProcessCallback((n) => {
    frames.push(n);
    output.getArray().set(input.getArray());
  });
  client.activate();
  const source = await peerPort(src, 'audio_out', 'fc');
  const hearer = await peerPort(sink, 'audio_in', 'r');
  await src.run(`play_framecode('${source.short}')`);
  await seen(client, source.full, hearer.full);
  client.connect(source.full, input);
  client.connect(output, hearer.full);
  return { client, input, output, hearer: hearer.short, frames };
}

describe('the JS process callback', () => {
  it('gets each cycle’s inputs and plays its outputs one period later', async () => {
    const { client, hearer, frames } = await copyingClient();
    await waitFor(() => frames.length > 20, 5000, 'callbacks');
    expect(new Set(frames)).toEqual(new Set([PERIOD]));
    const lateBefore = client.lateCycles;
    const recording = await sink.cleanCapture(hearer, 48000);
    const lateDuring = client.lateCycles - lateBefore;
    const check = checkDelayed(recording, PERIOD);
    // Most cycles arrive in time even on a loaded machine; each one that did
    // not was silent and counted as late.
    expect(check.cycles).toBe(Math.ceil(48000 / PERIOD));
    expect(check.silent).toBeLessThan(check.cycles / 2);
    expect(lateDuring).toBeGreaterThanOrEqual(check.silent);
  }, 60000);

  it('keeps playing in time while other nodes are added and removed', async (context) => {
    skipUnderSanitizer(
      context,
      'measures whether a JS callback keeps up with the period, which ASan slows past it',
    );
    const { client, input, hearer, frames } = await copyingClient();
    await waitFor(() => frames.length > 20, 5000, 'callbacks');
    const lateBefore = client.lateCycles;
    const recording = sink.cleanCapture(hearer, 48000);
    let churning = true;
    let changes = 0;
    const churn = (async () => {
      while (churning) {
        const tap = client.addMeter(input);
        await sleep(2);
        tap.remove();
        changes++;
      }
    })();
    // The churn ends before the test does, also when the capture fails: left
    // running, it would call a client the test has closed.
    let captured: Awaited<typeof recording>;
    try {
      captured = await recording;
    } finally {
      churning = false;
      await churn;
    }
    const check = checkDelayed(captured, PERIOD);
    expect(changes).toBeGreaterThan(50);
    expect(check.silent).toBeLessThan(check.cycles / 2);
    expect(client.lateCycles - lateBefore).toBeLessThan(check.cycles / 2);
  }, 60000);

  it('counts late cycles when the callback takes longer than a period, and plays silence for them', async () => {
    const { client, input, output, hearer } = await copyingClient();
    await sleep(200);
    const before = client.lateCycles;
    // Busy for three periods per call: most cycles cannot be ready in time.
    client.setProcessCallback(() => {
      const until = performance.now() + (3 * PERIOD * 1000) / 48000;
      while (performance.now() < until) {}
      output.getArray().set(input.getArray());
    });
    const recording = await sink.cleanCapture(hearer, 24000, 3);
    const late = client.lateCycles - before;
    const check = checkDelayed(recording, PERIOD);
    expect(late).toBeGreaterThan(40);
    // The busy callback hogs a core: on a loaded machine that can cost xruns,
    // and then cycles are not comparable one by one.
    if (recording.xruns === 0) {
      expect(check.silent).toBeGreaterThan(check.cycles / 2);
      // (The new callback's first cycle is silent too, with nothing to be late for.)
      expect(late).toBeGreaterThanOrEqual(check.silent - 1);
    }
  }, 60000);

  it('stops after CallbackExit, silently', async () => {
    const { client, output, hearer } = await copyingClient();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    let calls = 0;
    client.setProcessCallback(() => {
      output.getArray().fill(0.5);
      if (++calls === 10) throw new CallbackExit();
    });
    await waitFor(() => calls >= 10, 5000, 'ten calls');
    await sleep(300);
    expect(calls).toBe(10);
    expect(errors).not.toHaveBeenCalled();
    // Nothing plays any more.
    const quiet = await sink.capture(hearer, 4096);
    expect(quiet.samples.every((v) => v === 0)).toBe(true);
  });

  it('stops after any other exception and prints it to stderr', async () => {
    const { client } = await copyingClient();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    let calls = 0;
    client.setProcessCallback(() => {
      calls++;
      throw new Error('boom');
    });
    await waitFor(() => calls >= 1, 5000, 'a call');
    await sleep(300);
    expect(calls).toBe(1);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]?.[0])).toMatch(/process callback/);
    expect(errors.mock.calls[0]?.[1]).toEqual(new Error('boom'));
    // A new callback can be installed afterwards.
    client.setProcessCallback(() => {
      calls++;
    });
    await waitFor(() => calls > 5, 5000, 'the new callback');
  });

  it('follows a blocksize change', async () => {
    const { client, hearer, frames } = await copyingClient();
    try {
      await waitFor(() => frames.length > 5, 5000, 'callbacks');
      client.blocksize = 512;
      await waitFor(() => frames.at(-1) === 512, 5000, 'callbacks with 512 frames');
      const recording = await sink.cleanCapture(hearer, 48128);
      const check = checkDelayed(recording, 512);
      expect(check.silent).toBeLessThan(check.cycles / 2);
    } finally {
      client.blocksize = PERIOD;
    }
    await waitFor(() => frames.at(-1) === PERIOD, 5000, 'back to the old period');
  }, 60000);

  it('gives buffers to ports registered after the callback was set', async () => {
    const { client } = await copyingClient();
    let seen = -1;
    client.setProcessCallback(() => {
      seen = late.getArray().length;
    });
    const late = client.outports.register('late');
    await waitFor(() => seen === PERIOD, 5000, 'a buffer for the new port');
  });

  it('keeps running when an unused port goes, and stops with an error when its own port goes', async () => {
    const { client, input, output, frames } = await copyingClient();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const spare = client.outports.register('spare');
    await waitFor(() => frames.length > 5, 5000, 'callbacks');
    spare.unregister();
    const count = frames.length;
    await waitFor(() => frames.length > count + 5, 5000, 'callbacks after the spare port went');
    expect(errors).not.toHaveBeenCalled();
    output.unregister();
    await waitFor(() => errors.mock.calls.length > 0, 5000, 'the error');
    expect(errors).toHaveBeenCalledTimes(1);
    expect(String(errors.mock.calls[0]?.[1])).toMatch(/unregistered|no buffer/);
    // The engine and the client carry on.
    const tap = client.addMeter(input);
    await waitFor(() => (client.readMeters()[0] as number) > 0, 5000, 'the meter');
    tap.remove();
  });

  it('refuses port buffers outside the callback', async () => {
    const client = open();
    const audio = client.inports.register('in');
    const midiIn = client.midiInports.register('min');
    const midiOut = client.midiOutports.register('mout');
    client.activate();
    const outside = [
      () => audio.getArray(),
      () => audio.getBuffer(),
      () => [...midiIn.incomingMidiEvents()],
      () => midiIn.lostMidiEvents,
      () => midiOut.writeMidiEvent(0, [0x90, 60, 1]),
      () => midiOut.reserveMidiEvent(0, 3),
      () => midiOut.clearBuffer(),
      () => midiOut.maxEventSize,
    ];
    for (const use of outside) expect(use).toThrow(/only be used inside the process callback/);
    let done = false;
    client.setProcessCallback(() => {
      done = true;
    });
    await waitFor(() => done, 5000, 'a call');
    for (const use of outside) expect(use).toThrow(JackError);
  });
});

describe('MIDI in the JS process callback', () => {
  async function midiClient(): Promise<{
    client: Client;
    input: OwnMidiPort;
    output: OwnMidiPort;
    sender: { short: string; full: string };
    hearer: { short: string; full: string };
  }> {
    const client = open();
    const input = client.midiInports.register('min');
    const output = client.midiOutports.register('mout');
    client.activate();
    const sender = await peerPort(src, 'midi_out', 'mo');
    const hearer = await peerPort(sink, 'midi_in', 'mi');
    await seen(client, sender.full, hearer.full);
    client.connect(sender.full, input);
    client.connect(output, hearer.full);
    await sink.run(`listen('${hearer.short}')`);
    return { client, input, output, sender, hearer };
  }

  it('echoes incoming events one period later, byte- and frame-exact', async () => {
    const { client, input, output, sender, hearer } = await midiClient();
    let lost = 0;
    client.setProcessCallback(() => {
      for (const [time, data] of input.incomingMidiEvents()) output.writeMidiEvent(time, data);
      lost += input.lostMidiEvents;
    });
    await sleep(100);
    const pattern = Array.from({ length: 100 }, (_, c) => [
      [0, `90${(c % 100).toString(16).padStart(2, '0')}40`],
      [64, 'f8'],
      [128, `f0430${c % 10}0102030405f7`],
      [255, `80${(c % 100).toString(16).padStart(2, '0')}00`],
    ]);
    const { value, clean } = await src.untilClean(async () => {
      await sink.run(`heard('${hearer.short}')`);
      await src.run(`send_midi('${sender.short}', ${JSON.stringify(pattern)})`);
      const sent = await src.run<Array<[number, string]>>(
        `result = midi_sent_log('${sender.short}')`,
      );
      await sleep(300);
      const heard = await sink.run<Array<[number, string]>>(`result = heard('${hearer.short}')`);
      return { sent, heard };
    });
    const { sent, heard } = value;
    const expected = new Map(sent.map(([time, data]) => [time + PERIOD, data]));
    // Every event heard is one src sent, a period later; only late cycles miss
    // theirs (an xrun can displace a cycle anywhere in the graph).
    const wrong = heard.filter(([time, data]) => expected.get(time) !== data);
    if (clean) expect(wrong).toEqual([]);
    expect(heard.length - wrong.length).toBeGreaterThan(sent.length / 2);
    if (clean) expect(new Set(heard.map(([time]) => time)).size).toBe(heard.length);
    expect(lost).toBe(0);
  }, 30000);

  it('writes, reserves and clears output events with the Python `jack` module’s rules', async () => {
    const { client, input, output, hearer } = await midiClient();
    const outcome: Record<string, unknown> = {};
    let cycleTime = -1;
    let call = 0;
    const kindOf = (fn: () => unknown) => {
      try {
        fn();
        return 'no error';
      } catch (error) {
        return error instanceof JackError ? error.kind : String(error);
      }
    };
    client.setProcessCallback((frames) => {
      if (++call !== 5) return;
      cycleTime = client.lastFrameTime;
      const empty = output.maxEventSize;
      output.writeMidiEvent(3, [0x90, 60, 1]);
      output.clearBuffer();
      outcome.clearedRoom = output.maxEventSize === empty;
      output.writeMidiEvent(10, new Uint8Array([0x90, 60, 100]));
      outcome.smaller = output.maxEventSize < empty;
      outcome.outOfOrder = kindOf(() => output.writeMidiEvent(5, [0x90, 61, 100]));
      outcome.pastPeriod = kindOf(() => output.writeMidiEvent(frames, [0x90, 61, 100]));
      outcome.tooLarge = kindOf(() =>
        output.writeMidiEvent(20, new Uint8Array(output.maxEventSize + 1)),
      );
      outcome.emptyEvent = kindOf(() => output.writeMidiEvent(20, []));
      outcome.reserveOutOfOrder = output.reserveMidiEvent(5, 3).length;
      outcome.reserveTooLarge = output.reserveMidiEvent(20, output.maxEventSize + 1).length;
      const reserved = output.reserveMidiEvent(30, 3);
      outcome.reserved = reserved.length;
      reserved.set([0x80, 60, 0]);
      const sysex = [0xf0, ...Array.from({ length: 300 }, (_, i) => i % 128), 0xf7];
      output.writeMidiEvent(30, sysex);
      outcome.sysex = Buffer.from(sysex).toString('hex');
      outcome.notOutput = kindOf(() => input.writeMidiEvent(0, [0xf8]));
    });
    // A cycle is clean without a server xrun and with the callback in time:
    // a late callback's output is replaced by silence (see lateCycles).
    let heard: Array<[number, string]> = [];
    let clean = false;
    for (let attempt = 1; attempt <= 6 && !clean; attempt++) {
      const late = client.lateCycles;
      const attempted = await src.untilClean(async () => {
        await sink.run(`heard('${hearer.short}')`);
        call = 0;
        cycleTime = -1;
        await waitFor(() => cycleTime >= 0, 5000, 'the fifth call');
        await sleep(200);
        return sink.run<Array<[number, string]>>(`result = heard('${hearer.short}')`);
      }, 1);
      heard = attempted.value;
      clean = attempted.clean && client.lateCycles === late;
    }
    expect(outcome).toMatchObject({
      clearedRoom: true,
      smaller: true,
      outOfOrder: 'bad-midi-event',
      pastPeriod: 'bad-midi-event',
      tooLarge: 'bad-midi-event',
      emptyEvent: 'bad-midi-event',
      reserveOutOfOrder: 0,
      reserveTooLarge: 0,
      reserved: 3,
      notOutput: 'wrong-direction',
    });
    // The cycle after the callback's cycle plays what it wrote (an xrun can
    // drop or repeat a cycle: then only what was written may arrive).
    const expected = [
      [cycleTime + PERIOD + 10, '903c64'],
      [cycleTime + PERIOD + 30, '803c00'],
      [cycleTime + PERIOD + 30, outcome.sysex],
    ];
    if (clean) expect(heard).toEqual(expected);
    else {
      const written = expected.map(([, data]) => data);
      expect(heard.every(([, data]) => written.includes(data))).toBe(true);
    }
  });

  unlessPipeWire(it, 'midiMixdownOverflow')(
    'reports events lost in JACK’s mixdown of two connections as lostMidiEvents',
    async () => {
      const { client, input, sender } = await midiClient();
      const second = await peerPort(src, 'midi_out', 'mo');
      client.connect(second.full, input);
      let most = 0;
      let lost = 0;
      client.setProcessCallback(() => {
        let count = 0;
        for (const _ of input.incomingMidiEvents()) count++;
        if (count + input.lostMidiEvents > most) {
          most = count + input.lostMidiEvents;
          lost = input.lostMidiEvents;
        }
      });
      await sleep(100);
      // 1500 three-byte events fit one JACK MIDI buffer (32 KiB, 12 bytes per
      // event); two such streams mixed into one input do not.
      // The callback runs only the newest cycle JS can reach, so send a few
      // bursts some cycles apart, again until one was handed over.
      const events = Array.from({ length: 1500 }, (_, i) => [Math.floor(i / 6), '903c40']);
      const burst = Array.from({ length: 40 }, (_, c) => (c % 8 === 0 ? events : []));
      for (let round = 0; round < 5 && most < 3000; round++) {
        await src.run(
          `send_midi_together({'${sender.short}': ${JSON.stringify(burst)}, '${second.short}': ${JSON.stringify(burst)}})`,
        );
        await src.run(`midi_sent_log('${sender.short}'); midi_sent_log('${second.short}')`);
        await sleep(200);
      }
      // (JACK2 counts the event that did not fit twice: most may be 3001.)
      expect(most).toBeGreaterThanOrEqual(3000);
      expect(lost).toBeGreaterThan(0);
      expect(lost).toBeLessThan(1500);
    },
  );
});
