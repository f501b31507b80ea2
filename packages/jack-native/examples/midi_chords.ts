// Turns single notes into minor triads: every MIDI event is passed through,
// and each note-on and note-off gets two more notes, a minor third and a
// fifth above. (Like the Python module's midi_chords.py.)
//
// It runs in the JavaScript process callback, which is asynchronous: the
// chords come out one period after the notes went in.
//
//   pnpm --filter @jackbay/jack-native example midi_chords
// then connect a keyboard to MIDI-Chord-Generator:input and :output to a synth.
import { Client } from '../lib/index.js';
import { commandLine, exitWithError, untilStopped } from './common.js';

const { positionals, seconds, clientOptions, fail } = commandLine(
  `usage: midi_chords [--seconds N]

Passes MIDI from MIDI-Chord-Generator:input to :output, adding a minor third
and a fifth to every note.`,
  {},
  true,
);
if (positionals.length > 0) fail(`unexpected argument '${positionals[0]}'`);

const NOTE_ON = 0x9;
const NOTE_OFF = 0x8;
const INTERVALS = [3, 7]; // minor triad

let client: Client;
try {
  client = new Client('MIDI-Chord-Generator', clientOptions);
} catch (error) {
  exitWithError(error);
}
const input = client.midiInports.register('input');
const output = client.midiOutports.register('output');

client.setProcessCallback(() => {
  output.clearBuffer();
  for (const [offset, data] of input.incomingMidiEvents()) {
    output.writeMidiEvent(offset, data);
    if (data.length !== 3) continue;
    const [status = 0, pitch = 0, velocity = 0] = data;
    if (status >> 4 !== NOTE_ON && status >> 4 !== NOTE_OFF) continue;
    for (const interval of INTERVALS) {
      // Notes above 127 do not exist: the top of a chord is left out there.
      if (pitch + interval <= 127)
        output.writeMidiEvent(offset, [status, pitch + interval, velocity]);
    }
  }
});

client.setShutdownCallback((_status, reason) => {
  console.log('JACK shutdown:', reason);
  process.exit(1);
});

client.activate();
console.log('#'.repeat(80));
console.log('press Ctrl+C to quit');
console.log('#'.repeat(80));
const reason = await untilStopped(seconds);
console.log(`${reason}: closing JACK (${client.lateCycles} late cycles)`);
client.deactivate();
client.close();
