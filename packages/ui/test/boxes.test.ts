// Zoomed out, the graph draws text a step larger than the boxes were sized
// for; each box says how large its text may grow and still be whole.
import { graphFromSnapshot } from '@jackbay/core/patch';
import { describe, expect, it } from 'vitest';
import { buildBoxes } from '../src/graph/boxes';
import { LABEL_FONT, LABEL_SIZES, TITLE_FONT, TITLE_SIZES } from '../src/graph/geometry';
import { inp, out, snapshot } from './fixtures';

const largest = (sizes: readonly number[]) => sizes[sizes.length - 1] as number;

function boxOf(ports: ReturnType<typeof out>[]) {
  const [box] = buildBoxes(graphFromSnapshot(snapshot(ports)));
  if (!box) throw new Error('no box');
  return box;
}

describe('text fits', () => {
  it('short labels and a short title may grow past the size they were laid out for', () => {
    // The demo synth at 800×600 drew "out" as "o…" at the largest step.
    const box = boxOf([
      inp('Demo Synth:midi_in', 'midi'),
      out('Demo Synth:out_L'),
      out('Demo Synth:out_R'),
    ]);
    expect(box.labelFit).toBeGreaterThan(LABEL_FONT);
    expect(box.labelFit).toBeLessThan(largest(LABEL_SIZES));
    expect(box.titleFit).toBeGreaterThan(TITLE_FONT);
  });

  it('one short column may grow to the largest step', () => {
    expect(boxOf([out('synth:out')]).labelFit).toBeGreaterThanOrEqual(largest(LABEL_SIZES));
  });

  it('a label as wide as its column may not grow at all', () => {
    const box = boxOf([out(`long:${'x'.repeat(60)}`)]);
    expect(box.labelFit).toBeLessThanOrEqual(LABEL_FONT);
  });

  it('a long title fits the header at a smaller size than the step', () => {
    const box = boxOf([out('Demo Sequencer with a long name:midi_out', 'midi')]);
    expect(box.titleFit).toBeLessThan(largest(TITLE_SIZES));
  });
});
