// Bar|beat|tick of MIDI events: carried from the transport's references at
// their tempo, "—" when the transport has no BBT.
import type { TransportInfo } from '@jackbay/core/contract';
import { describe, expect, it } from 'vitest';
import { bbtFrom, TransportTimeline } from '../src/midi/bbt';

const RATE = 48000;
const BBT_120 = {
  bar: 1,
  beat: 1,
  tick: 0,
  beatsPerBar: 4,
  beatType: 4,
  beatsPerMinute: 120,
  ticksPerBeat: 1920,
};

function transport(over: Partial<TransportInfo>): TransportInfo {
  return {
    state: 'rolling',
    frame: 0,
    frameRate: RATE,
    bbt: BBT_120,
    timebase: 'jackbay',
    frameTime: 1000,
    ...over,
  };
}

describe('bbtFrom', () => {
  const ref = { frameTime: 1000, frame: 0, rolling: true, frameRate: RATE, bbt: BBT_120 };
  it('carries a rolling position at its tempo (120 BPM: a beat is 24000 frames)', () => {
    expect(bbtFrom(ref, 1000)).toEqual({ bar: 1, beat: 1, tick: 0 });
    expect(bbtFrom(ref, 1000 + 24000)).toEqual({ bar: 1, beat: 2, tick: 0 });
    expect(bbtFrom(ref, 1000 + 12000)).toEqual({ bar: 1, beat: 1, tick: 960 });
    expect(bbtFrom(ref, 1000 + 4 * 24000 + 6000)).toEqual({ bar: 2, beat: 1, tick: 480 });
    // Before the reference: backwards, into the bar before.
    expect(bbtFrom(ref, 1000 - 24000)).toEqual({ bar: 0, beat: 4, tick: 0 });
  });

  it('starts from the reference’s own position, and counts across 32-bit frame time wrap', () => {
    const late = {
      ...ref,
      frameTime: 0xffff_ff00,
      bbt: { ...BBT_120, bar: 9, beat: 3, tick: 100 },
    };
    expect(bbtFrom(late, 0xffff_ff00)).toEqual({ bar: 9, beat: 3, tick: 100 });
    // 0x100 + 47744 frames after the wrap: 48000 frames on, two beats.
    expect(bbtFrom(late, 47744)).toEqual({ bar: 10, beat: 1, tick: 100 });
  });

  it('stands still while stopped, and has nothing without BBT', () => {
    const stopped = { ...ref, rolling: false, bbt: { ...BBT_120, bar: 5, beat: 2, tick: 7 } };
    expect(bbtFrom(stopped, 1000 + 999999)).toEqual({ bar: 5, beat: 2, tick: 7 });
    expect(bbtFrom({ ...ref, bbt: null }, 2000)).toBeNull();
  });

  it('follows the time signature and the ticks per beat', () => {
    const waltz = { ...ref, bbt: { ...BBT_120, beatsPerBar: 3, ticksPerBeat: 480 } };
    expect(bbtFrom(waltz, 1000 + 3 * 24000)).toEqual({ bar: 2, beat: 1, tick: 0 });
    expect(bbtFrom(waltz, 1000 + 2.5 * 24000)).toEqual({ bar: 1, beat: 3, tick: 240 });
  });
});

describe('TransportTimeline', () => {
  it('keeps only references that the one before does not predict', () => {
    const timeline = new TransportTimeline();
    timeline.note(transport({ frame: 0, frameTime: 1000 }));
    // Rolling on as predicted: nothing new.
    timeline.note(transport({ frame: 4800, frameTime: 5800 }));
    timeline.note(transport({ frame: 9600, frameTime: 10600 }));
    expect(timeline.references).toHaveLength(1);
    // A locate, a stop, a new tempo: each a reference.
    timeline.note(transport({ frame: 480000, frameTime: 15400, bbt: { ...BBT_120, bar: 21 } }));
    timeline.note(
      transport({
        state: 'stopped',
        frame: 484800,
        frameTime: 20200,
        bbt: { ...BBT_120, bar: 22 },
      }),
    );
    timeline.note(
      transport({
        state: 'stopped',
        frame: 484800,
        frameTime: 25000,
        bbt: { ...BBT_120, bar: 22 },
      }),
    );
    timeline.note(
      transport({
        frame: 484800,
        frameTime: 30000,
        bbt: { ...BBT_120, bar: 22, beatsPerMinute: 60 },
      }),
    );
    expect(timeline.references.map((r) => r.frameTime)).toEqual([1000, 15400, 20200, 30000]);
    // Without a frame time (an older service) or without a transport: nothing.
    timeline.note(transport({ frameTime: undefined, frame: 1 }));
    timeline.note(null);
    expect(timeline.references).toHaveLength(4);
  });

  it('gives each event the BBT of the reference before it, and "—" without one', () => {
    const timeline = new TransportTimeline();
    expect(timeline.formatAt(5000)).toBe('—');
    timeline.note(transport({ frame: 0, frameTime: 1000 }));
    timeline.note(
      transport({ state: 'stopped', frame: 96000, frameTime: 97000, bbt: { ...BBT_120, bar: 2 } }),
    );
    expect(timeline.formatAt(1000 + 24000 + 240)).toBe('001|2|0019');
    expect(timeline.formatAt(97000 + 5000)).toBe('002|1|0000');
    // Older than every reference: carried back from the first.
    expect(timeline.formatAt(1000 - 12000)).toBe('000|4|0960');
    timeline.note(transport({ frameTime: 200000, bbt: null }));
    expect(timeline.formatAt(250000)).toBe('—');
    // 49000 frames after the first reference: 2 beats and 80 ticks.
    expect(timeline.formatAt(50000)).toBe('001|3|0080');
  });
});
