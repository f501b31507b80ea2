// Prints every MIDI event that arrives, with its frame time, its bytes and
// what it means. (Like the Python module's midi_monitor.py.)
//
// The Python example prints from inside the process callback; here the
// engine's MIDI monitor records each event with its absolute frame time in
// JACK's process thread, and JavaScript prints them in batches 30 times a
// second, so printing never delays audio and no event is lost.
//
//   pnpm --filter @jackbay/jack-native example midi_monitor [--port CLIENT:PORT]
import { Client } from '../lib/index.js';
import { commandLine, exitWithError, untilStopped } from './common.js';

const { values, positionals, seconds, clientOptions, fail } = commandLine(
  `usage: midi_monitor [--port CLIENT:PORT] [--seconds N]

Prints the MIDI events arriving at its port MIDI-Monitor:input: frame time,
bytes in hex, and a decoded description.

  --port PORT      watch another client's MIDI port directly instead`,
  { port: { type: 'string' } },
  true,
);
if (positionals.length > 0) fail(`unexpected argument '${positionals[0]}'`);

const NOTE_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];
const noteName = (note: number) => `${NOTE_NAMES[note % 12]}${Math.floor(note / 12) - 1}`;

const SYSTEM_MESSAGES: Record<number, string> = {
  246: 'Tune request',
  248: 'Clock',
  250: 'Start',
  251: 'Continue',
  252: 'Stop',
  254: 'Active sensing',
  255: 'Reset',
};

/** What a MIDI message means, in words. */
function describe(data: Uint8Array): string {
  const [status = 0, a = 0, b = 0] = data;
  if (status < 0x80) return 'data without status';
  if (status < 0xf0) {
    const channel = `ch ${(status & 0x0f) + 1}`;
    switch (status >> 4) {
      case 0x8:
        return `Note off          ${channel}  ${noteName(a)} (${a}) velocity ${b}`;
      case 0x9:
        return b === 0
          ? `Note off          ${channel}  ${noteName(a)} (${a}) (note on, velocity 0)`
          : `Note on           ${channel}  ${noteName(a)} (${a}) velocity ${b}`;
      case 0xa:
        return `Poly pressure     ${channel}  ${noteName(a)} (${a}) pressure ${b}`;
      case 0xb:
        return `Control change    ${channel}  controller ${a} value ${b}`;
      case 0xc:
        return `Program change    ${channel}  program ${a}`;
      case 0xd:
        return `Channel pressure  ${channel}  pressure ${a}`;
      default:
        return `Pitch bend        ${channel}  ${(a | (b << 7)) - 8192}`;
    }
  }
  if (status === 0xf0) return `SysEx             ${data.length} bytes`;
  if (status === 0xf1) return `MTC quarter frame ${a >> 4}:${a & 0x0f}`;
  if (status === 0xf2) return `Song position     ${a | (b << 7)}`;
  if (status === 0xf3) return `Song select       ${a}`;
  return SYSTEM_MESSAGES[status] ?? `Undefined 0x${status.toString(16)}`;
}

const MAX_HEX_BYTES = 32;
function hex(data: Uint8Array): string {
  const shown = Array.from(data.subarray(0, MAX_HEX_BYTES), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join(' ');
  return data.length > MAX_HEX_BYTES ? `${shown} … (${data.length} bytes)` : shown;
}

let client: Client;
let monitor: ReturnType<Client['addMidiMonitor']>;
try {
  client = new Client('MIDI-Monitor', clientOptions);
  client.setShutdownCallback((_status, reason) => {
    console.error('JACK shutdown:', reason);
    process.exit(1);
  });
  const input = values.port === undefined ? client.midiInports.register('input') : null;
  client.activate();
  // A monitor on another client's port needs an active client: the engine
  // reads it through a hidden input port connected to it.
  monitor = client.addMidiMonitor(input ?? String(values.port));
} catch (error) {
  exitWithError(error);
}

let lost = 0;
function printEvents(): void {
  let text = '';
  monitor.drain((time, data) => {
    text += `${time} ${hex(data)}  ${describe(data)}\n`;
  });
  if (text) process.stdout.write(text);
  const nowLost = monitor.lost;
  if (nowLost !== lost) {
    console.log(`(${nowLost - lost} events lost: the monitor's buffer was full)`);
    lost = nowLost;
  }
}

console.log('#'.repeat(80));
console.log(`watching ${monitor.port.name}; press Ctrl+C to quit`);
console.log('#'.repeat(80));
const timer = setInterval(printEvents, 1000 / 30);

const reason = await untilStopped(seconds);
clearInterval(timer);
printEvents();
console.log(`${reason}: ${monitor.received} events received, ${monitor.lost} lost`);
client.deactivate();
client.close();
