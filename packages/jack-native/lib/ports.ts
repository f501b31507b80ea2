// Client.inports, .outports, .midiInports, .midiOutports: a live list of own
// ports of one type and direction, with register() and clear().
import type { OwnPort } from './port.js';

export interface RegisterOptions {
  /** Input: data is consumed here. Output: data originates here (synths, hardware). */
  isTerminal?: boolean;
  /** The port corresponds to a physical connector. */
  isPhysical?: boolean;
}

type Registrar = (shortname: string, options: RegisterOptions) => OwnPort;

export class Ports<P extends OwnPort = OwnPort> implements Iterable<P> {
  readonly [index: number]: P;
  /** @internal */
  readonly _list: P[] = [];
  private readonly registrar: Registrar;

  /** @internal */
  constructor(register: Registrar) {
    this.registrar = register;
    // Index access (ports[0]) reads the live list, as in the Python module.
    // biome-ignore lint/correctness/noConstructorReturn: a Proxy is the only way to get index access
    return new Proxy(this, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) return target._list[Number(key)];
        return Reflect.get(target, key, receiver);
      },
      has(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) return Number(key) < target._list.length;
        return Reflect.has(target, key);
      },
    });
  }

  get length(): number {
    return this._list.length;
  }

  /** Creates a port; its full name is 'client:shortname'. */
  register(shortname: string, options: RegisterOptions = {}): P {
    return this.registrar(shortname, options) as P;
  }

  /** Unregisters every port in the list. */
  clear(): void {
    for (const port of [...this._list]) port.unregister();
  }

  [Symbol.iterator](): Iterator<P> {
    return this._list[Symbol.iterator]();
  }

  toString(): string {
    return `[${this._list.map(String).join(', ')}]`;
  }
}
