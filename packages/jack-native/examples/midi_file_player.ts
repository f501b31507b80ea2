// Plays a Standard MIDI File (format 0 or 1) on a MIDI output port.
// (Like the Python module's midi_file_player.py, which uses the "mido"
// package; the file is read by ./smf.ts here.)
//
// Every message gets a frame position from the file's tempo map; the
// JavaScript process callback writes those that fall into each period. It
// is asynchronous, so everything plays one period later, evenly.
//
//   pnpm --filter @jackbay/jack-native example midi_file_player FILE.mid [PORT]
import { readFileSync } from 'node:fs';
import { CallbackExit, Client } from '../lib/index.js';
import { commandLine, exitWithError, untilStopped } from './common.js';
import { parseSmf, schedule } from './smf.js';

const { positionals, seconds, clientOptions, fail } = commandLine(
  `usage: midi_file_player FILE.mid [PORT] [--seconds N]

Plays FILE.mid on MIDI-File-Player:output and exits at its end (or after N
seconds, or on Ctrl+C). PORT: a MIDI input port to connect to first.`,
  {},
  true,
);
const [filename, connectTo, ...extra] = positionals;
if (filename === undefined) fail('Please specify a MIDI file');
if (extra.length > 0) fail(`unexpected argument '${extra[0]}'`);

let messages: ReturnType<typeof schedule>;
try {
  messages = schedule(parseSmf(readFileSync(String(filename))));
} catch (error) {
  exitWithError(error);
}

let client: Client;
try {
  client = new Client('MIDI-File-Player', clientOptions);
} catch (error) {
  exitWithError(error);
}
const output = client.midiOutports.register('output');
const rate = client.samplerate;
// Each message's frame, counted from the first period.
const timeline = messages.map(({ time, data }) => ({ frame: Math.round(time * rate), data }));

let finish: (reason: string) => void = () => {};
const finished = new Promise<string>((resolve) => {
  finish = resolve;
});
let next = 0; // the next message to write
let start: number | undefined; // frame time of the first period
let lastWritten = false;
let skipped = 0;

function play(periodFrames: number): void {
  output.clearBuffer();
  if (lastWritten) {
    // The period with the last messages has been played by now (the engine
    // plays a period's output before it hands over the next one).
    finish('end of file');
    throw new CallbackExit();
  }
  const now = client.lastFrameTime;
  start ??= now;
  // Frame times are 32-bit and wrap around.
  const position = (now - start) >>> 0;
  let written = 0;
  for (;;) {
    const message = timeline[next];
    if (message === undefined) break;
    // Messages that missed their period (the callback was late) go out first thing.
    const offset = Math.max(0, message.frame - position);
    if (offset >= periodFrames) break;
    if (message.data.length > output.maxEventSize) {
      if (written > 0) break; // it may fit into the next period's empty buffer
      skipped++; // larger than a whole period's MIDI buffer
    } else {
      output.writeMidiEvent(offset, message.data);
      written++;
    }
    next++;
  }
  lastWritten = next >= timeline.length;
}

client.setShutdownCallback((_status, reason) => {
  console.error('JACK shutdown:', reason);
  process.exit(1);
});

try {
  client.activate();
  if (connectTo !== undefined) client.connect(output, connectTo);
} catch (error) {
  exitWithError(error);
}
// Only now, with the output connected, does the first message go out.
client.setProcessCallback(play);

const duration = messages.length > 0 ? (messages[messages.length - 1]?.time ?? 0) : 0;
console.log(
  `Playing '${filename}' (${messages.length} messages, ${duration.toFixed(2)} s) … press Ctrl+C to stop`,
);
const reason = await Promise.race([untilStopped(seconds), finished]);
if (skipped > 0) console.error(`${skipped} sysex messages were too large for a period and skipped`);
console.log(
  `${reason}: ${next} of ${messages.length} messages sent, ${client.lateCycles} late cycles`,
);
client.deactivate();
client.close();
// untilStopped() keeps Node alive until a signal or its time; the file ended first.
if (reason === 'end of file') process.exit(0);
