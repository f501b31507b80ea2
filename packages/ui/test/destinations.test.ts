import { graphFromSnapshot } from '@jackbay/core/patch';
import { describe, expect, it } from 'vitest';
import { destinationsFor, matchDestinations } from '../src/graph/destinations';
import { inp, out, snapshot } from './fixtures';

const graph = graphFromSnapshot(
  snapshot([
    inp('system:playback_5', 'audio', { isPhysical: true }),
    inp('system:playback_6', 'audio', { isPhysical: true }),
    inp('drums:in_1', 'audio', { prettyName: 'Kick' }),
    out('synth:mono'),
    out('fx:out_L'),
    out('fx:out_R'),
  ]),
);

const keys = (from: string[], query: string) =>
  matchDestinations(destinationsFor(graph, from), query, from.length > 1).map((d) => d.key);

describe('keyboard patching destinations', () => {
  it('offers a pair whole and per channel, in drawing order, when nothing is typed', () => {
    expect(keys(['synth:mono'], '')).toEqual([
      'system:playback_5\nsystem:playback_6',
      'system:playback_5',
      'system:playback_6',
      'drums:in_1',
    ]);
  });

  it('puts the exact single port before a pair that merely contains it', () => {
    expect(keys(['synth:mono'], 'playback_6')[0]).toBe('system:playback_6');
    expect(keys(['fx:out_L', 'fx:out_R'], 'PLAYBACK_6')[0]).toBe('system:playback_6');
  });

  it('prefers a pair for a pair source and a single port for a single one among equal matches', () => {
    expect(keys(['fx:out_L', 'fx:out_R'], 'playback')[0]).toBe(
      'system:playback_5\nsystem:playback_6',
    );
    expect(keys(['synth:mono'], 'playback')[0]).toBe('system:playback_5');
  });

  it('matches pretty names and client names, and drops what does not match', () => {
    expect(keys(['synth:mono'], 'kick')).toEqual(['drums:in_1']);
    expect(keys(['synth:mono'], 'drums')).toEqual(['drums:in_1']);
    expect(keys(['synth:mono'], 'nothing')).toEqual([]);
  });
});
