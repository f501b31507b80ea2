// @vitest-environment jsdom
// The meter bridge: its scales as pure functions (dBFS and the K-system
// meters), the live channel that takes bridge frames, and the panel in a real
// React render (added from a port's menu, readouts, clip, scale switch,
// loudness and its reset, removal).
import { type BridgeReading, encodeBridgeFrame } from '@jackbay/core/bridge-frame';
import { newMeterFrame } from '@jackbay/core/meter-frame';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  formatLevel,
  formatLoudness,
  position,
  reference,
  scaleRange,
  ticks,
  toScale,
  zone,
} from '../src/bridge/scale';
import { ContextMenu } from '../src/components/ContextMenu';
import { bridgeLabel, MeterBridge } from '../src/components/MeterBridge';
import { BridgeChannel, kPeakAt } from '../src/live/bridge';
import { StoreProvider } from '../src/store/context';
import { inp, out, snapshot } from './fixtures';
import { attached, recorder } from './service';

beforeAll(() => {
  Element.prototype.scrollIntoView = () => undefined;
  // jsdom has no canvas: the bars are not drawn, everything else is.
  HTMLCanvasElement.prototype.getContext = () => null;
});

afterEach(cleanup);

const SINE_RMS = -20 * Math.log10(Math.SQRT2); // −3.0103: a sine's RMS below its peak

describe('bridge scales', () => {
  it('K-20 reads a −20 dBFS sine (RMS −23.01 dBFS) as −3.0; K-14 and K-12 move the 0', () => {
    expect(reference('dBFS')).toBe(0);
    expect(reference('K-20')).toBe(-20);
    expect(reference('K-14')).toBe(-14);
    expect(reference('K-12')).toBe(-12);
    const rms = -20 + SINE_RMS;
    expect(rms).toBeCloseTo(-23.01, 2);
    expect(toScale(rms, 'K-20')).toBeCloseTo(-3.01, 2);
    expect(formatLevel(rms, 'K-20')).toBe('−3.0');
    expect(formatLevel(-14, 'K-14')).toBe('0.0');
    expect(formatLevel(-8, 'K-12')).toBe('4.0');
    expect(formatLevel(rms)).toBe('−23.0');
    expect(formatLevel(-120)).toBe('−∞');
    expect(formatLevel(Number.NEGATIVE_INFINITY, 'K-20')).toBe('−∞');
  });

  it('draws full scale at the top and 60 dB below at the bottom, in every scale', () => {
    expect(scaleRange('dBFS')).toEqual({ min: -60, max: 0 });
    expect(scaleRange('K-20')).toEqual({ min: -40, max: 20 });
    expect(scaleRange('K-14')).toEqual({ min: -46, max: 14 });
    expect(scaleRange('K-12')).toEqual({ min: -48, max: 12 });
    for (const scale of ['dBFS', 'K-20', 'K-14', 'K-12'] as const) {
      expect(position(0, scale)).toBe(1);
      expect(position(-60, scale)).toBe(0);
      expect(position(-120, scale)).toBe(0);
      expect(position(6, scale)).toBe(1);
      expect(position(-30, scale)).toBeCloseTo(0.5, 6);
    }
    const k20 = ticks('K-20');
    expect(k20[0]).toEqual({ label: '+20', at: 1 });
    expect(k20.find((t) => t.label === '0')?.at).toBeCloseTo(40 / 60, 6);
    expect(ticks('dBFS').map((t) => t.label)).toContain('−18');
  });

  it('colours K meters by their 0 and +4, dBFS at −18 and −6', () => {
    expect(zone(-25, 'K-20')).toBe('green');
    expect(zone(-20, 'K-20')).toBe('yellow');
    expect(zone(-15, 'K-20')).toBe('red');
    expect(zone(-15, 'K-14')).toBe('green');
    expect(zone(-11, 'K-12')).toBe('yellow');
    expect(zone(-19, 'dBFS')).toBe('green');
    expect(zone(-12, 'dBFS')).toBe('yellow');
    expect(zone(-3, 'dBFS')).toBe('red');
  });

  it('formats loudness with one decimal, and a dash while unmeasured or unavailable', () => {
    expect(formatLoudness(-23.004)).toBe('−23.0');
    expect(formatLoudness(0.04)).toBe('0.0');
    expect(formatLoudness(Number.NEGATIVE_INFINITY)).toBe('–');
    expect(formatLoudness(Number.NaN)).toBe('–');
  });

  it('holds the K peak mark 0.5 s, then lets it fall at 15 dB/s', () => {
    const mark = { kPeak: -10, kPeakAt: 1000 };
    expect(kPeakAt(mark, 1400)).toBe(-10);
    expect(kPeakAt(mark, 1500)).toBe(-10);
    expect(kPeakAt(mark, 2500)).toBeCloseTo(-25, 6);
  });

  it('names a pair of one client once', () => {
    expect(bridgeLabel(['a:out_l', 'a:out_r'])).toBe('a:out_l + out_r');
    expect(bridgeLabel(['a:x', 'b:y'])).toBe('a:x + b:y');
    expect(bridgeLabel(['a:x'])).toBe('a:x');
  });
});

function reading(over: Partial<BridgeReading> & { id: number }): BridgeReading {
  return {
    channels: [{ peak: -20, rms: -23, kRms: -23.01, truePeak: -19.9, clips: 0 }],
    momentary: -23,
    shortTerm: -23,
    integrated: -23,
    range: 0,
    ...over,
  };
}

describe('bridge channel', () => {
  it('takes bridge frames only, and keeps a clip lit until it is reset', () => {
    let now = 0;
    const live = new BridgeChannel(() => now);
    expect(live.feed(newMeterFrame(1, 1).bytes)).toBe(false);
    expect(live.feed(encodeBridgeFrame([reading({ id: 4 })]))).toBe(true);
    expect(live.loudness(4).integrated).toBe(-23);
    expect(live.clipped(4, 0)).toBe(false);
    const clips = reading({
      id: 4,
      channels: [{ peak: 0, rms: -3, kRms: -3, truePeak: 0.4, clips: 12 }],
    });
    now = 100;
    live.feed(encodeBridgeFrame([clips]));
    expect(live.clipped(4, 0)).toBe(true);
    now = 5000;
    live.feed(encodeBridgeFrame([reading({ id: 4 })]));
    expect(live.clipped(4, 0)).toBe(true);
    live.resetClip(4, 0);
    expect(live.clipped(4, 0)).toBe(false);
    // A frame with no new audio (NaN levels) is no news: the clip and levels stand.
    const before = live.channel(4, 0).level.peak;
    live.feed(
      encodeBridgeFrame([
        reading({
          id: 4,
          channels: [
            { peak: Number.NaN, rms: Number.NaN, kRms: -30, truePeak: Number.NaN, clips: 0 },
          ],
        }),
      ]),
    );
    expect(live.channel(4, 0).level.peak).toBe(before);
    expect(live.channel(4, 0).kRms).toBe(-30);
    // Readouts take the highest since they last looked.
    const recent = live.takeRecent(4, 0);
    expect(recent?.peak).toBe(0);
    expect(recent?.truePeak).toBeCloseTo(0.4, 5);
    expect(live.takeRecent(4, 0)).toBeNull();
  });
});

const rig = snapshot([
  out('synth:out_l'),
  out('synth:out_r'),
  out('synth:midi', 'midi'),
  inp('amp:in'),
]);

async function mounted() {
  const r = recorder(rig);
  const request = r.api.request.bind(r.api);
  let nextId = 1;
  r.api.request = (async (method: string, params: { ports?: string[] }) => {
    if (method === 'addBridgeMeter') {
      await request(method as never, params as never);
      return { id: nextId++, ports: params.ports, loudnessError: null };
    }
    return request(method as never, params as never);
  }) as typeof r.api.request;
  const attachedStore = await attached(rig, undefined, {}, r);
  render(
    <StoreProvider store={attachedStore.store}>
      <ContextMenu />
      <MeterBridge />
    </StoreProvider>,
  );
  return attachedStore;
}

describe('meter bridge panel', () => {
  it('adds a stereo pair from the menu and shows its levels, loudness and clip', async () => {
    const { store, sent } = await mounted();
    act(() =>
      store.getState().openMenu({ kind: 'port', ports: ['synth:out_l', 'synth:out_r'] }, 10, 10),
    );
    fireEvent.click(screen.getByRole('menuitem', { name: 'Meter (add to bridge)' }));
    const label = 'synth:out_l + out_r';
    await screen.findByRole('region', { name: `Bridge meter ${label}` });
    expect(sent.filter((s) => s.method === 'addBridgeMeter')).toEqual([
      { method: 'addBridgeMeter', params: { ports: ['synth:out_l', 'synth:out_r'] } },
    ]);
    const left = screen.getByRole('meter', { name: 'Bridge level of synth:out_l' });
    screen.getByRole('meter', { name: 'Bridge level of synth:out_r' });
    const integrated = screen.getByRole('meter', { name: `Integrated loudness of ${label}` });
    expect(integrated.getAttribute('aria-valuetext')).toBe('not measured yet');

    const channel = { peak: -20, rms: -23.01, kRms: -23.01, truePeak: -19.95, clips: 0 };
    act(() => {
      store
        .getState()
        .bridgeLive.feed(
          encodeBridgeFrame([
            reading({ id: 1, channels: [channel, { ...channel, clips: 3 }], integrated: -23.04 }),
          ]),
        );
    });
    await waitFor(() => expect(integrated.getAttribute('aria-valuetext')).toBe('−23.0 LUFS'), {
      timeout: 5000,
    });
    expect(integrated.textContent).toBe('−23.0');
    expect(integrated.getAttribute('aria-valuenow')).toBe('-23.0');
    const range = screen.getByRole('meter', { name: `Loudness range of ${label}` });
    expect(range.getAttribute('aria-valuetext')).toBe('0.0 LU');
    await waitFor(
      () =>
        expect(left.getAttribute('aria-valuetext')).toBe(
          'peak −20.0 dBFS, RMS −23.0 dBFS, true peak −20.0 dBTP',
        ),
      { timeout: 5000 },
    );
    expect(left.getAttribute('aria-valuenow')).toBe('-20.0');
    // The right channel clipped: lit until clicked, the left one not at all.
    expect(screen.queryByRole('button', { name: 'Reset clip of synth:out_l' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Reset clip of synth:out_r' }));
    expect(screen.queryByRole('button', { name: 'Reset clip of synth:out_r' })).toBeNull();

    // K-20: the K meter's RMS, 0 at −20 dBFS.
    fireEvent.click(screen.getByRole('button', { name: 'K-20' }));
    expect(screen.getByRole('button', { name: 'K-20' }).getAttribute('aria-pressed')).toBe('true');
    act(() => {
      store
        .getState()
        .bridgeLive.feed(encodeBridgeFrame([reading({ id: 1, channels: [channel, channel] })]));
    });
    const leftK = screen.getByRole('meter', { name: 'Bridge level of synth:out_l' });
    await waitFor(() => expect(leftK.getAttribute('aria-valuetext')).toContain('K-20 −3.0'), {
      timeout: 5000,
    });

    fireEvent.click(screen.getByRole('button', { name: `Reset loudness of ${label}` }));
    fireEvent.click(screen.getByRole('button', { name: `Remove ${label} from the bridge` }));
    expect(screen.queryByRole('region', { name: `Bridge meter ${label}` })).toBeNull();
    await waitFor(() =>
      expect(sent.map((s) => s.method)).toEqual(
        expect.arrayContaining(['resetLoudness', 'removeBridgeMeter']),
      ),
    );
    expect(sent.find((s) => s.method === 'removeBridgeMeter')?.params).toEqual({ id: 1 });
  });

  it('offers the bridge for audio ports only, and adds a port once', async () => {
    const { store, sent } = await mounted();
    const names = () => screen.getAllByRole('menuitem').map((item) => item.textContent);
    act(() => store.getState().openMenu({ kind: 'port', ports: ['synth:midi'] }, 10, 10));
    expect(names()).not.toContain('Meter (add to bridge)');
    act(() => store.getState().openMenu({ kind: 'port', ports: ['amp:in'] }, 10, 10));
    expect(names()).toContain('Meter (add to bridge)');
    fireEvent.click(screen.getByRole('menuitem', { name: 'Meter (add to bridge)' }));
    await screen.findByRole('region', { name: 'Bridge meter amp:in' });
    await act(() => store.getState().addToBridge(['amp:in']));
    expect(sent.filter((s) => s.method === 'addBridgeMeter')).toHaveLength(1);
    expect(screen.getAllByRole('region', { name: /^Bridge meter / })).toHaveLength(1);
    // Closing the panel keeps the meters; B and the toolbar open it again.
    fireEvent.click(screen.getByRole('button', { name: 'Close the meter bridge' }));
    expect(screen.queryByRole('region', { name: 'Meter bridge' })).toBeNull();
    act(() => store.getState().setBridgeOpen(true));
    screen.getByRole('region', { name: 'Bridge meter amp:in' });
  });
});
