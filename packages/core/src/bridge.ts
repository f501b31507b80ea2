// The meter bridge: big meters and loudness for ports a page chose (one port
// or a stereo pair each). Each bridge meter is one jack-native Analyser on
// the service's client (a capture node in the realtime thread copies the
// samples into a ring; libebur128 and the K-meter run here, on this JS
// thread, when the timer reads them). A bridge meter belongs to the page that
// added it (the page's MeterPeer stands for it, as for test tones) and goes
// away when that page closes. While any page has one, each gets one binary
// frame (bridge-frame.ts) of its bridge meters at display rate on its meter
// channel. Like the meter hub, a bridge meter whose port goes away loses its
// analyser without a word and gets a new one when the port comes back.
import { type Analyser, type Client, JackError, OwnPort } from '@jackbay/jack-native';
import {
  type BridgeReading,
  encodeBridgeFrame,
  MAX_BRIDGE_METERS,
  SILENT_CHANNEL,
} from './bridge-frame.js';
import type { BridgeMeterInfo } from './contract.js';
import { JackbayRpcError } from './errors.js';
import { isSessionError } from './graph.js';
import { levelToDb } from './meter-frame.js';
import type { Graph } from './patch.js';

export interface BridgeSource {
  readonly isUp: boolean;
  client(): Client;
  /** The graph as last published: a port not in it gets no analyser. */
  readonly published: Graph;
}

interface Entry extends BridgeMeterInfo {
  owner: object;
  analyser: Analyser | null;
}

interface Page {
  sink: (frame: Uint8Array) => void;
  entries: Entry[];
}

export class MeterBridge {
  readonly #source: BridgeSource;
  readonly #intervalMs: number;
  readonly #log: (message: string) => void;
  readonly #pages = new Map<object, Page>();
  readonly #entries = new Map<number, Entry>();
  #timer: NodeJS.Timeout | null = null;
  #nextId = 1;
  #closed = false;

  constructor(source: BridgeSource, options: { intervalMs: number; log: (m: string) => void }) {
    this.#source = source;
    this.#intervalMs = options.intervalMs;
    this.#log = options.log;
  }

  /** A page opened: its frames go to `sink`. */
  openPage(owner: object, sink: (frame: Uint8Array) => void): void {
    if (!this.#pages.has(owner)) this.#pages.set(owner, { sink, entries: [] });
  }

  /** The page went away: its bridge meters go. */
  pageClosed(owner: object): void {
    const page = this.#pages.get(owner);
    if (!page) return;
    this.#pages.delete(owner);
    for (const entry of page.entries) this.#drop(entry);
    this.#schedule();
  }

  /** Every check comes before anything is made, so a refused request changes nothing. */
  add(owner: object, ports: readonly string[]): BridgeMeterInfo {
    const page = this.#pages.get(owner);
    if (!page) throw new JackbayRpcError('bad-request', 'this page has no meter channel');
    if (ports.length < 1 || ports.length > 2)
      throw new JackbayRpcError('bad-request', 'a bridge meter takes one port or a pair');
    if (page.entries.length >= MAX_BRIDGE_METERS)
      throw new JackbayRpcError(
        'bad-request',
        `a page may have at most ${MAX_BRIDGE_METERS} bridge meters`,
      );
    const client = this.#source.client();
    for (const name of ports) {
      let port: ReturnType<Client['getPortByName']>;
      try {
        port = client.getPortByName(name);
      } catch (error) {
        if (isSessionError(error)) throw error;
        throw new JackbayRpcError('port-not-found', `no JACK port named '${name}'`);
      }
      if (!port.isAudio)
        throw new JackbayRpcError('incompatible-types', `'${name}' is not an audio port`);
      if (port instanceof OwnPort)
        throw new JackbayRpcError('bad-request', `'${name}' is one of Jackbay's own ports`);
    }
    const entry: Entry = {
      id: this.#nextId++,
      ports: [...ports],
      owner,
      analyser: null,
      loudnessError: null,
    };
    this.#attach(entry, client);
    page.entries.push(entry);
    this.#entries.set(entry.id, entry);
    this.#schedule();
    return { id: entry.id, ports: [...entry.ports], loudnessError: entry.loudnessError };
  }

  remove(owner: object, id: number): void {
    const entry = this.#own(owner, id);
    const page = this.#pages.get(owner);
    if (page) page.entries.splice(page.entries.indexOf(entry), 1);
    this.#drop(entry);
    this.#schedule();
  }

  resetLoudness(owner: object, id: number): void {
    const entry = this.#own(owner, id);
    if (entry.loudnessError) throw new JackbayRpcError('loudness-unavailable', entry.loudnessError);
    entry.analyser?.resetLoudness();
  }

  /** Page's bridge meters, in its order. */
  list(owner: object): BridgeMeterInfo[] {
    return (this.#pages.get(owner)?.entries ?? []).map(({ id, ports, loudnessError }) => ({
      id,
      ports: [...ports],
      loudnessError,
    }));
  }

  /**
   * Analysers follow the published graph: a bridge meter whose port went away
   * loses its analyser, and gets one again when the port is back.
   */
  sync(): void {
    if (this.#closed) return;
    const up = this.#source.isUp;
    const graph = this.#source.published.ports;
    for (const entry of this.#entries.values()) {
      const present = up && entry.ports.every((name) => graph.get(name)?.type === 'audio');
      if (entry.analyser && (!present || entry.analyser.removed)) this.#release(entry);
      if (!entry.analyser && present) {
        try {
          this.#attach(entry, this.#source.client());
        } catch (error) {
          if (isSessionError(error)) break;
          this.#log(`no bridge meter on ${entry.ports.join(' + ')}: ${(error as Error).message}`);
        }
      }
    }
    this.#schedule();
  }

  /** The client closed: its analysers went with it. */
  sessionEnded(): void {
    for (const entry of this.#entries.values()) entry.analyser = null;
    this.sync();
  }

  close(): void {
    for (const owner of [...this.#pages.keys()]) this.pageClosed(owner);
    this.#closed = true;
    this.#schedule();
  }

  /** How many analysers run (for tests). */
  get analysers(): number {
    let count = 0;
    for (const entry of this.#entries.values()) if (entry.analyser) count++;
    return count;
  }

  #own(owner: object, id: number): Entry {
    const entry = this.#entries.get(id);
    if (!entry || entry.owner !== owner)
      throw new JackbayRpcError('tool-not-found', `no bridge meter ${id} on this page`);
    return entry;
  }

  #attach(entry: Entry, client: Client): void {
    try {
      entry.analyser = client.addAnalyser(entry.ports);
      entry.loudnessError = null;
    } catch (error) {
      if (!(error instanceof JackError && error.kind === 'loudness-unavailable')) throw error;
      // Levels still work without libebur128; loudness says why it is missing.
      entry.analyser = client.addAnalyser(entry.ports, { loudness: false });
      entry.loudnessError = error.message;
    }
  }

  #release(entry: Entry): void {
    const analyser = entry.analyser;
    entry.analyser = null;
    try {
      analyser?.remove();
    } catch (error) {
      if (!isSessionError(error))
        this.#log(`removing a bridge meter failed: ${(error as Error).message}`);
    }
  }

  #drop(entry: Entry): void {
    this.#entries.delete(entry.id);
    this.#release(entry);
  }

  #schedule(): void {
    const running = !this.#closed && this.#entries.size > 0;
    if (running && !this.#timer) {
      this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
      this.#timer.unref();
    } else if (!running && this.#timer) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  #read(entry: Entry): BridgeReading {
    const silent = {
      id: entry.id,
      channels: entry.ports.map(() => SILENT_CHANNEL),
      momentary: Number.NaN,
      shortTerm: Number.NaN,
      integrated: Number.NaN,
      range: Number.NaN,
    };
    const analyser = entry.analyser;
    if (!analyser || analyser.removed) return silent;
    let reading: ReturnType<Analyser['read']>;
    try {
      reading = analyser.read();
    } catch (error) {
      if (!isSessionError(error)) this.#log(`a bridge meter failed: ${(error as Error).message}`);
      return silent;
    }
    // Nothing arrived since the last frame (two ticks within one period on a
    // busy machine): that is no news, not silence.
    const fresh = reading.frames > 0;
    return {
      id: entry.id,
      channels: reading.channels.map((c) => ({
        peak: fresh ? levelToDb(c.peak) : Number.NaN,
        rms: fresh ? levelToDb(c.rms) : Number.NaN,
        kRms: levelToDb(c.kRms),
        truePeak: fresh && !Number.isNaN(c.truePeak) ? levelToDb(c.truePeak) : Number.NaN,
        clips: c.clips,
      })),
      momentary: reading.momentary,
      shortTerm: reading.shortTerm,
      integrated: reading.integrated,
      range: reading.range,
    };
  }

  #tick(): void {
    for (const page of this.#pages.values()) {
      if (page.entries.length === 0) continue;
      const frame = encodeBridgeFrame(page.entries.map((entry) => this.#read(entry)));
      try {
        page.sink(frame);
      } catch (error) {
        this.#log(`a bridge frame could not be sent: ${(error as Error).message}`);
      }
    }
  }
}
