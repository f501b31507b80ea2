// Plays a WAV file (16-bit PCM or 32-bit float, any number of channels).
// (Like the Python module's play_file.py.)
//
// JavaScript reads the file a block at a time into a ring buffer; the
// engine's playback stream (client.addPlayback) takes one period from it per
// cycle in JACK's process thread. So only a few seconds are in memory, and a
// busy JavaScript thread does not interrupt the sound while the ring holds data.
//
//   pnpm --filter @jackbay/jack-native example play_file FILE.wav
import { Client, RingBuffer } from '../lib/index.js';
import { commandLine, exitWithError, untilStopped } from './common.js';
import { WavReader } from './wav.js';

const { values, positionals, seconds, clientOptions, fail } = commandLine(
  `usage: play_file [options] FILE.wav [--seconds N]

Plays a WAV file on ports out_1 … out_N (one per channel) and exits at its
end, or earlier after N seconds or on Ctrl+C.

  --client-name NAME  JACK client name (default: 'file player')
  --manual            don't connect the outputs to the physical playback ports
  --connect PORT      connect out_1, out_2, … to these ports, in order
                      (repeat the option; instead of the physical ports)
  --buffer SECONDS    how much of the file is read ahead (default: 2)`,
  {
    'client-name': { type: 'string', default: 'file player' },
    manual: { type: 'boolean' },
    connect: { type: 'string', multiple: true },
    buffer: { type: 'string', default: '2' },
  },
  true,
);
const [filename, ...extra] = positionals;
if (filename === undefined) fail('no file given');
if (extra.length > 0) fail(`unexpected argument '${extra[0]}'`);
const bufferSeconds = Number(values.buffer);
if (!(bufferSeconds >= 0.1 && bufferSeconds <= 60)) fail('--buffer must be from 0.1 to 60 seconds');

let file: WavReader;
let client: Client;
try {
  file = new WavReader(String(filename));
  client = new Client(String(values['client-name']), clientOptions);
} catch (error) {
  exitWithError(error);
}
const { channels, sampleRate, frames: fileFrames } = file.info;
if (sampleRate !== client.samplerate)
  console.error(
    `warning: the file's rate is ${sampleRate} Hz, JACK runs at ${client.samplerate} Hz: it will play at the wrong speed`,
  );

client.setXrunCallback(() => console.error("An xrun occurred, increase JACK's period size?"));
client.setShutdownCallback((_status, reason) => {
  console.error('JACK shutdown:', reason);
  process.exit(1);
});

const outputs = Array.from({ length: channels }, (_, ch) =>
  client.outports.register(`out_${ch + 1}`),
);
const frameBytes = channels * 4;
const ring = new RingBuffer(Math.ceil(bufferSeconds * client.samplerate) * frameBytes);
let fileEnded = false;

// Writes whole periods only: the engine plays a period when the ring holds
// all of it, so the file's last partial period is padded with silence.
function fill(): void {
  const period = client.blocksize;
  while (!fileEnded) {
    const room = Math.floor(ring.writeSpace / frameBytes / period) * period;
    if (room === 0) return;
    const samples = file.read(room);
    const frames = samples.length / channels;
    if (frames < room) fileEnded = true;
    const padded = Math.ceil(frames / period) * period;
    const block = new Float32Array(padded * channels);
    block.set(samples);
    ring.write(new Uint8Array(block.buffer));
  }
}

fill(); // before the first cycle plays anything
try {
  client.activate();
  if (values.connect) {
    values.connect.forEach((target, i) => {
      const output = outputs[i];
      if (!output) throw new Error(`more --connect ports than the file's ${channels} channels`);
      client.connect(output, target);
    });
  } else if (!values.manual) {
    const targets = client.getPorts('', { isPhysical: true, isInput: true, isAudio: true });
    const [first] = outputs;
    if (first && outputs.length === 1 && targets.length > 1) {
      // A mono file goes to both sides of a stereo output.
      for (const target of targets.slice(0, 2)) client.connect(first, target);
    } else {
      outputs.forEach((output, i) => {
        const target = targets[i];
        if (target) client.connect(output, target);
      });
    }
  }
} catch (error) {
  exitWithError(error);
}

// Only now, with the outputs connected, does playback start.
const stream = client.addPlayback(outputs, ring);
let underruns = 0;
let finish: (reason: string) => void = () => {};
const finished = new Promise<string>((resolve) => {
  finish = resolve;
});
const timer = setInterval(() => {
  fill();
  // Cycles without data while the file still plays are underruns; the ones
  // after its end are not.
  if (ring.readSpace > 0) {
    if (stream.xruns > underruns) console.error('Buffer ran empty: increase --buffer?');
    underruns = stream.xruns;
  } else if (fileEnded) {
    finish('end of file');
  }
}, 20);

console.log(
  `Playing '${filename}' (${channels} channel${channels === 1 ? '' : 's'}, ${sampleRate} Hz, ` +
    `${(fileFrames / sampleRate).toFixed(2)} s) … press Ctrl+C to stop`,
);
const reason = await Promise.race([untilStopped(seconds), finished]);
clearInterval(timer);
stream.remove();
file.close();
console.log(`${reason}: ${underruns} underruns; closing JACK`);
client.deactivate();
client.close();
// untilStopped() keeps Node alive until a signal or its time; the file ended first.
if (reason === 'end of file') process.exit(0);
