// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import {
  boxId,
  escapeId,
  handlePorts,
  pairHandleId,
  portHandleId,
  unescapeId,
} from '../src/graph/ids';

describe('ids', () => {
  it('leaves ordinary JACK names readable', () => {
    expect(portHandleId('system:capture_1')).toBe('system:capture_1');
    expect(portHandleId('PulseAudio JACK Sink:front-left')).toBe('PulseAudio JACK Sink:front-left');
  });

  it('escapes what would break a CSS attribute selector, reversibly', () => {
    for (const name of ['a"b:c', 'x\\y:z', 'p%q:r', 'tab\there:x', 'pair:%pair%:x']) {
      const id = escapeId(name);
      expect(id).not.toMatch(/["\\\t]/);
      expect(unescapeId(id)).toBe(name);
      expect(() => document.querySelector(`[data-id="${id}"]`)).not.toThrow();
    }
  });

  it('names both ports of a pair and never confuses a port with a pair', () => {
    expect(handlePorts(pairHandleId('fx:out %+1', 'fx:out %+2'))).toEqual([
      'fx:out %+1',
      'fx:out %+2',
    ]);
    expect(handlePorts(portHandleId('%pair%x:y'))).toEqual(['%pair%x:y']);
    expect(handlePorts(null)).toEqual([]);
  });

  it('gives each side of a split client its own id', () => {
    expect(
      new Set([boxId('a', 'both'), boxId('a', 'in'), boxId('a', 'out'), boxId('a%in', 'both')])
        .size,
    ).toBe(4);
  });
});
