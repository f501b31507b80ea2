import { graphFromSnapshot } from '@jackbay/core/patch';
import { describe, expect, it } from 'vitest';
import { buildBoxes } from '../src/graph/boxes';
import { parseSearch, visibleItems } from '../src/graph/search';
import { out, snapshot, studio } from './fixtures';

const g = graphFromSnapshot(studio());
const shown = (text: string) => {
  const v = visibleItems(g, parseSearch(text));
  return v ? [...v.ports].sort() : null;
};

describe('search', () => {
  it('shows everything for an empty query', () => {
    expect(shown('')).toBeNull();
    expect(shown('   ')).toBeNull();
  });

  it('matches text case-insensitively in port names', () => {
    expect(shown('OUT_l')).toEqual(['synth:out_L']);
  });

  it('shows every port of a client whose name matches', () => {
    expect(shown('synth')).toEqual(['synth:midi_in', 'synth:out_L', 'synth:out_R']);
  });

  it('matches pretty names and aliases', () => {
    const gg = graphFromSnapshot(
      snapshot([
        out('a:x', 'audio', { prettyName: 'Kick mic' }),
        out('a:y', 'audio', { aliases: ['alsa_pcm:hw:1:out7'] }),
        out('a:z'),
      ]),
    );
    expect([...(visibleItems(gg, parseSearch('kick'))?.ports ?? [])]).toEqual(['a:x']);
    expect([...(visibleItems(gg, parseSearch('hw:1'))?.ports ?? [])]).toEqual(['a:y']);
  });

  it('takes /…/ as a regular expression, with flags', () => {
    expect(shown('/^fx:in_\\d$/')).toEqual(['fx:in_1', 'fx:in_2']);
    expect(shown('/OUT_[LR]/')).toEqual([]);
    expect(shown('/OUT_[LR]/i')).toEqual(['synth:out_L', 'synth:out_R']);
  });

  it('is not stateful with the g flag', () => {
    const m = parseSearch('/fx/g');
    if (!m.ok) throw new Error('expected a valid matcher');
    expect([m.test('fx:a'), m.test('fx:a'), m.test('fx:a')]).toEqual([true, true, true]);
  });

  it('reports an invalid expression instead of throwing, and then filters nothing', () => {
    const m = parseSearch('/([a-/');
    expect(m.ok).toBe(false);
    if (!m.ok) expect(m.error).toMatch(/Invalid regular expression/);
    expect(visibleItems(g, m)).toBeNull();
  });

  it('treats an unclosed /expr as the expression typed so far', () => {
    expect(shown('/^keys')).toEqual(['keys:midi_out']);
  });

  it('drops boxes with nothing left to show', () => {
    const v = visibleItems(g, parseSearch('midi'));
    const boxes = buildBoxes(g, v).map((b) => b.id);
    expect(boxes).toEqual(['keys', 'synth']);
  });
});
