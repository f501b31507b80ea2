// Turns the bytes of one MIDI message into what a person reads in the MIDI
// monitor: its kind, its channel (1–16, or null for system messages) and its
// decoded data. Pure and allocation-light: it runs for every visible row and
// for every exported event.

export type MidiKind =
  | 'note-on'
  | 'note-off'
  | 'poly-aftertouch'
  | 'control-change'
  | 'program-change'
  | 'channel-aftertouch'
  | 'pitch-bend'
  | 'sysex'
  | 'mtc-quarter-frame'
  | 'song-position'
  | 'song-select'
  | 'tune-request'
  | 'clock'
  | 'start'
  | 'continue'
  | 'stop'
  | 'active-sensing'
  | 'reset'
  | 'unknown';

/** Every kind, in the order the filters list them. */
export const MIDI_KINDS: readonly MidiKind[] = [
  'note-on',
  'note-off',
  'poly-aftertouch',
  'control-change',
  'program-change',
  'channel-aftertouch',
  'pitch-bend',
  'sysex',
  'mtc-quarter-frame',
  'song-position',
  'song-select',
  'tune-request',
  'clock',
  'start',
  'continue',
  'stop',
  'active-sensing',
  'reset',
  'unknown',
];

export const KIND_LABELS: Record<MidiKind, string> = {
  'note-on': 'Note on',
  'note-off': 'Note off',
  'poly-aftertouch': 'Poly aftertouch',
  'control-change': 'Control change',
  'program-change': 'Program change',
  'channel-aftertouch': 'Channel aftertouch',
  'pitch-bend': 'Pitch bend',
  sysex: 'SysEx',
  'mtc-quarter-frame': 'MTC quarter frame',
  'song-position': 'Song position',
  'song-select': 'Song select',
  'tune-request': 'Tune request',
  clock: 'Clock',
  start: 'Start',
  continue: 'Continue',
  stop: 'Stop',
  'active-sensing': 'Active sensing',
  reset: 'Reset',
  unknown: 'Unknown',
};

const NOTE_NAMES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/** A note number as a name, middle C (60) being C4. */
export function noteName(note: number): string {
  return `${NOTE_NAMES[note % 12]}${Math.floor(note / 12) - 1}`;
}

// The MIDI 1.0 controller names (MMA's table of control change messages).
const CONTROLLERS: Record<number, string> = {
  0: 'Bank Select',
  1: 'Modulation',
  2: 'Breath Controller',
  4: 'Foot Controller',
  5: 'Portamento Time',
  6: 'Data Entry',
  7: 'Volume',
  8: 'Balance',
  10: 'Pan',
  11: 'Expression',
  12: 'Effect Control 1',
  13: 'Effect Control 2',
  16: 'General Purpose 1',
  17: 'General Purpose 2',
  18: 'General Purpose 3',
  19: 'General Purpose 4',
  32: 'Bank Select LSB',
  33: 'Modulation LSB',
  34: 'Breath Controller LSB',
  36: 'Foot Controller LSB',
  37: 'Portamento Time LSB',
  38: 'Data Entry LSB',
  39: 'Volume LSB',
  40: 'Balance LSB',
  42: 'Pan LSB',
  43: 'Expression LSB',
  44: 'Effect Control 1 LSB',
  45: 'Effect Control 2 LSB',
  48: 'General Purpose 1 LSB',
  49: 'General Purpose 2 LSB',
  50: 'General Purpose 3 LSB',
  51: 'General Purpose 4 LSB',
  64: 'Sustain',
  65: 'Portamento',
  66: 'Sostenuto',
  67: 'Soft Pedal',
  68: 'Legato Footswitch',
  69: 'Hold 2',
  70: 'Sound Variation',
  71: 'Timbre/Harmonic Intensity',
  72: 'Release Time',
  73: 'Attack Time',
  74: 'Brightness',
  75: 'Decay Time',
  76: 'Vibrato Rate',
  77: 'Vibrato Depth',
  78: 'Vibrato Delay',
  79: 'Sound Controller 10',
  80: 'General Purpose 5',
  81: 'General Purpose 6',
  82: 'General Purpose 7',
  83: 'General Purpose 8',
  84: 'Portamento Control',
  88: 'High Resolution Velocity Prefix',
  91: 'Reverb Send',
  92: 'Tremolo Depth',
  93: 'Chorus Send',
  94: 'Celeste Depth',
  95: 'Phaser Depth',
  96: 'Data Increment',
  97: 'Data Decrement',
  98: 'NRPN LSB',
  99: 'NRPN MSB',
  100: 'RPN LSB',
  101: 'RPN MSB',
  120: 'All Sound Off',
  121: 'Reset All Controllers',
  122: 'Local Control',
  123: 'All Notes Off',
  124: 'Omni Mode Off',
  125: 'Omni Mode On',
  126: 'Mono Mode On',
  127: 'Poly Mode On',
};

/** A controller number's standard name ('Undefined' for the unassigned ones). */
export function controllerName(controller: number): string {
  return CONTROLLERS[controller] ?? 'Undefined';
}

const MTC_PIECES = [
  'frames low',
  'frames high',
  'seconds low',
  'seconds high',
  'minutes low',
  'minutes high',
  'hours low',
  'hours high / rate',
];

export interface DecodedMidi {
  kind: MidiKind;
  /** 1–16 for channel messages, null for system messages. */
  channel: number | null;
  /** The decoded data, e.g. 'C4 velocity 100' or 'CC 7 (Volume) = 90'. */
  text: string;
}

export function hexBytes(data: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < data.length; i++) {
    if (i > 0) out += ' ';
    out += ((data[i] as number) & 0xff).toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function systemKind(status: number): MidiKind {
  switch (status) {
    case 0xf0:
      return 'sysex';
    case 0xf1:
      return 'mtc-quarter-frame';
    case 0xf2:
      return 'song-position';
    case 0xf3:
      return 'song-select';
    case 0xf6:
      return 'tune-request';
    case 0xf8:
      return 'clock';
    case 0xfa:
      return 'start';
    case 0xfb:
      return 'continue';
    case 0xfc:
      return 'stop';
    case 0xfe:
      return 'active-sensing';
    case 0xff:
      return 'reset';
    default:
      return 'unknown';
  }
}

/** The kind of a message from its first byte alone (what the filters need). */
export function midiKind(status: number, second = 0, length = 3): MidiKind {
  if (status < 0x80) return 'unknown';
  if (status >= 0xf0) return systemKind(status);
  switch (status & 0xf0) {
    case 0x80:
      return 'note-off';
    case 0x90:
      // A note on with velocity 0 is a note off (MIDI 1.0, running status).
      return length >= 3 && second === 0 ? 'note-off' : 'note-on';
    case 0xa0:
      return 'poly-aftertouch';
    case 0xb0:
      return 'control-change';
    case 0xc0:
      return 'program-change';
    case 0xd0:
      return 'channel-aftertouch';
    default:
      return 'pitch-bend';
  }
}

export function decodeMidi(data: ArrayLike<number>): DecodedMidi {
  const status = data.length > 0 ? (data[0] as number) : 0;
  const d1 = data.length > 1 ? (data[1] as number) : 0;
  const d2 = data.length > 2 ? (data[2] as number) : 0;
  const kind = midiKind(status, d2, data.length);
  const channel = status >= 0x80 && status < 0xf0 ? (status & 0x0f) + 1 : null;
  let text = '';
  switch (kind) {
    case 'note-on':
    case 'note-off':
      text = `${noteName(d1)} (${d1}) velocity ${d2}`;
      break;
    case 'poly-aftertouch':
      text = `${noteName(d1)} (${d1}) pressure ${d2}`;
      break;
    case 'control-change':
      text = `CC ${d1} (${controllerName(d1)}) = ${d2}`;
      break;
    case 'program-change':
      text = `program ${d1}`;
      break;
    case 'channel-aftertouch':
      text = `pressure ${d1}`;
      break;
    case 'pitch-bend':
      text = `bend ${((d2 << 7) | d1) - 8192}`;
      break;
    case 'sysex':
      text = `${data.length} bytes: ${hexBytes(data)}`;
      break;
    case 'mtc-quarter-frame':
      text = `${MTC_PIECES[(d1 >> 4) & 7]} = ${d1 & 0x0f}`;
      break;
    case 'song-position':
      text = `beat ${(d2 << 7) | d1} (16ths)`;
      break;
    case 'song-select':
      text = `song ${d1}`;
      break;
    case 'unknown':
      text = hexBytes(data);
      break;
    default:
      text = '';
  }
  return { kind, channel, text };
}
