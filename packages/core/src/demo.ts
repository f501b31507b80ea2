// `--demo`: a private dummy server with a few clients, patched the way a small
// studio would be, so a new user sees a live graph at once.
import { Client, type OwnPort } from '@jackbay/jack-native';
import { type PrivateServer, startPrivateServer } from './jackd.js';

export interface Demo {
  readonly serverName: string;
  stop(): Promise<void>;
}

/** The demo's clients, ports and connections (tests check the graph against this). */
export const DEMO_GRAPH = {
  clients: {
    'Demo Sequencer': { midiOut: ['midi_out'] },
    'Demo Synth': { midiIn: ['midi_in'], audioOut: ['out_L', 'out_R'] },
    'Demo Reverb': { audioIn: ['in_L', 'in_R'], audioOut: ['out_L', 'out_R'] },
  },
  connections: [
    ['Demo Sequencer:midi_out', 'Demo Synth:midi_in'],
    ['Demo Synth:out_L', 'Demo Reverb:in_L'],
    ['Demo Synth:out_R', 'Demo Reverb:in_R'],
    ['Demo Reverb:out_L', 'system:playback_1'],
    ['Demo Reverb:out_R', 'system:playback_2'],
  ],
} as const;

interface PortLists {
  midiIn?: readonly string[];
  midiOut?: readonly string[];
  audioIn?: readonly string[];
  audioOut?: readonly string[];
}

export async function startDemo(log: (message: string) => void = () => {}): Promise<Demo> {
  const server: PrivateServer = await startPrivateServer();
  const clients: Client[] = [];
  const ports = new Map<string, OwnPort>();
  const stop = async () => {
    for (const client of clients.splice(0)) {
      try {
        client.deactivate();
        client.close();
      } catch {
        // The server may be gone already.
      }
    }
    await server.stop();
  };
  try {
    // Pretty names are deliberately not set: JACK2 keeps metadata in one
    // database per machine, keyed by UUIDs that every server reuses, so they
    // would show up on another server's ports too.
    for (const [name, lists] of Object.entries(DEMO_GRAPH.clients) as [string, PortLists][]) {
      const client = new Client(name, {
        serverName: server.name,
        noStartServer: true,
        useExactName: true,
      });
      clients.push(client);
      const own = (port: OwnPort) => ports.set(`${name}:${port.shortname}`, port);
      for (const port of lists.midiIn ?? []) own(client.midiInports.register(port));
      for (const port of lists.midiOut ?? []) own(client.midiOutports.register(port));
      for (const port of lists.audioIn ?? []) own(client.inports.register(port));
      for (const port of lists.audioOut ?? []) own(client.outports.register(port));
      client.activate();
    }
    const [patcher] = clients;
    for (const [source, destination] of DEMO_GRAPH.connections)
      patcher?.connect(source, destination);
    makeSound(clients, ports, log);
  } catch (error) {
    await stop();
    throw error;
  }
  return { serverName: server.name, stop };
}

// Something flows, for meters to show: the synth plays a quiet fifth (native
// sine generators in JACK's realtime thread) and the reverb passes it on.
// A graph without sound still demonstrates patching, so failures only log.
function makeSound(clients: Client[], ports: Map<string, OwnPort>, log: (m: string) => void) {
  const [, synth, reverb] = clients;
  const port = (name: string): OwnPort => {
    const found = ports.get(name);
    if (!found) throw new Error(`demo port '${name}' is missing`);
    return found;
  };
  try {
    synth?.addSine(port('Demo Synth:out_L'), { frequency: 220, level: -18 });
    synth?.addSine(port('Demo Synth:out_R'), { frequency: 330, level: -18 });
    reverb?.addThru([
      [port('Demo Reverb:in_L'), port('Demo Reverb:out_L')],
      [port('Demo Reverb:in_R'), port('Demo Reverb:out_R')],
    ]);
  } catch (error) {
    log(`demo: no sound (${(error as Error).message})`);
  }
}
