// Status bits of jack_client_open and the transport state, as in the Python module.

const STATUS_BITS = {
  failure: 0x01,
  invalidOption: 0x02,
  nameNotUnique: 0x04,
  serverStarted: 0x08,
  serverFailed: 0x10,
  serverError: 0x20,
  noSuchClient: 0x40,
  loadFailure: 0x80,
  initFailure: 0x100,
  shmFailure: 0x200,
  versionError: 0x400,
  backendError: 0x800,
  clientZombie: 0x1000,
} as const;

type StatusName = keyof typeof STATUS_BITS;

/** JACK status bits, one named boolean per bit. */
export class Status {
  constructor(readonly code: number) {}
  get failure(): boolean {
    return this.has('failure');
  }
  get invalidOption(): boolean {
    return this.has('invalidOption');
  }
  get nameNotUnique(): boolean {
    return this.has('nameNotUnique');
  }
  get serverStarted(): boolean {
    return this.has('serverStarted');
  }
  get serverFailed(): boolean {
    return this.has('serverFailed');
  }
  get serverError(): boolean {
    return this.has('serverError');
  }
  get noSuchClient(): boolean {
    return this.has('noSuchClient');
  }
  get loadFailure(): boolean {
    return this.has('loadFailure');
  }
  get initFailure(): boolean {
    return this.has('initFailure');
  }
  get shmFailure(): boolean {
    return this.has('shmFailure');
  }
  get versionError(): boolean {
    return this.has('versionError');
  }
  get backendError(): boolean {
    return this.has('backendError');
  }
  get clientZombie(): boolean {
    return this.has('clientZombie');
  }
  /** Names of the bits that are set. */
  get flags(): StatusName[] {
    return (Object.keys(STATUS_BITS) as StatusName[]).filter((name) => this.has(name));
  }
  toString(): string {
    return `jack.Status(0x${this.code.toString(16)}: ${this.flags.join(', ') || 'ok'})`;
  }
  private has(name: StatusName): boolean {
    return (this.code & STATUS_BITS[name]) !== 0;
  }
}

const STATE_NAMES: Record<number, string> = {
  0: 'STOPPED',
  1: 'ROLLING',
  3: 'STARTING',
  4: 'NETSTARTING',
};

/**
 * The transport state. One instance per code, so `client.transportState === ROLLING`
 * works; `Number(state)` gives JACK's numeric code.
 */
export class TransportState {
  private static readonly instances = new Map<number, TransportState>();

  static of(code: number): TransportState {
    let state = TransportState.instances.get(code);
    if (!state) {
      state = new TransportState(code);
      TransportState.instances.set(code, state);
    }
    return state;
  }

  private constructor(readonly code: number) {}

  get name(): string {
    return STATE_NAMES[this.code] ?? `UNKNOWN(${this.code})`;
  }
  valueOf(): number {
    return this.code;
  }
  toString(): string {
    return `jack.${this.name}`;
  }
}

/** Transport halted. */
export const STOPPED = TransportState.of(0);
/** Transport playing. */
export const ROLLING = TransportState.of(1);
/** Waiting for sync ready. */
export const STARTING = TransportState.of(3);
/** Waiting for sync ready on the network. */
export const NETSTARTING = TransportState.of(4);
