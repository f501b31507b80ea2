// Builders for contract objects, so graph-model tests state only what matters to them.
import type { Connection, GraphPatch, GraphSnapshot, PortInfo } from '../src/contract.js';

export function port(
  name: string,
  direction: 'input' | 'output',
  type: 'audio' | 'midi' | 'other' = 'audio',
  extra: Partial<PortInfo> = {},
): PortInfo {
  const at = name.indexOf(':');
  return {
    name,
    client: extra.client ?? name.slice(0, at),
    shortName: name.slice(at + 1),
    type,
    typeString:
      type === 'audio' ? '32 bit float mono audio' : type === 'midi' ? '8 bit raw midi' : 'OSC',
    direction,
    isPhysical: false,
    isTerminal: false,
    canMonitor: false,
    flags: direction === 'input' ? 1 : 2,
    aliases: [],
    prettyName: null,
    uuid: name,
    latency: { capture: { min: 0, max: 0 }, playback: { min: 0, max: 0 } },
    ...extra,
  };
}

export const out = (
  name: string,
  type: 'audio' | 'midi' | 'other' = 'audio',
  extra: Partial<PortInfo> = {},
) => port(name, 'output', type, extra);
export const inp = (
  name: string,
  type: 'audio' | 'midi' | 'other' = 'audio',
  extra: Partial<PortInfo> = {},
) => port(name, 'input', type, extra);

export function conn(source: string, destination: string): Connection {
  return { source, destination };
}

export function snapshot(ports: PortInfo[], connections: Connection[] = []): GraphSnapshot {
  const clients = [...new Set(ports.map((p) => p.client))].map((name) => ({
    name,
    prettyName: null,
    uuid: null,
  }));
  return { clients, ports, connections };
}

export function patch(p: Partial<GraphPatch>): GraphPatch {
  return {
    clientsUpserted: [],
    clientsRemoved: [],
    portsUpserted: [],
    portsRemoved: [],
    connectionsAdded: [],
    connectionsRemoved: [],
    ...p,
  };
}

/** A small studio: hardware, a synth, a stereo effect, a MIDI keyboard. */
export function studio(): GraphSnapshot {
  const hw = { isPhysical: true, isTerminal: true };
  return snapshot(
    [
      out('system:capture_1', 'audio', hw),
      out('system:capture_2', 'audio', hw),
      inp('system:playback_1', 'audio', hw),
      inp('system:playback_2', 'audio', hw),
      out('keys:midi_out', 'midi'),
      inp('synth:midi_in', 'midi'),
      out('synth:out_L'),
      out('synth:out_R'),
      inp('fx:in_1'),
      inp('fx:in_2'),
      out('fx:out_1'),
      out('fx:out_2'),
    ],
    [
      conn('keys:midi_out', 'synth:midi_in'),
      conn('synth:out_L', 'fx:in_1'),
      conn('synth:out_R', 'fx:in_2'),
      conn('fx:out_1', 'system:playback_1'),
      conn('fx:out_2', 'system:playback_2'),
    ],
  );
}
