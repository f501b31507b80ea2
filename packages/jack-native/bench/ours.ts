// Our library's side of the benchmark: the same operations, with the same
// counts, as jack_bench.c and jack_bench.py.
import { Client, type OwnPort, type Port } from '../lib/index.js';

export interface BenchConfig {
  /** Name of the client holding the ports (its ports are out_N and in_N). */
  helper: string;
  pairs: number;
  lookups: number;
  reads: number;
  registers: number;
  getports: number;
}

export type Operation = 'getPorts' | 'getPortByName' | 'readPort' | 'connect' | 'register';

/** The arguments jack_bench.c (after 'serve') and jack_bench.py take. */
export function configArgs(config: BenchConfig): string[] {
  const { helper, pairs, lookups, reads, registers, getports } = config;
  return [helper, ...[pairs, lookups, reads, registers, getports].map(String)];
}

export interface OurBench {
  activate(): void;
  deactivate(): void;
  /** Runs one batch of an operation; returns its time in ms. */
  run(operation: Operation): number;
  close(): void;
}

export function ourBench(serverName: string, config: BenchConfig): OurBench {
  const client = new Client('bench-ts', { serverName, noStartServer: true, useExactName: true });
  const outs = Array.from({ length: config.pairs }, (_, i) => `${config.helper}:out_${i}`);
  const ins = Array.from({ length: config.pairs }, (_, i) => `${config.helper}:in_${i}`);
  const names = [...outs, ...ins];
  const ports: Port[] = names.map((name) => client.getPortByName(name));
  let sink = 0;

  const operations: Record<Operation, () => void> = {
    getPorts() {
      for (let i = 0; i < config.getports; i++) sink += client.getPorts().length;
    },
    getPortByName() {
      for (let i = 0; i < config.lookups; i++)
        sink += client.getPortByName(names[i % names.length] as string).flags;
    },
    readPort() {
      for (let i = 0; i < config.reads; i++) {
        const port = ports[i % ports.length] as Port;
        sink += port.flags + port.type.length + port.name.length;
      }
    },
    connect() {
      for (let i = 0; i < config.pairs; i++) client.connect(outs[i] as string, ins[i] as string);
      for (let i = 0; i < config.pairs; i++) client.disconnect(outs[i] as string, ins[i] as string);
    },
    register() {
      const own: OwnPort[] = [];
      for (let i = 0; i < config.registers; i++) own.push(client.outports.register(`reg_${i}`));
      for (const port of own) port.unregister();
    },
  };

  return {
    activate: () => client.activate(),
    deactivate: () => client.deactivate(),
    run(operation) {
      const start = performance.now();
      operations[operation]();
      return performance.now() - start;
    },
    close() {
      // Using the sink keeps the reads from being optimised away.
      if (sink < 0) console.log(sink);
      client.close();
    },
  };
}
