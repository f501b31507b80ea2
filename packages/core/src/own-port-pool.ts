// Own ports of the service's client for the tools (test tones, thru routes),
// handed out and taken back instead of registered and unregistered each time.
// JACK2's libjack walks a client's own port list on its notification thread
// while jack_port_unregister erases from it (JackClient.cpp,
// HandleLatencyCallback): a client that unregisters ports while the graph
// changes dies in an assertion sooner or later. The engine keeps its meter
// probes the same way (jack-native's engine.ts).
import type { Client, OwnPort } from '@jackbay/jack-native';

export type PortKind = 'audio-in' | 'audio-out' | 'midi-in' | 'midi-out';

export class OwnPortPool {
  readonly #idle = new Map<PortKind, OwnPort[]>();
  #client: Client | null = null;
  #counter = 0;

  /** An idle port of that kind on `client`, disconnected, or a new one. */
  take(client: Client, kind: PortKind): OwnPort {
    // Ports of a closed client went with it.
    if (client !== this.#client) {
      this.#idle.clear();
      this.#client = client;
    }
    const idle = this.#idle.get(kind)?.pop();
    if (idle) return idle;
    const name = `tool_${kind.replace('-', '_')}_${++this.#counter}`;
    switch (kind) {
      case 'audio-in':
        return client.inports.register(name);
      case 'audio-out':
        return client.outports.register(name);
      case 'midi-in':
        return client.midiInports.register(name);
      case 'midi-out':
        return client.midiOutports.register(name);
    }
  }

  /**
   * Takes a port back once its engine node is removed: disconnected, it
   * waits for the next tool. One that cannot be disconnected is left alone,
   * never handed out again.
   */
  give(port: OwnPort, kind: PortKind, log: (message: string) => void): void {
    if (!port.isRegistered) return;
    try {
      port.disconnect();
    } catch (error) {
      log(`'${port.name}' could not be disconnected: ${(error as Error).message}`);
      return;
    }
    const idle = this.#idle.get(kind) ?? [];
    idle.push(port);
    this.#idle.set(kind, idle);
  }
}
