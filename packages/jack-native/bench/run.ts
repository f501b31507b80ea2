// `pnpm bench`: times the same JACK operations with our library, with the
// Python `jack` module and with plain C calls of libjack, against one private
// jackd, and prints the times and ratios next to the aims of issue 2.
// A benchmark, not a test: it asserts nothing about speed.
//
// The three run side by side and take turns (see measure()); each time is a
// median of several batches.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type JackServer, PYTHON, startJackServer, testServerKind } from '@jackbay/test-support';
import { libraryInfo } from '../lib/index.js';
import { type LineChild, lineChild } from './line-child.js';
import { type BenchConfig, configArgs, type Operation, ourBench } from './ours.js';

const here = dirname(fileURLToPath(import.meta.url));

const config: BenchConfig = {
  helper: 'helper',
  pairs: 500, // the helper holds 500 outputs and 500 inputs: 1000 ports
  lookups: 10_000,
  reads: 10_000,
  registers: 500,
  getports: 10,
};
// Timed batches per operation and side (each after an untimed one).
const REPS = 15;

// 'C+cb' is the C program with graph notification callbacks installed, as
// our library always has them (so JS can subscribe at any time): an active
// client that listens makes the server notify it of every change.
type Side = 'C' | 'C+cb' | 'ours' | 'Python';
const SIDES: readonly Side[] = ['C', 'ours', 'Python'];

interface Row {
  label: string;
  operation: Operation;
  /** What the C column shows, when not the same operation by plain C. */
  c?: { side: Side; operation: string };
  /** The aim for ours/C (issue 2). */
  aim: number;
}

// jack_get_ports hands C pointers into JACK's shared memory; any binding must
// make strings (and port objects) of them, so a second row compares with C
// doing what a binding does: jack_port_by_name for each name.
const ROWS: Row[] = [
  { label: `getPorts() ×${config.getports}, 1000+ ports`, operation: 'getPorts', aim: 1.3 },
  {
    label: '  same, C also looks up each port',
    operation: 'getPorts',
    c: { side: 'C', operation: 'getPortsHandles' },
    aim: 1.3,
  },
  { label: `getPortByName ×${config.lookups}`, operation: 'getPortByName', aim: 3 },
  { label: `port flags+type+name ×${config.reads}`, operation: 'readPort', aim: 3 },
  { label: `connect+disconnect ×${config.pairs} pairs`, operation: 'connect', aim: 1.3 },
  {
    label: '  same, C with callbacks like ours',
    operation: 'connect',
    c: { side: 'C+cb', operation: 'connect' },
    aim: 1.3,
  },
  { label: `register+unregister ×${config.registers}`, operation: 'register', aim: 1.3 },
  {
    label: '  same, C with callbacks like ours',
    operation: 'register',
    c: { side: 'C+cb', operation: 'register' },
    aim: 1.3,
  },
];

// What a side cannot do against the server of this run, and why: the table
// shows a dash there and prints the reason.
const CANNOT: ReadonlyMap<string, string> =
  testServerKind() === 'pipewire'
    ? new Map([
        [
          'Python:register',
          'the Python module crashes (SIGSEGV in jack_port_name) unregistering a second batch of ' +
            "50 ports on an active client through PipeWire 0.3.65's libjack; C and ours do not",
        ],
      ])
    : new Map();

function compileC(dir: string): string {
  const binary = join(dir, 'jack_bench');
  const gcc = spawnSync('gcc', ['-O2', '-o', binary, join(here, 'jack_bench.c'), '-ljack'], {
    encoding: 'utf8',
  });
  if (gcc.status !== 0)
    throw new Error(
      `gcc failed (needs gcc and libjack-jackd2-dev): ${gcc.error?.message ?? gcc.stderr}`,
    );
  return binary;
}

async function expectReady(child: LineChild, what: string): Promise<void> {
  const line = await child.next();
  if (line !== 'ready') throw new Error(`${what} did not start: ${line}`);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const ms = (value: number) => value.toFixed(value < 10 ? 3 : 1);
const ratio = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)}×`;

function printTable(times: Map<string, number>): void {
  const header = ['operation', 'C ms', 'ours ms', 'Python ms', 'ours/C', 'Python/ours', 'aim', ''];
  const rows = ROWS.map((row) => {
    const c = times.get(`${row.c?.side ?? 'C'}:${row.c?.operation ?? row.operation}`) as number;
    const ours = times.get(`ours:${row.operation}`) as number;
    const python = times.get(`Python:${row.operation}`) ?? Number.NaN;
    const oursOverC = ours / c;
    return [
      row.label,
      ms(c),
      ms(ours),
      Number.isNaN(python) ? '—' : ms(python),
      ratio(oursOverC),
      Number.isNaN(python) ? '—' : ratio(python / ours),
      `≤ ${row.aim}×`,
      oursOverC <= row.aim ? 'met' : 'MISSED',
    ];
  });
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((row) => (row[i] as string).length)));
  const format = (row: string[]) =>
    row
      .map((cell, i) => {
        const width = widths[i] as number;
        return i === 0 ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('  ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(format(row));
  for (const [job, reason] of CANNOT) console.log(`— ${job}: ${reason}`);
  console.log(
    `\nMedians of ${REPS} batches. Aims (issue 2): ours within 1.3× of C on the` +
      '\nserver-bound operations, within 3× of C on the local ones (reading and looking up ports).',
  );
}

interface Runner {
  activate(): Promise<void>;
  deactivate(): Promise<void>;
  /** One batch of `operation`; its time in ms. */
  run(operation: string): Promise<number>;
}

function childRunner(child: LineChild): Runner {
  const expectOk = async (request: string) => {
    const answer = await child.ask(request);
    if (answer !== 'ok') throw new Error(`${request}: ${answer}`);
  };
  return {
    activate: () => expectOk('activate'),
    deactivate: () => expectOk('deactivate'),
    run: async (operation) => Number(await child.ask(operation)),
  };
}

/**
 * Samples by 'side:operation'. The sides take turns batch by batch, in an
 * order that rotates, so that load changes on a shared machine hit all three
 * alike. Only the side being measured is active: an active client gets every
 * graph notification, which would cost the others time. Each timed batch
 * follows an untimed one, which warms caches (ours and libjack's) after the
 * activation.
 */
async function measure(sides: Record<Side, Runner>): Promise<Map<string, number[]>> {
  const samples = new Map<string, number[]>();
  const jobs: Array<[Side, string]> = [];
  for (const row of ROWS) {
    if (!row.c) for (const side of SIDES) jobs.push([side, row.operation]);
    else jobs.push([row.c.side, row.c.operation]);
  }
  const possible = jobs.filter(([side, operation]) => !CANNOT.has(`${side}:${operation}`));
  for (let rep = 0; rep < REPS; rep++) {
    for (const operation of new Set(possible.map(([, op]) => op))) {
      const turn = possible.filter(([, op]) => op === operation).map(([side]) => side);
      for (let k = 0; k < turn.length; k++) {
        const side = turn[(rep + k) % turn.length] as Side;
        const runner = sides[side];
        await runner.activate();
        await runner.run(operation);
        const time = await runner.run(operation);
        await runner.deactivate();
        const key = `${side}:${operation}`;
        samples.set(key, [...(samples.get(key) ?? []), time]);
      }
    }
  }
  return samples;
}

async function main(): Promise<void> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'jackbay-bench-'));
  let server: JackServer | undefined;
  const children: LineChild[] = [];
  try {
    const binary = compileC(dir);
    server = await startJackServer();
    const helper = lineChild(binary, ['hold', String(config.pairs)], server.env);
    children.push(helper);
    await expectReady(helper, 'the helper client');

    const args = configArgs(config);
    const c = lineChild(binary, ['serve', ...args], server.env);
    const cWithCallbacks = lineChild(binary, ['serve-callbacks', ...args], server.env);
    const python = lineChild(PYTHON, [join(here, 'jack_bench.py'), ...args], server.env);
    children.push(c, cWithCallbacks, python);
    await expectReady(c, 'the C side');
    await expectReady(cWithCallbacks, 'the C side with callbacks');
    await expectReady(python, 'the Python side');
    const ours = ourBench(server.name, config);

    const info = libraryInfo();
    console.log(
      `${info.isPipeWire ? 'PipeWire' : 'jackd (dummy driver)'} ${server.name}, ` +
        `libjack ${info.versionString} (${info.path}),\n` +
        `Node ${process.version}, Python jack module via ${PYTHON}\n`,
    );

    const sides: Record<Side, Runner> = {
      C: childRunner(c),
      'C+cb': childRunner(cWithCallbacks),
      Python: childRunner(python),
      ours: {
        activate: async () => ours.activate(),
        deactivate: async () => ours.deactivate(),
        run: async (operation) => ours.run(operation as Operation),
      },
    };
    const samples = await measure(sides);
    ours.close();
    ours.close();
    const times = new Map([...samples].map(([key, values]) => [key, median(values)]));
    printTable(times);
    console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    for (const child of children.reverse()) await child.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
