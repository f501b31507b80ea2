// The Standard MIDI File reader of the midi_file_player example, on files
// written byte by byte here after the SMF 1.0 specification.
import { describe, expect, it } from 'vitest';
import { parseSmf, SmfError, schedule } from '../examples/smf.js';

/** A variable-length quantity. */
function vlq(value: number): number[] {
  const bytes = [value & 0x7f];
  for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128))
    bytes.unshift((rest & 0x7f) | 0x80);
  return bytes;
}

const u32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const u16 = (n: number) => [(n >>> 8) & 0xff, n & 0xff];
const text = (s: string) => [...s].map((c) => c.charCodeAt(0));
const chunk = (id: string, body: number[]) => [...text(id), ...u32(body.length), ...body];
const header = (format: number, tracks: number, division: number) =>
  chunk('MThd', [...u16(format), ...u16(tracks), ...u16(division)]);
const END = [0x00, 0xff, 0x2f, 0x00];
const tempo = (delta: number, usPerQuarter: number) => [
  ...vlq(delta),
  0xff,
  0x51,
  0x03,
  (usPerQuarter >> 16) & 0xff,
  (usPerQuarter >> 8) & 0xff,
  usPerQuarter & 0xff,
];
const smf = (...parts: number[][]) => new Uint8Array(parts.flat());
const bytesOf = (messages: ReturnType<typeof schedule>) => messages.map((m) => [...m.data]);

describe('parseSmf and schedule', () => {
  it('reads format 0 with running status and a tempo change in the middle', () => {
    const file = smf(
      header(0, 1, 480),
      chunk('MTrk', [
        ...[0x00, 0x90, 60, 100], // note on, 120 BPM by default
        ...[...vlq(480), 62, 90], // running status: a note on, one beat later (0.5 s)
        ...tempo(0, 1_000_000), // now 60 BPM: a beat lasts 1 s
        ...[...vlq(240), 0x80, 60, 0], // half a beat later: +0.5 s
        ...[...vlq(960), 62, 0], // running status again (note off), two beats: +2 s
        ...[0x00, 0xc5, 7], // program change: one data byte
        ...[...vlq(200), 9], // running status with one data byte
        ...END,
        ...[0x90, 1, 2], // after the end of track: ignored
      ]),
    );
    const parsed = parseSmf(file);
    expect(parsed.format).toBe(0);
    expect(parsed.division).toEqual({ kind: 'metrical', ticksPerQuarter: 480 });
    expect(parsed.tracks).toHaveLength(1);
    expect(parsed.tracks[0]?.map((e) => e.tick)).toEqual([
      0, 480, 480, 720, 1680, 1680, 1880, 1880,
    ]);

    const messages = schedule(parsed);
    expect(bytesOf(messages)).toEqual([
      [0x90, 60, 100],
      [0x90, 62, 90],
      [0x80, 60, 0],
      [0x80, 62, 0],
      [0xc5, 7],
      [0xc5, 9],
    ]);
    const times = messages.map((m) => m.time);
    expect(times[0]).toBe(0);
    expect(times[1]).toBeCloseTo(0.5, 12);
    expect(times[2]).toBeCloseTo(1.0, 12);
    expect(times[3]).toBeCloseTo(3.0, 12);
    expect(times[4]).toBeCloseTo(3.0, 12);
    expect(times[5]).toBeCloseTo(3 + 200 / 480, 12);
  });

  it('merges the tracks of format 1 with the tempo map of track 0, in track order at equal ticks', () => {
    const file = smf(
      header(1, 3, 96),
      chunk('MTrk', [...tempo(0, 250_000), ...tempo(192, 750_000), ...END]), // 240 BPM, then 80 BPM
      chunk('MTrk', [0x00, 0x91, 64, 1, ...vlq(192), 0x81, 64, 0, ...vlq(96), 0x91, 65, 1, ...END]),
      chunk('XFIH', [1, 2, 3]), // an unknown chunk, to be skipped
      chunk('MTrk', [...vlq(192), 0x92, 70, 2, ...vlq(96), 0x82, 70, 0, ...END]),
    );
    const messages = schedule(parseSmf(file));
    expect(messages.map((m) => [m.track, ...m.data])).toEqual([
      [1, 0x91, 64, 1],
      [1, 0x81, 64, 0], // tick 192 in track 1 …
      [2, 0x92, 70, 2], // … comes before tick 192 in track 2
      [1, 0x91, 65, 1],
      [2, 0x82, 70, 0],
    ]);
    // 192 ticks at 240 BPM = 0.5 s; then 96 ticks at 80 BPM = 0.75 s.
    expect(messages.map((m) => m.time)).toEqual([0, 0.5, 0.5, 1.25, 1.25]);
  });

  it('reads sysex: whole, split into F0/F7 packets, and F7 escapes', () => {
    const file = smf(
      header(0, 1, 96),
      chunk('MTrk', [
        ...[0x00, 0xf0, 0x04, 0x7e, 0x7f, 0x09, 0xf7], // whole: F0 7E 7F 09 F7
        ...[0x10, 0xf0, 0x02, 0x43, 0x12], // first packet, unterminated
        ...[0x10, 0xf7, 0x03, 0x00, 0x01, 0xf7], // continuation that ends it
        ...[0x10, 0xf7, 0x02, 0xf3, 0x05], // escape: a song select sent as is
        ...[0x00, 0x90, 60, 1],
        ...END,
      ]),
    );
    const messages = schedule(parseSmf(file));
    expect(bytesOf(messages)).toEqual([
      [0xf0, 0x7e, 0x7f, 0x09, 0xf7],
      [0xf0, 0x43, 0x12, 0x00, 0x01, 0xf7],
      [0xf3, 0x05],
      [0x90, 60, 1],
    ]);
    // The split message plays when its first packet is due.
    const expected = [0, 16 / 192, 48 / 192, 48 / 192];
    for (const [i, m] of messages.entries()) expect(m.time).toBeCloseTo(expected[i] as number, 12);
  });

  it('uses SMPTE time division without a tempo map', () => {
    // -25 frames per second, 40 ticks per frame: a millisecond per tick; tempo is ignored.
    const file = smf(
      header(0, 1, 0xe728),
      chunk('MTrk', [
        ...tempo(0, 1_000_000),
        ...vlq(250),
        0x90,
        1,
        1,
        ...vlq(750),
        0x80,
        1,
        0,
        ...END,
      ]),
    );
    const parsed = parseSmf(file);
    expect(parsed.division).toEqual({ kind: 'smpte', framesPerSecond: 25, ticksPerFrame: 40 });
    expect(schedule(parsed).map((m) => m.time)).toEqual([0.25, 1]);
    // -29 means 29.97 (drop frame).
    const drop = parseSmf(smf(header(0, 1, 0xe364), chunk('MTrk', END)));
    expect(drop.division).toEqual({
      kind: 'smpte',
      framesPerSecond: 30000 / 1001,
      ticksPerFrame: 100,
    });
  });

  it('reads 4-byte delta times', () => {
    const far = 0x0fffffff; // the largest a variable-length quantity holds
    const messages = schedule(
      parseSmf(smf(header(0, 1, 1000), chunk('MTrk', [...vlq(far), 0x90, 1, 1, ...END]))),
    );
    expect(vlq(far)).toHaveLength(4);
    expect(messages[0]?.time).toBeCloseTo((far / 1000) * 0.5, 6);
  });

  it('rejects what it cannot read with SmfError and the place', () => {
    const bad = (bytes: Uint8Array, message: RegExp) => {
      expect(() => parseSmf(bytes)).toThrow(SmfError);
      expect(() => parseSmf(bytes)).toThrow(message);
    };
    bad(new Uint8Array(text('RIFF....WAVEfmt ')), /not a MIDI file/);
    bad(smf(header(2, 1, 96), chunk('MTrk', END)), /format 2/);
    bad(smf(header(7, 1, 96), chunk('MTrk', END)), /unknown MIDI file format 7/);
    bad(smf(header(0, 1, 0)), /division of 0/);
    bad(smf(header(0, 2, 96), chunk('MTrk', END)), /announces 2 tracks, the file holds 1/);
    // A chunk longer than the file.
    bad(
      smf(header(0, 1, 96), [...text('MTrk'), ...u32(100), ...END]),
      /track 0: chunk of 100 bytes/,
    );
    // Meta events cancel running status: a data byte after one has no status.
    bad(
      smf(
        header(0, 1, 96),
        chunk('MTrk', [0x00, 0x90, 60, 1, ...tempo(0, 500_000), 0x00, 61, 1, ...END]),
      ),
      /track 0, byte \d+: data byte 0x3d without a status/,
    );
    bad(smf(header(0, 1, 96), chunk('MTrk', [0x00, 0x3c, 1, ...END])), /without a status/);
    bad(
      smf(header(0, 1, 96), chunk('MTrk', [0x80, 0x80, 0x80, 0x80, 0x00])),
      /longer than 4 bytes/,
    );
    bad(smf(header(0, 1, 96), chunk('MTrk', [0x00, 0x90, 60])), /unexpected end of data/);
    bad(
      smf(header(0, 1, 96), chunk('MTrk', [0x00, 0x90, 60, 0x90, ...END])),
      /status byte 0x90 inside/,
    );
    bad(smf(header(0, 1, 96), chunk('MTrk', [0x00, 0xf8, ...END])), /status 0xf8 is not allowed/);
    bad(smf(header(0, 1, 96), chunk('MTrk', [0x00, 0xff, 0x01, 0x10, 0x41])), /16 bytes announced/);
  });
});
