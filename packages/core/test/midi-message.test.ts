// What the MIDI send tool accepts as one short message.
import { describe, expect, it } from 'vitest';
import { dataBytesOf, shortMessageProblem } from '../src/midi-message.js';

describe('short MIDI messages', () => {
  it('knows how many data bytes each status takes', () => {
    expect([0x80, 0x90, 0xa0, 0xb0, 0xe0].map(dataBytesOf)).toEqual([2, 2, 2, 2, 2]);
    expect([0xc5, 0xdf, 0xf1, 0xf3].map(dataBytesOf)).toEqual([1, 1, 1, 1]);
    expect(dataBytesOf(0xf2)).toBe(2);
    expect([0xf6, 0xf8, 0xfa, 0xfb, 0xfc, 0xfe, 0xff].map(dataBytesOf)).toEqual([
      0, 0, 0, 0, 0, 0, 0,
    ]);
    expect([0x7f, 0xf0, 0xf7, 0xf4, 0xf5, 0xf9, 0xfd, 0x100].map(dataBytesOf)).toEqual(
      new Array(8).fill(null),
    );
  });

  it('accepts well-formed messages and says what is wrong with the others', () => {
    for (const ok of [[0x90, 60, 100], [0xb3, 7, 0], [0xcf, 127], [0xf8], [0xf2, 0, 127]])
      expect(shortMessageProblem(ok)).toBeNull();
    expect(shortMessageProblem([])).toMatch(/status byte/);
    expect(shortMessageProblem([60, 100])).toMatch(/not a status byte/);
    expect(shortMessageProblem([0x90, 60])).toMatch(/takes 2 data bytes, not 1/);
    expect(shortMessageProblem([0xc0, 1, 2])).toMatch(/takes 1 data byte, not 2/);
    expect(shortMessageProblem([0x90, 128, 1])).toMatch(/data byte 128/);
    expect(shortMessageProblem([0xf0, 1, 0xf7])).toMatch(/sysex/);
    expect(shortMessageProblem([0x90, 1.5, 1])).toMatch(/data byte 1.5/);
  });
});
