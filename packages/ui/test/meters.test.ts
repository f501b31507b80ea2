// Meters in the renderer: the ballistics (pure), the live channel fed by
// binary frames, and Jackbay's own client kept out of the graph by default.
import { NOT_METERED, newMeterFrame } from '@jackbay/core/meter-frame';
import { describe, expect, it } from 'vitest';
import {
  describeLevel,
  fall,
  levelToDb,
  METER_FLOOR_DB,
  PEAK_HOLD_MS,
  RED_DB,
  RELEASE_DB_PER_S,
  release,
  scalePosition,
  silentMeter,
  take,
  YELLOW_DB,
  zoneOf,
} from '../src/live/ballistics';
import { MeterChannel } from '../src/live/meters';
import { conn, inp, out, patch, snapshot } from './fixtures';
import { attached, recorder, status } from './service';

const reading = (peak: number, rms = peak - 3, clips = 0) => ({ peak, rms, clips });

describe('ballistics', () => {
  it('converts levels to dBFS with a floor for silence', () => {
    expect(levelToDb(1)).toBe(0);
    expect(levelToDb(0.5)).toBeCloseTo(-6.0206, 4);
    expect(levelToDb(0.1)).toBeCloseTo(-20, 10);
    expect(levelToDb(0)).toBe(METER_FLOOR_DB);
    expect(levelToDb(1e-9)).toBe(METER_FLOOR_DB);
  });

  it('releases at 20 dB per second, never below the floor', () => {
    expect(RELEASE_DB_PER_S).toBe(20);
    expect(release(-6, 500)).toBeCloseTo(-16, 10);
    expect(release(-6, 1000, 10)).toBeCloseTo(-16, 10);
    expect(release(-110, 1000)).toBe(METER_FLOOR_DB);
    expect(release(-6, -5)).toBe(-6);
  });

  it('attacks at once and falls by the release afterwards', () => {
    let state = take(silentMeter(0), reading(-6), 0);
    expect(state.peak).toBe(-6);
    expect(state.rms).toBe(-9);
    // A quieter reading does not pull the bar down faster than the release.
    state = take(state, reading(-40), 250);
    expect(state.peak).toBeCloseTo(-11, 10);
    expect(state.rms).toBeCloseTo(-14, 10);
    // A louder one takes over at once.
    state = take(state, reading(-3), 260);
    expect(state.peak).toBe(-3);
  });

  it('holds the highest peak for 2 s, then lets it fall to the bar', () => {
    expect(PEAK_HOLD_MS).toBe(2000);
    let state = take(silentMeter(0), reading(-6), 0);
    state = take(state, reading(-30), 1000);
    expect(state.hold).toBe(-6);
    expect(fall(state, 1999).hold).toBe(-6);
    const later = fall(state, 2100);
    expect(later.hold).toBe(later.peak);
    expect(later.hold).toBeLessThan(-6);
    // A new high restarts the hold.
    state = take(state, reading(-2), 1500);
    expect(fall(state, 3400).hold).toBe(-2);
  });

  it('latches the clip indicator until reset', () => {
    let state = take(silentMeter(0), reading(3, 0, 12), 0);
    expect(state.clipped).toBe(true);
    state = take(state, reading(-40), 5000);
    expect(state.clipped).toBe(true);
    expect(fall(state, 60_000).clipped).toBe(true);
  });

  it('colours green below -18, yellow to -6, red above', () => {
    expect([YELLOW_DB, RED_DB]).toEqual([-18, -6]);
    expect(zoneOf(-40)).toBe('green');
    expect(zoneOf(-18.1)).toBe('green');
    expect(zoneOf(-18)).toBe('yellow');
    expect(zoneOf(-6)).toBe('yellow');
    expect(zoneOf(-5.9)).toBe('red');
    expect(zoneOf(3)).toBe('red');
  });

  it('places levels on the drawn scale and describes them in words', () => {
    expect(scalePosition(-200)).toBe(0);
    expect(scalePosition(60)).toBe(1);
    expect(scalePosition(-27)).toBeCloseTo(0.5, 10);
    expect(describeLevel({ peak: -6, rms: -9.04 })).toBe('peak -6.0 dBFS, RMS -9.0 dBFS');
    expect(describeLevel({ peak: METER_FLOOR_DB, rms: METER_FLOOR_DB })).toBe(
      'peak silent, RMS silent',
    );
  });
});

function frame(generation: number, triples: number[][]): Uint8Array {
  const f = newMeterFrame(generation, triples.length);
  f.values.set(triples.flat());
  return f.bytes;
}

describe('the live meter channel', () => {
  it('maps a frame onto the ports of its generation and drops stale frames', () => {
    let now = 0;
    const channel = new MeterChannel(() => now);
    channel.expect(['a:out', 'b:out'], 2);
    expect(channel.feed(frame(1, [[-1, -1, 0]]))).toBe(false);
    expect(channel.feed(frame(2, [[-6, -9, 0]]))).toBe(false);
    expect(
      channel.feed(
        frame(2, [
          [-6, -9, 0],
          [-20, -23, 0],
        ]),
      ),
    ).toBe(true);
    expect(channel.state('a:out').peak).toBeCloseTo(-6, 5);
    expect(channel.state('b:out').peak).toBeCloseTo(-20, 5);
    expect(channel.state('c:out').peak).toBe(METER_FLOOR_DB);
    now = 500;
    expect(channel.state('a:out').peak).toBeCloseTo(-16, 5);
  });

  it('keeps the highest levels measured for a readout, until it takes them', () => {
    let now = 0;
    const channel = new MeterChannel(() => now);
    channel.expect(['a:out'], 1);
    channel.feed(frame(1, [[-6, -9, 0]]));
    now = 200;
    channel.feed(frame(1, [[-10, -13, 0]]));
    // The bar has fallen since; the readout states what was measured.
    expect(channel.state('a:out').peak).toBeLessThan(-6);
    expect(channel.takeRecent('a:out')).toEqual({ peak: -6, rms: -9 });
    expect(channel.takeRecent('a:out')).toBeNull();
    channel.feed(frame(1, [[-10, -13, 0]]));
    expect(channel.takeRecent('a:out')).toEqual({ peak: -10, rms: -13 });
  });

  it('lights a clip until it is reset, telling its listeners', () => {
    const channel = new MeterChannel(() => 0);
    let told = 0;
    channel.onMarks(() => told++);
    channel.expect(['a:out'], 1);
    channel.feed(frame(1, [[3, 0, 40]]));
    expect(channel.clipped('a:out')).toBe(true);
    channel.feed(frame(1, [[-30, -33, 0]]));
    expect(channel.clipped('a:out')).toBe(true);
    expect(told).toBe(1);
    channel.resetClip('a:out');
    expect(channel.clipped('a:out')).toBe(false);
    expect(told).toBe(2);
  });

  /** A channel expecting a:out, b:out and c:out, and how often it told of marks. */
  function markedChannel(): { channel: MeterChannel; told: () => number } {
    const channel = new MeterChannel(() => 0);
    let told = 0;
    channel.onMarks(() => told++);
    channel.expect(['a:out', 'b:out', 'c:out'], 1);
    return { channel, told: () => told };
  }

  it('marks the ports the service could not meter, and unmarks one metered later', () => {
    const { channel, told } = markedChannel();
    channel.feed(
      frame(1, [
        [-6, -9, 0],
        [METER_FLOOR_DB, METER_FLOOR_DB, NOT_METERED],
        [METER_FLOOR_DB, METER_FLOOR_DB, NOT_METERED],
      ]),
    );
    expect([
      channel.notMetered('a:out'),
      channel.notMetered('b:out'),
      channel.notMetered('c:out'),
    ]).toEqual([false, true, true]);
    expect(channel.notMeteredCount).toBe(2);
    expect(told()).toBe(1);
    // The same marks again tell nobody.
    channel.feed(
      frame(1, [
        [-6, -9, 0],
        [METER_FLOOR_DB, METER_FLOOR_DB, NOT_METERED],
        [METER_FLOOR_DB, METER_FLOOR_DB, NOT_METERED],
      ]),
    );
    expect(told()).toBe(1);
    // A probe port freed up: b is metered now, and its level is taken.
    channel.feed(
      frame(1, [
        [-6, -9, 0],
        [-20, -23, 0],
        [METER_FLOOR_DB, METER_FLOOR_DB, NOT_METERED],
      ]),
    );
    expect(channel.notMetered('b:out')).toBe(false);
    expect(channel.notMeteredCount).toBe(1);
    expect(channel.state('b:out').peak).toBe(-20);
    expect(told()).toBe(2);
    channel.clear();
    expect(channel.notMeteredCount).toBe(0);
  });

  it('drops the marks of ports no longer asked for, with meters off too (no frames come then)', () => {
    const { channel, told } = markedChannel();
    channel.feed(
      frame(1, [
        [METER_FLOOR_DB, METER_FLOOR_DB, NOT_METERED],
        [METER_FLOOR_DB, METER_FLOOR_DB, NOT_METERED],
        [-6, -9, 0],
      ]),
    );
    expect(channel.notMeteredCount).toBe(2);
    channel.expect(['b:out', 'c:out'], 2);
    expect([channel.notMetered('a:out'), channel.notMetered('b:out')]).toEqual([false, true]);
    expect(channel.notMeteredCount).toBe(1);
    expect(told()).toBe(2);
    channel.expect([], 3);
    expect(channel.notMeteredCount).toBe(0);
    expect(told()).toBe(3);
  });

  it('receives the transport’s frames through the store', async () => {
    const r = recorder();
    const listeners: Array<(f: ArrayBuffer | Uint8Array) => void> = [];
    r.api.onMeterFrame = (l) => {
      listeners.push(l);
      return () => {};
    };
    const { store } = await attached(undefined, undefined, {}, r);
    const meters = store.getState().meters;
    meters.expect(['synth:out_L'], 1);
    for (const l of listeners) l(frame(1, [[-12, -15, 0]]));
    expect(meters.state('synth:out_L').peak).toBeCloseTo(-12, 0);
  });
});

describe('Jackbay’s own client', () => {
  const graph = () =>
    snapshot(
      [out('synth:out'), inp('fx:in'), inp('jackbay:meter_1')],
      [conn('synth:out', 'fx:in'), conn('synth:out', 'jackbay:meter_1')],
    );

  it('is left out of the graph, the counts and the connections by default, and shown on request', async () => {
    const { store, emit } = await attached(graph());
    emit('status', status({ ownClient: 'jackbay' }));
    const s = store.getState();
    expect([...s.graph.clients.keys()].sort()).toEqual(['fx', 'synth']);
    expect([...s.graph.ports.keys()]).not.toContain('jackbay:meter_1');
    expect(s.graph.connections.size).toBe(1);
    expect(s.nodes.some((n) => n.data.box.client.name === 'jackbay')).toBe(false);
    expect(s.serverGraph.ports.has('jackbay:meter_1')).toBe(true);

    store.getState().setShowOwnClient(true);
    expect(store.getState().graph.connections.size).toBe(2);
    expect(store.getState().nodes.some((n) => n.data.box.client.name === 'jackbay')).toBe(true);

    store.getState().setShowOwnClient(false);
    const shown = store.getState().graph;
    emit(
      'graphPatch',
      patch({
        portsUpserted: [inp('jackbay:meter_2')],
        connectionsAdded: [conn('synth:out', 'jackbay:meter_2')],
      }),
    );
    // Nothing the person sees changed: the same graph, nothing derived anew.
    expect(store.getState().graph).toBe(shown);
    expect(store.getState().serverGraph.ports.has('jackbay:meter_2')).toBe(true);
    // A patch that also touches what is shown is applied, still without the probes.
    emit('graphPatch', patch({ portsUpserted: [inp('fx:in_2'), inp('jackbay:meter_3')] }));
    expect(store.getState().graph.ports.has('fx:in_2')).toBe(true);
    expect(store.getState().graph.ports.has('jackbay:meter_3')).toBe(false);
    store.getState().setShowOwnClient(true);
    expect(store.getState().graph.ports.has('jackbay:meter_2')).toBe(true);
    expect(store.getState().graph.connections.size).toBe(3);
  });
});
