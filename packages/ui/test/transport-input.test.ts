import { describe, expect, it } from 'vitest';
import { parseLocate } from '../src/transport/locate';
import { parseSignature, parseTempo } from '../src/transport/tempo';

const RATE = 48_000;
const FOUR_FOUR_120 = {
  bar: 1,
  beat: 1,
  tick: 0,
  beatsPerBar: 4,
  beatType: 4,
  beatsPerMinute: 120,
  ticksPerBeat: 1920,
};

describe('parseLocate', () => {
  it.each([
    ['0', 0],
    ['83.5', 83.5 * RATE],
    ['1:23.5', 83.5 * RATE],
    ['0:01:23.5', 83.5 * RATE],
    ['1:00:00', 3600 * RATE],
    [' 2:05 ', 125 * RATE],
    ['.5', 0.5 * RATE],
  ])('reads the time %s', (text, frame) => {
    expect(parseLocate(text, RATE, null)).toEqual({ frame });
  });

  it.each([
    ['1|1|0', 0],
    ['1|1', 0],
    // Bar 3 starts after 8 beats of half a second.
    ['3|1|0', 8 * 0.5 * RATE],
    ['12|3|0', (11 * 4 + 2) * 0.5 * RATE],
    // Half a beat: 960 of 1920 ticks.
    ['1|2|960', 1.5 * 0.5 * RATE],
  ])('reads the position %s at 120 BPM in 4/4', (text, frame) => {
    expect(parseLocate(text, RATE, FOUR_FOUR_120)).toEqual({ frame });
  });

  it('lands on the first frame of a position that falls between frames', () => {
    const odd = { ...FOUR_FOUR_120, beatsPerBar: 7, beatType: 8, beatsPerMinute: 98.5 };
    const exact = 14 * (60 / 98.5) * RATE;
    expect(parseLocate('3|1|0', RATE, odd)).toEqual({ frame: Math.ceil(exact) });
  });

  it('takes the tempo and metre the master reports', () => {
    const waltz = { ...FOUR_FOUR_120, beatsPerBar: 3, beatsPerMinute: 90 };
    expect(parseLocate('2|1|0', RATE, waltz)).toEqual({ frame: Math.round(3 * (60 / 90) * RATE) });
  });

  it.each([
    ['', /Type a time/],
    ['abc', /neither a time/],
    ['1:2:3:4', /neither a time/],
    ['1:75', /Seconds must be below 60/],
    ['1:60:00', /Minutes must be below 60/],
    ['-3', /neither a time/],
    ['0|1|0', /count from 1/],
    ['1|5|0', /has 4 beats/],
    ['1|1|1920', /1920 ticks/],
    ['99999999', /beyond the last frame/],
  ])('refuses %j with a reason', (text, reason) => {
    const result = parseLocate(text, RATE, FOUR_FOUR_120);
    expect(result).toHaveProperty('error');
    expect((result as { error: string }).error).toMatch(reason);
  });

  it('refuses a position when nobody reports bars and beats', () => {
    expect(parseLocate('3|1|0', RATE, null)).toEqual({
      error: expect.stringMatching(/No timebase master/),
    });
  });
});

describe('parseTempo', () => {
  it.each([
    ['120', 120],
    ['98.5', 98.5],
    [' 60 BPM ', 60],
    ['999', 999],
    ['1', 1],
  ])('reads %j', (text, bpm) => {
    expect(parseTempo(text)).toBe(bpm);
  });

  it.each(['', 'fast', '0', '1000', '-5', '12,5', '1e3'])('refuses %j', (text) => {
    expect(parseTempo(text)).toMatch(/not a tempo/);
  });
});

describe('parseSignature', () => {
  it.each([
    ['3/4', { beatsPerBar: 3, beatType: 4 }],
    [' 7 / 8 ', { beatsPerBar: 7, beatType: 8 }],
    ['12/16', { beatsPerBar: 12, beatType: 16 }],
  ])('reads %j', (text, signature) => {
    expect(parseSignature(text)).toEqual(signature);
  });

  it.each([
    ['3', /not a time signature/],
    ['3/5', /beat type/],
    ['0/4', /1 to 32 beats/],
    ['33/4', /1 to 32 beats/],
    ['a/b', /not a time signature/],
  ])('refuses %j', (text, reason) => {
    expect(parseSignature(text)).toMatch(reason);
  });
});
