// The MIDI monitor's data path in the renderer: binary frames into the live
// channel, the ring that holds the newest events, the filters with their
// hidden counts, and the CSV export of everything held.
import { encodeMidiFrame } from '@jackbay/core/midi-frame';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MIDI_FILTER, MidiChannel } from '../src/live/midi';
import { MIDI_CSV_HEADER, midiCsv } from '../src/midi/csv';
import { MIDI_LOG_CAPACITY, MidiLog } from '../src/midi/log';

function frame(
  generation: number,
  events: Array<[number, number, number[]]>,
  lost = 0,
  missedCycles = 0,
): Uint8Array {
  return encodeMidiFrame({
    generation,
    received: events.length + lost,
    lost,
    missedCycles,
    events: events.map(([time, port, data]) => ({ time, port, data: new Uint8Array(data) })),
  });
}

describe('MidiLog', () => {
  it('holds at least 100,000 events and forgets the oldest beyond its capacity', () => {
    expect(MIDI_LOG_CAPACITY).toBeGreaterThanOrEqual(100_000);
    const log = new MidiLog(4);
    const port = log.portNumber('a:out');
    for (let i = 0; i < 6; i++) log.push(i, port, new Uint8Array([0x90, i, 1]));
    expect(log.length).toBe(4);
    expect(log.first).toBe(2);
    expect([...log.data(2)]).toEqual([0x90, 2, 1]);
    expect(log.portName(5)).toBe('a:out');
  });

  it('keeps long messages whole', () => {
    const log = new MidiLog(2);
    const sysex = [0xf0, 1, 2, 3, 4, 0xf7];
    log.push(7, log.portNumber('p'), new Uint8Array(sysex));
    log.push(8, log.portNumber('p'), new Uint8Array([0xf8]));
    expect([...log.data(0)]).toEqual(sysex);
    expect([...log.data(1)]).toEqual([0xf8]);
  });
});

describe('MidiChannel', () => {
  it('takes the frames of its generation only, with port names in the page order', () => {
    const channel = new MidiChannel();
    channel.expect(['a:out', 'b:out'], 2);
    expect(channel.feed(frame(1, [[1, 0, [0x90, 60, 1]]]))).toBe(false);
    expect(channel.feed(frame(2, [[1, 1, [0x90, 60, 1]]], 3))).toBe(true);
    expect(channel.log.portName(channel.shownAt(0))).toBe('b:out');
    expect(channel.counts()).toMatchObject({ received: 4, lost: 3, held: 1, shown: 1 });
  });

  it('sums the cycles JACK skipped apart from lost events, until cleared', () => {
    const channel = new MidiChannel();
    channel.expect(['a:out'], 1);
    channel.feed(frame(1, [[1, 0, [0x90, 60, 1]]], 0, 3));
    channel.feed(frame(1, [], 0, 2));
    expect(channel.counts()).toMatchObject({ received: 1, lost: 0, missedCycles: 5 });
    channel.clear();
    expect(channel.counts().missedCycles).toBe(0);
  });

  it('hides clock and active sensing by default and counts what it hides', () => {
    const channel = new MidiChannel();
    channel.expect(['a:out'], 1);
    channel.feed(
      frame(1, [
        [1, 0, [0xf8]],
        [2, 0, [0xf8]],
        [3, 0, [0xfe]],
        [4, 0, [0xb0, 7, 100]],
      ]),
    );
    const counts = channel.counts();
    expect(counts.shown).toBe(1);
    expect([...counts.hidden]).toEqual([
      ['clock', 2],
      ['active-sensing', 1],
    ]);
    channel.setFilter({ ...channel.filter, hiddenKinds: new Set() });
    expect(channel.counts().shown).toBe(4);
  });

  it('filters by channel and by port', () => {
    const channel = new MidiChannel();
    channel.expect(['a:out', 'b:out'], 1);
    channel.feed(
      frame(1, [
        [1, 0, [0x90, 60, 1]],
        [2, 0, [0x91, 60, 1]],
        [3, 1, [0x92, 60, 1]],
      ]),
    );
    channel.setFilter({ ...DEFAULT_MIDI_FILTER, channels: new Set([2, 3]) });
    expect(channel.counts().shown).toBe(2);
    channel.setFilter({ ...DEFAULT_MIDI_FILTER, ports: new Set(['b:out']) });
    expect(channel.counts().shown).toBe(1);
    expect(channel.log.channel[channel.log.slot(channel.shownAt(0))]).toBe(3);
  });

  it('keeps nothing while paused but counts it, and clears', () => {
    const channel = new MidiChannel();
    channel.expect(['a:out'], 1);
    channel.setPaused(true);
    channel.feed(frame(1, [[1, 0, [0x90, 60, 1]]]));
    expect(channel.counts()).toMatchObject({ received: 1, held: 0, skipped: 1 });
    channel.setPaused(false);
    channel.feed(frame(1, [[2, 0, [0x90, 61, 1]]]));
    expect(channel.counts().held).toBe(1);
    channel.clear();
    expect(channel.counts()).toMatchObject({ received: 0, held: 0, shown: 0, skipped: 0 });
  });

  it('tells a port’s activity listeners when its events arrive', () => {
    const channel = new MidiChannel();
    channel.expect(['a:out', 'b:out'], 1);
    let a = 0;
    let b = 0;
    channel.onActivity('a:out', () => a++);
    const off = channel.onActivity('b:out', () => b++);
    channel.feed(frame(1, [[1, 1, [0xf8]]]));
    off();
    channel.feed(frame(1, [[2, 1, [0xf8]]]));
    expect([a, b]).toEqual([0, 1]);
  });
});

describe('midiCsv', () => {
  it('exports every event held, whatever the filter, one line each', () => {
    const channel = new MidiChannel();
    channel.expect(['a:out', 'odd,"name"'], 1);
    channel.feed(
      frame(1, [
        [48000, 0, [0x90, 60, 100]],
        [48010, 1, [0xf8]],
        [48020, 0, [0xf0, 0x7e, 0xf7]],
      ]),
    );
    const lines = midiCsv(channel.log, 48000).trimEnd().split('\n');
    expect(lines[0]).toBe(MIDI_CSV_HEADER);
    expect(lines.slice(1)).toEqual([
      '48000,1.000000,a:out,1,Note on,C4 (60) velocity 100,90 3C 64',
      '48010,1.000208,"odd,""name""",,Clock,,F8',
      '48020,1.000417,a:out,,SysEx,3 bytes: F0 7E F7,F0 7E F7',
    ]);
  });
});
