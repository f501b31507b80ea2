import { graphFromSnapshot } from '@jackbay/core/patch';
import { describe, expect, it } from 'vitest';
import { orient, planConnect, planDisconnect } from '../src/graph/validate';
import { conn, inp, out, snapshot, studio } from './fixtures';

const g = graphFromSnapshot(studio());

describe('connection checks', () => {
  it('orders a drag that starts at an input', () => {
    expect(orient(g, 'fx:in_1', 'synth:out_R')).toEqual({
      ok: true,
      connection: { source: 'synth:out_R', destination: 'fx:in_1' },
    });
  });

  it('refuses audio to MIDI with a reason naming both ports', () => {
    const r = planConnect(g, ['synth:out_L'], ['synth:midi_in']);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('incompatible-types');
      expect(r.reason).toContain('synth:out_L');
      expect(r.reason).toContain('MIDI');
    }
  });

  it('refuses input to input and output to output', () => {
    const a = planConnect(g, ['fx:in_1'], ['system:playback_1']);
    const b = planConnect(g, ['fx:out_1'], ['synth:out_L']);
    expect(a.ok || a.code).toBe('wrong-direction');
    expect(b.ok || b.code).toBe('wrong-direction');
    if (!a.ok) expect(a.reason).toMatch(/both inputs/);
    if (!b.ok) expect(b.reason).toMatch(/both outputs/);
  });

  it('refuses a port to itself and ports that are gone', () => {
    expect(planConnect(g, ['fx:in_1'], ['fx:in_1']).ok).toBe(false);
    const gone = planConnect(g, ['fx:out_1'], ['nowhere:in']);
    expect(gone.ok || gone.code).toBe('unknown-port');
  });

  it('refuses different "other" types, allows equal ones', () => {
    const gg = graphFromSnapshot(
      snapshot([
        out('a:osc', 'other', { typeString: 'OSC' }),
        inp('b:osc', 'other', { typeString: 'OSC' }),
        inp('b:cv', 'other', { typeString: 'CV' }),
      ]),
    );
    expect(planConnect(gg, ['a:osc'], ['b:osc']).ok).toBe(true);
    expect(planConnect(gg, ['a:osc'], ['b:cv']).ok).toBe(false);
  });

  it('connects a pair onto a pair left to left, right to right', () => {
    const r = planConnect(g, ['fx:out_1', 'fx:out_2'], ['system:playback_2', 'system:playback_1']);
    // The caller passes pairs left first; this checks the zip, not a re-sort.
    expect(r.ok && r.connections).toEqual([
      conn('fx:out_1', 'system:playback_2'),
      conn('fx:out_2', 'system:playback_1'),
    ]);
  });

  it('connects one port with both sides of a pair', () => {
    const r = planConnect(g, ['keys:midi_out'], ['synth:midi_in']);
    expect(r.ok || r.code).toBe('already-connected');
    const mono = planConnect(g, ['system:capture_1'], ['fx:in_1', 'fx:in_2']);
    expect(mono.ok && mono.connections).toEqual([
      conn('system:capture_1', 'fx:in_1'),
      conn('system:capture_1', 'fx:in_2'),
    ]);
  });

  it('skips what is already connected and refuses when nothing is left', () => {
    const partly = planConnect(g, ['synth:out_L', 'synth:out_R'], ['fx:in_1', 'system:playback_2']);
    expect(partly.ok).toBe(true);
    if (partly.ok) {
      expect(partly.connections).toEqual([conn('synth:out_R', 'system:playback_2')]);
      expect(partly.alreadyConnected).toEqual([conn('synth:out_L', 'fx:in_1')]);
    }
    const all = planConnect(g, ['synth:out_L', 'synth:out_R'], ['fx:in_1', 'fx:in_2']);
    expect(all.ok || all.code).toBe('already-connected');
  });

  it('refuses a whole pair if one side cannot work', () => {
    const gg = graphFromSnapshot(
      snapshot([out('a:o_1'), out('a:o_2'), inp('b:i'), inp('b:m', 'midi')]),
    );
    expect(planConnect(gg, ['a:o_1', 'a:o_2'], ['b:i', 'b:m']).ok).toBe(false);
  });

  it('plans a disconnect only for existing connections', () => {
    const r = planDisconnect(g, ['synth:out_L', 'synth:out_R'], ['fx:in_1', 'fx:in_2']);
    expect(r.ok && r.connections.length).toBe(2);
    const none = planDisconnect(g, ['system:capture_1'], ['fx:in_1']);
    expect(none.ok || none.code).toBe('not-connected');
  });
});
