import { describe, expect, it } from 'vitest';
import { groupPairs } from '../src/graph/pairs';
import { inp, out } from './fixtures';

function shape(names: string[], type: 'audio' | 'midi' = 'audio') {
  return groupPairs(names.map((n) => out(`c:${n}`, type))).map((r) =>
    r.kind === 'pair'
      ? `[${r.base}|${r.leftLabel}:${r.left.shortName}+${r.rightLabel}:${r.right.shortName}]`
      : r.port.shortName,
  );
}

describe('stereo pairs', () => {
  it('pairs _1/_2 and _3/_4 but not _2/_3, and leaves an odd channel single', () => {
    expect(shape(['capture_1', 'capture_2', 'capture_3', 'capture_4', 'capture_5'])).toEqual([
      '[capture|1:capture_1+2:capture_2]',
      '[capture|3:capture_3+4:capture_4]',
      'capture_5',
    ]);
    expect(shape(['out_2', 'out_3'])).toEqual(['out_2', 'out_3']);
  });

  it('pairs L/R, FL/FR, left/right in any letter case and puts left first', () => {
    expect(shape(['out_R', 'out_L'])).toEqual(['[out|L:out_L+R:out_R]']);
    expect(shape(['playback_FL', 'playback_FR', 'playback_FC'])).toEqual([
      '[playback|FL:playback_FL+FR:playback_FR]',
      'playback_FC',
    ]);
    expect(shape(['front-left', 'front-right'])).toEqual([
      '[front|left:front-left+right:front-right]',
    ]);
    expect(shape(['Master Left', 'Master Right'])).toEqual([
      '[Master|Left:Master Left+Right:Master Right]',
    ]);
    expect(shape(['in_l', 'in_r'])).toEqual(['[in|l:in_l+r:in_r]']);
    expect(shape(['inLeft', 'inRight'])).toEqual(['[in|Left:inLeft+Right:inRight]']);
    expect(shape(['L', 'R'])).toEqual(['[|L:L+R:R]']);
  });

  it('keeps zero padding: out01 pairs with out02', () => {
    expect(shape(['out01', 'out02'])).toEqual(['[out|01:out01+02:out02]']);
  });

  it('does not pair words that merely end in l or r', () => {
    expect(shape(['channel', 'monitor'])).toEqual(['channel', 'monitor']);
    expect(shape(['mixL', 'mixR'])).toEqual(['mixL', 'mixR']);
    expect(shape(['inleft', 'inright'])).toEqual(['inleft', 'inright']);
  });

  it('does not pair across cases, kinds or types', () => {
    expect(shape(['out_L', 'out_r'])).toEqual(['out_L', 'out_r']);
    expect(shape(['out_L', 'out_FR'])).toEqual(['out_L', 'out_FR']);
    expect(shape(['midi_1', 'midi_2'], 'midi')).toEqual(['midi_1', 'midi_2']);
    const mixed = groupPairs([out('c:x_1'), out('c:x_2', 'midi')]);
    expect(mixed.map((r) => r.kind)).toEqual(['port', 'port']);
  });

  it('places a pair where its first port was', () => {
    expect(shape(['a', 'out_2', 'b', 'out_1'])).toEqual(['a', '[out|1:out_1+2:out_2]', 'b']);
  });

  it('works the same for inputs', () => {
    const rows = groupPairs([inp('fx:in_L'), inp('fx:in_R')]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.kind).toBe('pair');
  });
});

describe('stereo pairs with pretty names', () => {
  const named = (names: Array<[string, string | null]>) =>
    groupPairs(names.map(([n, pretty]) => out(`system:${n}`, 'audio', { prettyName: pretty }))).map(
      (r) => (r.kind === 'pair' ? `[${r.left.shortName}+${r.right.shortName}]` : r.port.shortName),
    );

  it('does not pair two inputs a person named Kick and Snare', () => {
    expect(
      named([
        ['capture_1', 'Kick'],
        ['capture_2', 'Snare'],
      ]),
    ).toEqual(['capture_1', 'capture_2']);
  });

  it('pairs them when the pretty names look like a pair too', () => {
    for (const [l, r] of [
      ['Overheads L', 'Overheads R'],
      ['Room left', 'Room right'],
      ['Keys 1', 'Keys 2'],
      ['synth-FL', 'synth-FR'],
    ] as const)
      expect(
        named([
          ['capture_1', l],
          ['capture_2', r],
        ]),
        `${l} / ${r}`,
      ).toEqual(['[capture_1+capture_2]']);
  });

  it('does not pair when the pretty names pair the other way round, differ in stem, or only one is named', () => {
    expect(
      named([
        ['capture_1', 'Room R'],
        ['capture_2', 'Room L'],
      ]),
    ).toEqual(['capture_1', 'capture_2']);
    expect(
      named([
        ['capture_1', 'Kick L'],
        ['capture_2', 'Snare R'],
      ]),
    ).toEqual(['capture_1', 'capture_2']);
    expect(
      named([
        ['capture_1', 'Kick'],
        ['capture_2', null],
      ]),
    ).toEqual(['capture_1', 'capture_2']);
  });
});
