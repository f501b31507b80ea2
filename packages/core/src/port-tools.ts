// Tools on other clients' ports: test tones, MIDI senders and thru routes,
// built from own ports of the service's client (so pages hide them with the
// meter probes) and the engine's sine, MIDI send and thru nodes. A tone or a
// MIDI sender belongs to the page that started it and stops when that page
// goes away, so none is ever forgotten playing; a thru route stays until it
// is removed or the server goes away.
import {
  type Client,
  type MidiSender,
  OwnPort,
  type Port,
  type SineGenerator,
  type Thru,
} from '@jackbay/jack-native';
import type { ThruInfo, ToneInfo, ToolsState } from './contract.js';
import { JackbayRpcError } from './errors.js';
import { isSessionError } from './graph.js';
import { shortMessageProblem } from './midi-message.js';
import { OwnPortPool, type PortKind } from './own-port-pool.js';

export interface PortToolsSource {
  client(): Client;
}

export interface ToneSettings {
  frequency: number;
  level: number;
}

interface Tone extends ToneInfo {
  /** The page that started it. */
  owner: object;
  output: OwnPort;
  sine: SineGenerator;
}

interface Send {
  id: number;
  /** The MIDI input it sends into. */
  port: string;
  owner: object;
  output: OwnPort;
  sender: MidiSender;
}

interface Route extends ThruInfo {
  input: OwnPort;
  output: OwnPort;
  thru: Thru;
}

const THRU_PORTS: Record<ThruInfo['type'], [PortKind, PortKind]> = {
  audio: ['audio-in', 'audio-out'],
  midi: ['midi-in', 'midi-out'],
};

export class PortTools {
  readonly #source: PortToolsSource;
  readonly #changed: (state: ToolsState) => void;
  readonly #log: (message: string) => void;
  readonly #tones = new Map<number, Tone>();
  readonly #routes = new Map<number, Route>();
  readonly #sends = new Map<number, Send>();
  readonly #ports = new OwnPortPool();
  #nextId = 1;

  constructor(
    source: PortToolsSource,
    options: { changed: (state: ToolsState) => void; log: (message: string) => void },
  ) {
    this.#source = source;
    this.#changed = options.changed;
    this.#log = options.log;
  }

  state(): ToolsState {
    return {
      tones: [...this.#tones.values()].map(({ id, ports, frequency, level }) => ({
        id,
        ports: [...ports],
        frequency,
        level,
      })),
      thrus: [...this.#routes.values()].map(({ id, source, destination, type }) => ({
        id,
        source,
        destination,
        type,
      })),
    };
  }

  // Everything is checked before anything is made, so a refused request changes nothing.
  startTone(owner: object, ports: readonly string[], settings: ToneSettings): number {
    const client = this.#source.client();
    const targets = ports.map((name) => this.#foreignPort(client, name));
    for (const port of targets) {
      if (!port.isInput)
        throw new JackbayRpcError('wrong-direction', `'${port.name}' is not an input port`);
      if (!port.isAudio)
        throw new JackbayRpcError('incompatible-types', `'${port.name}' is not an audio port`);
    }
    this.#checkFrequency(client, settings.frequency);
    const id = this.#nextId++;
    const output = this.#ports.take(client, 'audio-out');
    let sine: SineGenerator | null = null;
    try {
      sine = client.addSine(output, settings);
      for (const port of targets) client.connect(output, port);
      this.#tones.set(id, {
        id,
        ports: targets.map((p) => p.name),
        ...settings,
        owner,
        output,
        sine,
      });
    } catch (error) {
      this.#release(sine, [[output, 'audio-out']]);
      throw error;
    }
    this.#emit();
    return id;
  }

  setTone(id: number, settings: ToneSettings): void {
    const tone = this.#tones.get(id);
    if (!tone) throw new JackbayRpcError('tool-not-found', `no test tone ${id}`);
    this.#checkFrequency(this.#source.client(), settings.frequency);
    tone.sine.frequency = settings.frequency;
    tone.sine.level = settings.level;
    tone.frequency = settings.frequency;
    tone.level = settings.level;
    this.#emit();
  }

  stopTone(id: number): void {
    const tone = this.#tones.get(id);
    if (!tone) throw new JackbayRpcError('tool-not-found', `no test tone ${id}`);
    this.#tones.delete(id);
    this.#stopTone(tone);
    this.#emit();
  }

  addThru(sourceName: string, destinationName: string): number {
    const client = this.#source.client();
    const source = this.#foreignPort(client, sourceName);
    const destination = this.#foreignPort(client, destinationName);
    if (!source.isOutput)
      throw new JackbayRpcError('wrong-direction', `'${source.name}' is not an output port`);
    if (!destination.isInput)
      throw new JackbayRpcError('wrong-direction', `'${destination.name}' is not an input port`);
    const type = source.isAudio ? 'audio' : source.isMidi ? 'midi' : null;
    if (type === null || source.type !== destination.type)
      throw new JackbayRpcError(
        'incompatible-types',
        `no thru from '${source.name}' to '${destination.name}': both must be audio or both MIDI`,
      );
    for (const route of this.#routes.values())
      if (route.source === source.name && route.destination === destination.name)
        throw new JackbayRpcError(
          'already-connected',
          `a thru from '${source.name}' to '${destination.name}' exists already`,
        );
    const id = this.#nextId++;
    const [inKind, outKind] = THRU_PORTS[type];
    const input = this.#ports.take(client, inKind);
    let output: OwnPort | null = null;
    let thru: Thru | null = null;
    try {
      output = this.#ports.take(client, outKind);
      thru = client.addThru([[input, output]]);
      client.connect(source, input);
      client.connect(output, destination);
      this.#routes.set(id, {
        id,
        source: source.name,
        destination: destination.name,
        type,
        input,
        output,
        thru,
      });
    } catch (error) {
      this.#release(thru, [
        [input, inKind],
        ...(output ? [[output, outKind] as [OwnPort, PortKind]] : []),
      ]);
      throw error;
    }
    this.#emit();
    return id;
  }

  removeThru(id: number): void {
    const route = this.#routes.get(id);
    if (!route) throw new JackbayRpcError('tool-not-found', `no thru route ${id}`);
    this.#routes.delete(id);
    const [inKind, outKind] = THRU_PORTS[route.type];
    this.#release(route.thru, [
      [route.input, inKind],
      [route.output, outKind],
    ]);
    this.#emit();
  }

  startMidiSend(owner: object, portName: string): number {
    const client = this.#source.client();
    const target = this.#foreignPort(client, portName);
    if (!target.isMidi)
      throw new JackbayRpcError('incompatible-types', `'${target.name}' is not a MIDI port`);
    if (!target.isInput)
      throw new JackbayRpcError('wrong-direction', `'${target.name}' is not an input port`);
    const id = this.#nextId++;
    const output = this.#ports.take(client, 'midi-out');
    let sender: MidiSender | null = null;
    try {
      sender = client.addMidiSender(output);
      client.connect(output, target);
      this.#sends.set(id, { id, port: target.name, owner, output, sender });
    } catch (error) {
      this.#release(sender, [[output, 'midi-out']]);
      throw error;
    }
    return id;
  }

  /** Queues one short message; nothing is sent unless it is well-formed. */
  sendMidi(id: number, bytes: readonly number[]): { queued: boolean; dropped: number } {
    const send = this.#sends.get(id);
    if (!send) throw new JackbayRpcError('tool-not-found', `no MIDI sender ${id}`);
    const problem = shortMessageProblem(bytes);
    if (problem) throw new JackbayRpcError('bad-request', problem);
    const queued = send.sender.send(bytes);
    return { queued, dropped: send.sender.dropped };
  }

  /** Stops a sender: its held notes are turned off before its port is let go. */
  stopMidiSend(id: number): void {
    const send = this.#sends.get(id);
    if (!send) throw new JackbayRpcError('tool-not-found', `no MIDI sender ${id}`);
    this.#sends.delete(id);
    void this.#stopSend(send);
  }

  /** Held notes off, played, then the node goes and the port returns to the pool disconnected. */
  async #stopSend(send: Send): Promise<void> {
    try {
      await send.sender.close();
    } catch (error) {
      if (!isSessionError(error))
        this.#log(`closing a MIDI sender failed: ${(error as Error).message}`);
    }
    this.#release(send.sender, [[send.output, 'midi-out']]);
  }

  /** The page went away: its tones and MIDI senders stop. */
  pageClosed(owner: object): void {
    for (const send of [...this.#sends.values()]) {
      if (send.owner !== owner) continue;
      this.#sends.delete(send.id);
      void this.#stopSend(send);
    }
    let stopped = false;
    for (const tone of [...this.#tones.values()]) {
      if (tone.owner !== owner) continue;
      this.#tones.delete(tone.id);
      this.#stopTone(tone);
      stopped = true;
    }
    if (stopped) this.#emit();
  }

  /** The client closed: its ports, and with them every tool, went with it. */
  sessionEnded(): void {
    this.#sends.clear();
    if (this.#tones.size === 0 && this.#routes.size === 0) return;
    this.#tones.clear();
    this.#routes.clear();
    this.#emit();
  }

  // A port of another client: tools on Jackbay's own ports would only feed themselves.
  #foreignPort(client: Client, name: string): Port {
    let port: Port;
    try {
      port = client.getPortByName(name);
    } catch (error) {
      if (isSessionError(error)) throw error;
      throw new JackbayRpcError('port-not-found', `no JACK port named '${name}'`);
    }
    if (port instanceof OwnPort)
      throw new JackbayRpcError('bad-request', `'${name}' is one of Jackbay's own ports`);
    return port;
  }

  #checkFrequency(client: Client, frequency: number): void {
    const nyquist = client.samplerate / 2;
    if (frequency >= nyquist)
      throw new JackbayRpcError(
        'bad-request',
        `a tone must stay below half the sample rate (${nyquist} Hz)`,
      );
  }

  #stopTone(tone: Tone): void {
    this.#release(tone.sine, [[tone.output, 'audio-out']]);
  }

  // The node first, so the realtime thread stops writing before the ports
  // are disconnected and handed back.
  #release(
    node: SineGenerator | Thru | MidiSender | null,
    ports: Array<[OwnPort, PortKind]>,
  ): void {
    try {
      node?.remove();
      for (const [port, kind] of ports) this.#ports.give(port, kind, this.#log);
    } catch (error) {
      if (!isSessionError(error)) this.#log(`stopping a tool failed: ${(error as Error).message}`);
    }
  }

  #emit(): void {
    this.#changed(this.state());
  }
}
