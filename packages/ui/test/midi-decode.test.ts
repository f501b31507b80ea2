// The MIDI decoder: every message kind the monitor names, with the numbers a
// person checks by eye (middle C is C4, bend centre is 0, controller names).
import { describe, expect, it } from 'vitest';
import { controllerName, decodeMidi, hexBytes, midiKind, noteName } from '../src/midi/decode';

describe('decodeMidi', () => {
  it('names notes with middle C (60) as C4, with velocity and channel 1–16', () => {
    expect(noteName(60)).toBe('C4');
    expect(noteName(0)).toBe('C-1');
    expect(noteName(69)).toBe('A4');
    expect(noteName(127)).toBe('G9');
    expect(noteName(61)).toBe('C#4');
    expect(decodeMidi([0x90, 60, 100])).toEqual({
      kind: 'note-on',
      channel: 1,
      text: 'C4 (60) velocity 100',
    });
    expect(decodeMidi([0x8f, 69, 64])).toEqual({
      kind: 'note-off',
      channel: 16,
      text: 'A4 (69) velocity 64',
    });
  });

  it('reads a note on with velocity 0 as a note off', () => {
    expect(decodeMidi([0x93, 64, 0]).kind).toBe('note-off');
    expect(decodeMidi([0x93, 64, 0]).channel).toBe(4);
  });

  it('names controllers from the standard table', () => {
    expect(controllerName(1)).toBe('Modulation');
    expect(controllerName(7)).toBe('Volume');
    expect(controllerName(10)).toBe('Pan');
    expect(controllerName(11)).toBe('Expression');
    expect(controllerName(64)).toBe('Sustain');
    expect(controllerName(74)).toBe('Brightness');
    expect(controllerName(123)).toBe('All Notes Off');
    expect(controllerName(3)).toBe('Undefined');
    expect(decodeMidi([0xb2, 7, 90])).toEqual({
      kind: 'control-change',
      channel: 3,
      text: 'CC 7 (Volume) = 90',
    });
  });

  it('decodes program, aftertouch and pitch bend as −8192…8191', () => {
    expect(decodeMidi([0xc0, 5])).toEqual({
      kind: 'program-change',
      channel: 1,
      text: 'program 5',
    });
    expect(decodeMidi([0xd1, 33])).toEqual({
      kind: 'channel-aftertouch',
      channel: 2,
      text: 'pressure 33',
    });
    expect(decodeMidi([0xa4, 60, 20])).toEqual({
      kind: 'poly-aftertouch',
      channel: 5,
      text: 'C4 (60) pressure 20',
    });
    expect(decodeMidi([0xe0, 0, 64]).text).toBe('bend 0');
    expect(decodeMidi([0xe0, 0, 0]).text).toBe('bend -8192');
    expect(decodeMidi([0xe0, 127, 127]).text).toBe('bend 8191');
    expect(decodeMidi([0xef, 1, 64])).toMatchObject({ kind: 'pitch-bend', channel: 16 });
  });

  it('gives sysex length and bytes in hex', () => {
    expect(decodeMidi([0xf0, 0x7e, 0x7f, 0x06, 0x01, 0xf7])).toEqual({
      kind: 'sysex',
      channel: null,
      text: '6 bytes: F0 7E 7F 06 01 F7',
    });
    expect(hexBytes(new Uint8Array([0, 10, 255]))).toBe('00 0A FF');
  });

  it('names system common and realtime messages', () => {
    expect(decodeMidi([0xf8])).toEqual({ kind: 'clock', channel: null, text: '' });
    expect(midiKind(0xfa)).toBe('start');
    expect(midiKind(0xfb)).toBe('continue');
    expect(midiKind(0xfc)).toBe('stop');
    expect(midiKind(0xfe)).toBe('active-sensing');
    expect(midiKind(0xff)).toBe('reset');
    expect(midiKind(0xf6)).toBe('tune-request');
    expect(decodeMidi([0xf2, 0x10, 0x01]).text).toBe('beat 144 (16ths)');
    expect(decodeMidi([0xf3, 4]).text).toBe('song 4');
    expect(decodeMidi([0xf1, 0x00 | 5]).text).toBe('frames low = 5');
    expect(decodeMidi([0xf1, 0x70 | 3]).text).toBe('hours high / rate = 3');
    expect(decodeMidi([0xf1, 0x25])).toMatchObject({ kind: 'mtc-quarter-frame', channel: null });
  });

  it('shows bytes it cannot read as hex', () => {
    expect(decodeMidi([0x12, 0x34])).toEqual({ kind: 'unknown', channel: null, text: '12 34' });
    expect(decodeMidi([0xf4]).kind).toBe('unknown');
  });
});
