// The one graph model, as the renderer and the tests' mirror apply patches.
import { describe, expect, it } from 'vitest';
import {
  applyPatch,
  connectionCounts,
  emptyGraph,
  graphFromSnapshot,
  isConnected,
  peersOf,
  snapshotFromGraph,
} from '../src/patch.js';
import { conn, inp, out, patch, snapshot, studio } from './graph-fixtures.js';

describe('graph model', () => {
  it('holds a snapshot in JACK order', () => {
    const g = graphFromSnapshot(studio());
    expect([...g.ports.keys()].slice(0, 3)).toEqual([
      'system:capture_1',
      'system:capture_2',
      'system:playback_1',
    ]);
    expect(g.connections.size).toBe(5);
    expect(g.clients.has('synth')).toBe(true);
  });

  it('adds and removes ports, clients and connections', () => {
    let g = graphFromSnapshot(studio());
    g = applyPatch(
      g,
      patch({
        clientsUpserted: [{ name: 'meter', prettyName: 'Meter', uuid: '9' }],
        portsUpserted: [inp('meter:in')],
        connectionsAdded: [conn('fx:out_1', 'meter:in')],
      }),
    );
    expect(g.ports.get('meter:in')?.direction).toBe('input');
    expect(peersOf(g, 'fx:out_1').sort()).toEqual(['meter:in', 'system:playback_1']);

    g = applyPatch(g, patch({ connectionsRemoved: [conn('fx:out_1', 'meter:in')] }));
    expect(peersOf(g, 'fx:out_1')).toEqual(['system:playback_1']);

    g = applyPatch(g, patch({ clientsRemoved: ['meter'], portsRemoved: ['meter:in'] }));
    expect(g.clients.has('meter')).toBe(false);
    expect(g.ports.has('meter:in')).toBe(false);
  });

  it('drops the connections of a removed port even if the patch forgot them', () => {
    let g = graphFromSnapshot(studio());
    g = applyPatch(g, patch({ portsRemoved: ['fx:in_1'] }));
    expect(peersOf(g, 'synth:out_L')).toEqual([]);
    expect(connectionCounts(g).get('synth:out_R')).toBe(1);
  });

  it('takes a removed client’s remaining ports with it', () => {
    let g = graphFromSnapshot(studio());
    g = applyPatch(g, patch({ clientsRemoved: ['fx'] }));
    expect([...g.ports.keys()].filter((n) => n.startsWith('fx:'))).toEqual([]);
    expect(g.connections.size).toBe(1); // only keys → synth is left
  });

  it('removes a client’s remaining ports and their connections with the client', () => {
    // The patch names only the client: its ports and connections were lost
    // from the same patch, or the service read them in an earlier state.
    const g = applyPatch(graphFromSnapshot(studio()), patch({ clientsRemoved: ['synth'] }));
    expect(snapshotFromGraph(g).ports.map((p) => p.client)).not.toContain('synth');
    expect(isConnected(g, 'keys:midi_out', 'synth:midi_in')).toBe(false);
    expect(isConnected(g, 'synth:out_L', 'fx:in_1')).toBe(false);
    expect(connectionCounts(g).get('fx:in_1')).toBeUndefined();
    expect(isConnected(g, 'fx:out_1', 'system:playback_1')).toBe(true);
  });

  it('treats a rename as removal plus addition, and a re-registration in one patch as present', () => {
    let g = graphFromSnapshot(studio());
    g = applyPatch(g, patch({ portsRemoved: ['synth:out_L'], portsUpserted: [out('synth:left')] }));
    expect(g.ports.has('synth:out_L')).toBe(false);
    expect(g.ports.has('synth:left')).toBe(true);

    g = applyPatch(g, patch({ portsRemoved: ['synth:left'], portsUpserted: [out('synth:left')] }));
    expect(g.ports.has('synth:left')).toBe(true);
  });

  it('upserts replace a port’s whole state', () => {
    let g = graphFromSnapshot(studio());
    g = applyPatch(
      g,
      patch({ portsUpserted: [out('synth:out_L', 'audio', { prettyName: 'Synth left' })] }),
    );
    expect(g.ports.get('synth:out_L')?.prettyName).toBe('Synth left');
    expect(g.ports.size).toBe(12);
  });

  it('returns the same graph for an empty patch (nothing re-renders)', () => {
    const g = graphFromSnapshot(studio());
    expect(applyPatch(g, patch({}))).toBe(g);
  });

  it('never mutates the graph it was given', () => {
    const g = graphFromSnapshot(snapshot([out('a:o'), inp('b:i')]));
    const next = applyPatch(g, patch({ connectionsAdded: [conn('a:o', 'b:i')] }));
    expect(g.connections.size).toBe(0);
    expect(next.connections.size).toBe(1);
    expect(applyPatch(emptyGraph, patch({ portsRemoved: ['x:y'] })).ports.size).toBe(0);
  });
});
