// Records JACK ports into a WAV file until stopped. (After JACK's
// capture_client.c / jack_rec; the Python module has no recorder.)
//
// The engine's capture stream (client.addCapture) copies every period of the
// inputs into a ring buffer inside JACK's process thread; JavaScript empties
// the ring into the file 20 times a second. A slow disk or a busy JavaScript
// thread costs nothing until the ring (4 s by default) is full.
//
//   pnpm --filter @jackbay/jack-native example recorder out.wav system:capture_1 system:capture_2
import { Client, RingBuffer } from '../lib/index.js';
import { commandLine, exitWithError, untilStopped } from './common.js';
import { type WavFormat, WavWriter } from './wav.js';

const { values, positionals, seconds, clientOptions, fail } = commandLine(
  `usage: recorder [options] FILE.wav [PORT …] [--seconds N]

Records one channel per PORT (an output port of any client) into FILE.wav
until Ctrl+C, or for N seconds. Without ports it records --channels inputs
connected to the physical capture ports.

  --channels N        channels when no PORT is given (default: 2)
  --format F          float32 (default) or pcm16
  --client-name NAME  JACK client name (default: recorder)
  --buffer SECONDS    ring buffer between JACK and the file (default: 4)`,
  {
    channels: { type: 'string', default: '2' },
    format: { type: 'string', default: 'float32' },
    'client-name': { type: 'string', default: 'recorder' },
    buffer: { type: 'string', default: '4' },
  },
  true,
);
const [filename, ...sources] = positionals;
if (filename === undefined) fail('no file given');
const format = values.format as WavFormat;
if (format !== 'float32' && format !== 'pcm16') fail('--format must be float32 or pcm16');
const channels = sources.length > 0 ? sources.length : Number(values.channels);
if (!Number.isInteger(channels) || channels < 1 || channels > 64)
  fail('--channels must be from 1 to 64');
const bufferSeconds = Number(values.buffer);
if (!(bufferSeconds >= 0.1 && bufferSeconds <= 60)) fail('--buffer must be from 0.1 to 60 seconds');

let client: Client;
let wav: WavWriter;
try {
  client = new Client(String(values['client-name']), clientOptions);
  wav = new WavWriter(String(filename), format, channels, client.samplerate);
} catch (error) {
  exitWithError(error);
}
client.setShutdownCallback((_status, reason) => {
  console.error('JACK shutdown:', reason);
  wav.close();
  process.exit(1);
});

const inputs = Array.from({ length: channels }, (_, ch) => client.inports.register(`in_${ch + 1}`));
const frameBytes = channels * 4;
const ring = new RingBuffer(Math.ceil(bufferSeconds * client.samplerate) * frameBytes);
const stream = client.addCapture(inputs, ring);

function save(): void {
  const bytes = ring.read(Math.floor(ring.readSpace / frameBytes) * frameBytes);
  if (bytes.length > 0)
    wav.write(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4));
}

try {
  client.activate();
  const targets =
    sources.length > 0
      ? sources
      : client.getPorts('', { isPhysical: true, isOutput: true, isAudio: true });
  inputs.forEach((input, i) => {
    const source = targets[i];
    if (source) client.connect(source, input);
  });
} catch (error) {
  exitWithError(error);
}

let overruns = 0;
const timer = setInterval(() => {
  save();
  if (stream.xruns > overruns) {
    console.error(
      `${stream.xruns - overruns} periods lost: the ring was full (increase --buffer?)`,
    );
    overruns = stream.xruns;
  }
}, 50);

console.log(
  `Recording ${inputs.map((input) => input.name).join(', ')} into '${filename}' … press Ctrl+C to stop`,
);
const reason = await untilStopped(seconds);
clearInterval(timer);
// Stop the process thread first, then take what is left in the ring.
client.deactivate();
save();
wav.close();
console.log(
  `${reason}: ${wav.frames} frames (${(wav.frames / client.samplerate).toFixed(2)} s) written to '${filename}', ` +
    `${stream.xruns} periods lost`,
);
client.close();
