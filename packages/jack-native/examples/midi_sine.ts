// A very basic MIDI synthesizer: each note-on starts a sine voice at the
// note's frequency with an attack/release envelope. (Like the Python
// module's midi_sine.py, after JACK's midisine.c: any number of voices, any
// number of events per period, note-on and note-off of one pitch in one period.)
//
// The voices are computed sample by sample in the JavaScript process callback.
// That callback is asynchronous: what it writes plays one period later.
//
//   pnpm --filter @jackbay/jack-native example midi_sine
// then connect a MIDI keyboard to MIDI-Sine:midi_in and MIDI-Sine:audio_out to speakers.
import { Client } from '../lib/index.js';
import { commandLine, exitWithError, untilStopped } from './common.js';

const { positionals, seconds, clientOptions, fail } = commandLine(
  `usage: midi_sine [--seconds N]

Plays a sine for each note arriving at MIDI-Sine:midi_in on MIDI-Sine:audio_out
(MIDI channel ignored; velocity sets the level).`,
  {},
  true,
);
if (positionals.length > 0) fail(`unexpected argument '${positionals[0]}'`);

const NOTE_ON = 0x9;
const NOTE_OFF = 0x8;
const ATTACK = 0.01; // seconds
const RELEASE = 0.2; // seconds

/** MIDI note number to Hz (the MIDI Tuning Standard: A4 = note 69 = 440 Hz). */
const noteToHz = (note: number) => 2 ** ((note - 69) / 12) * 440;

class Voice {
  phase = 0; // in cycles, kept in [0, 1) so it stays precise
  weight = 0;
  #target = 0;
  #step = 0;
  readonly #increment: number;

  constructor(pitch: number, samplerate: number) {
    this.#increment = noteToHz(pitch) / samplerate;
  }

  /** A note-on (velocity > 0) ramps up in ATTACK, a note-off down in RELEASE. */
  trigger(velocity: number, samplerate: number): void {
    const duration = (velocity > 0 ? ATTACK : RELEASE) * samplerate;
    this.#target = velocity / 127;
    this.#step = (this.#target - this.weight) / duration;
  }

  /** The next sample. */
  next(): number {
    if (this.#step !== 0) {
      this.weight += this.#step;
      if (this.#step > 0 ? this.weight >= this.#target : this.weight <= this.#target) {
        this.weight = this.#target;
        this.#step = 0;
      }
    }
    if (this.weight <= 0) return 0;
    const sample = this.weight * Math.sin(2 * Math.PI * this.phase);
    this.phase += this.#increment;
    if (this.phase >= 1) this.phase -= 1;
    return sample;
  }
}

let client: Client;
try {
  client = new Client('MIDI-Sine', clientOptions);
} catch (error) {
  exitWithError(error);
}
const midiIn = client.midiInports.register('midi_in');
const audioOut = client.outports.register('audio_out');
let samplerate = client.samplerate;
const voices = new Map<number, Voice>();
// Events of the current period by frame offset, reused from period to period.
const events = new Map<number, Array<[pitch: number, velocity: number]>>();

client.setProcessCallback(() => {
  events.clear();
  for (const [offset, data] of midiIn.incomingMidiEvents()) {
    if (data.length !== 3) continue;
    const [status = 0, pitch = 0, velocity = 0] = data;
    const kind = status >> 4; // the channel is ignored
    if (kind !== NOTE_ON && kind !== NOTE_OFF) continue;
    // A note-off's velocity is ignored; a note-on with velocity 0 is a note-off.
    const list = events.get(offset) ?? [];
    list.push([pitch, kind === NOTE_ON ? velocity : 0]);
    events.set(offset, list);
  }
  const out = audioOut.getArray();
  for (let i = 0; i < out.length; i++) {
    for (const [pitch, velocity] of events.get(i) ?? []) {
      let voice = voices.get(pitch);
      if (!voice) {
        if (velocity === 0) continue;
        voice = new Voice(pitch, samplerate);
        voices.set(pitch, voice);
      }
      voice.trigger(velocity, samplerate);
    }
    let sum = 0;
    for (const voice of voices.values()) sum += voice.next();
    out[i] = sum;
  }
  for (const [pitch, voice] of voices) if (voice.weight <= 0) voices.delete(pitch);
});

client.setSamplerateCallback((rate) => {
  samplerate = rate;
  voices.clear();
});

client.setShutdownCallback((_status, reason) => {
  console.log('JACK shutdown:', reason);
  process.exit(1);
});

client.activate();
console.log('Press Ctrl+C to stop');
const reason = await untilStopped(seconds);
console.log(`${reason}: closing JACK (${client.lateCycles} late cycles)`);
client.deactivate();
client.close();
