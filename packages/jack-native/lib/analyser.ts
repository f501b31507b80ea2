// A level and loudness analyser on one audio port or a stereo pair: the
// engine's capture node copies the samples into a ring on JACK's realtime
// thread (nothing more happens there), and the native analyser
// (src/analyser.cpp) drains the ring on the thread that calls read(): peak,
// RMS, the K-system meter's RMS, true peak (4x oversampled) and EBU R128
// loudness through libebur128 (loaded at run time; without it, loudness and
// true peak read NaN, or creating an analyser with `loudness: true` throws
// JackError 'loudness-unavailable').
import { JackError } from './errors.js';
import { ANALYSER } from './layouts.js';
import { call } from './library.js';
import type { NativeAnalyser } from './native.js';
import type { OwnPort, Port } from './port.js';
import type { RingBuffer } from './ringbuffer.js';

export interface AnalyserOptions {
  /** Measure EBU R128 loudness and true peak (needs libebur128); default true. */
  loudness?: boolean;
  /** Seconds of audio the ring holds while nobody reads; default 4. */
  bufferSeconds?: number;
}

/** One channel's levels since the previous read, linear (1.0 = full scale). */
export interface AnalyserChannel {
  peak: number;
  rms: number;
  /** RMS with the K-system meter's ballistics (ω = 9.72/fs on x²), now. */
  kRms: number;
  /** 4x oversampled peak (libebur128); NaN without loudness. */
  truePeak: number;
  /** Samples at or above full scale. */
  clips: number;
}

/** What read() reports; loudness in LUFS (−Infinity: too little signal yet), range in LU. */
export interface AnalyserReading {
  /** Frames analysed since the previous read. */
  frames: number;
  channels: AnalyserChannel[];
  momentary: number;
  shortTerm: number;
  integrated: number;
  range: number;
}

/** What the analyser needs from its engine. */
export interface AnalyserEngine {
  remove(node: Analyser): void;
  analyserOverruns(node: Analyser): number;
}

/** A pair of the port being analysed and the own port that reads it (null for an own port). */
export interface AnalyserTap {
  readonly port: Port;
  readonly probe: OwnPort | null;
}

export class Analyser {
  removed = false;
  readonly #native: NativeAnalyser;
  readonly #out: Float64Array;
  /** @internal */
  constructor(
    readonly id: number,
    /** The ports analysed, one or a stereo pair (left, right). */
    readonly taps: readonly AnalyserTap[],
    /** @internal */ readonly ring: RingBuffer,
    native: NativeAnalyser,
    private readonly engine: AnalyserEngine,
  ) {
    this.#native = native;
    this.#out = new Float64Array(taps.length * ANALYSER.channelValues + ANALYSER.loudnessValues);
  }

  get ports(): Port[] {
    return this.taps.map((tap) => tap.port);
  }

  /** Whether loudness and true peak are measured (libebur128 was found). */
  get hasLoudness(): boolean {
    return this.#native.hasLoudness();
  }

  /**
   * Analyses everything captured since the last call. Pass `out` to fill a
   * raw Float64Array instead (layout: ANALYSER in layouts.ts).
   */
  read(): AnalyserReading {
    if (this.removed) throw new JackError('the analyser was removed', 'failed');
    const out = this.#out;
    const frames = call(() => this.#native.read(out));
    const channels: AnalyserChannel[] = [];
    let at = 0;
    for (let c = 0; c < this.taps.length; c++) {
      channels.push({
        peak: out[at] as number,
        rms: out[at + 1] as number,
        kRms: out[at + 2] as number,
        truePeak: out[at + 3] as number,
        clips: out[at + 4] as number,
      });
      at += ANALYSER.channelValues;
    }
    return {
      frames,
      channels,
      momentary: out[at] as number,
      shortTerm: out[at + 1] as number,
      integrated: out[at + 2] as number,
      range: out[at + 3] as number,
    };
  }

  /** Starts the loudness measurement (integrated, range) afresh. */
  resetLoudness(): void {
    call(() => this.#native.resetLoudness());
  }

  /** Cycles the ring had no room for (nobody read for too long). */
  get overruns(): number {
    return this.engine.analyserOverruns(this);
  }

  remove(): void {
    this.engine.remove(this);
  }

  /** @internal Frees the native state (the engine's plan keeps the ring alive). */
  _close(): void {
    this.#native.close();
  }
}
