// Jackbay as JACK's timebase master: the native engine fills in bar, beat and
// tick every cycle from a constant tempo. The claim is the person's choice
// and outlives the client: a renewed client or a restarted server gets it
// back, unless another client has taken the timebase meanwhile.
import { type Client, JackError, type Tempo } from '@jackbay/jack-native';
import type { TransportInfo } from './contract.js';
import { JackbayRpcError } from './errors.js';

export type TempoChange = Partial<Omit<Tempo, 'ticksPerBeat'>>;

const DEFAULT_TEMPO: Tempo = {
  beatsPerMinute: 120,
  beatsPerBar: 4,
  beatType: 4,
  ticksPerBeat: 1920,
};

// Status reads in a row whose BBT is not Jackbay's before it counts as lost:
// the first reads after a tempo change may still carry the old one.
const READS_TO_LOSE = 5;

export class TimebaseMaster {
  #tempo: Tempo = { ...DEFAULT_TEMPO };
  #claimed = false;
  #mismatches = 0;
  readonly #log: (message: string) => void;

  constructor(log: (message: string) => void) {
    this.#log = log;
  }

  get claimed(): boolean {
    return this.#claimed;
  }

  take(client: Client): void {
    if (this.#claimed) return;
    if (!client.setTimebaseMaster(this.#tempo, { conditional: true }))
      throw new JackbayRpcError(
        'timebase-busy',
        'another JACK client is the timebase master; release it there first',
      );
    this.#claimed = true;
    this.#mismatches = 0;
  }

  release(client: Client): void {
    if (!this.#claimed) return;
    this.#claimed = false;
    try {
      client.releaseTimebase();
    } catch (error) {
      // Someone took the timebase meanwhile: Jackbay holds nothing to give up.
      if (!(error instanceof JackError)) throw error;
    }
  }

  setTempo(client: Client, change: TempoChange): void {
    if (!this.#claimed)
      throw new JackbayRpcError(
        'not-timebase-master',
        'Jackbay is not the timebase master: make it the master to set the tempo',
      );
    const next = { ...this.#tempo };
    for (const [key, value] of Object.entries(change) as Array<[keyof TempoChange, number]>)
      if (value !== undefined) next[key] = value;
    client.setTempo(next);
    this.#tempo = next;
    this.#mismatches = 0;
    // JACK asks a master for BBT only while rolling or after a locate: a
    // stopped transport shows the new tempo once it is located where it is.
    const [state, position] = client.transportQueryStruct();
    if (state === 0) client.transportFrame = position.frame;
  }

  /** A new client (renewed, or on a restarted server): claim the timebase again. */
  reclaim(client: Client): void {
    if (!this.#claimed) return;
    let taken: boolean;
    try {
      taken = client.setTimebaseMaster(this.#tempo, { conditional: true });
    } catch (error) {
      if (!(error instanceof JackError)) throw error;
      taken = false;
    }
    this.#mismatches = 0;
    if (!taken) {
      this.#claimed = false;
      this.#log(
        'Jackbay could not take the timebase back on the new client; it is no longer master',
      );
    }
  }

  /**
   * Who fills in the BBT. JACK says nothing to a master that lost the
   * timebase to an unconditional claim; a BBT that stays unlike Jackbay's
   * tempo says it.
   */
  owner(bbt: TransportInfo['bbt']): TransportInfo['timebase'] {
    if (!this.#claimed) return bbt ? 'other' : 'none';
    const ours =
      bbt !== null &&
      bbt.beatsPerMinute === this.#tempo.beatsPerMinute &&
      bbt.beatsPerBar === this.#tempo.beatsPerBar &&
      bbt.beatType === this.#tempo.beatType;
    this.#mismatches = ours ? 0 : this.#mismatches + 1;
    if (this.#mismatches >= READS_TO_LOSE) {
      this.#claimed = false;
      this.#log('another client took the timebase; Jackbay is no longer master');
      return bbt ? 'other' : 'none';
    }
    return 'jackbay';
  }
}
