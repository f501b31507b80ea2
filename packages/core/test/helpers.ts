// Test helpers for the core service: the shared real-jackd harness, a
// Python peer driven line by line, and a mirror that rebuilds the graph from
// the patch stream the way a renderer does.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type JackServer,
  jackTool,
  pythonPeer,
  type StartedJackServer,
  startJackServer,
  waitFor,
} from '@jackbay/test-support';
import { GraphPatch, GraphSnapshot, ServerStatus } from '../src/contract.js';
import {
  applyPatch,
  emptyGraph,
  type Graph,
  graphFromSnapshot,
  snapshotFromGraph,
} from '../src/patch.js';
import { JackbayService, type ServiceOptions } from '../src/service.js';

export {
  type JackServer,
  jackTool,
  type LongPeer,
  lockMetadata,
  python,
  pythonJson,
  pythonPeer,
  type StartedJackServer,
  startJackServer,
  waitFor,
} from '@jackbay/test-support';

export const CORE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/** JACK2 runs at most 8 servers per machine; on a shared machine a test may have to wait. */
export const SERVER_WAIT_MS = 60000;
const TOO_MANY = /Too many servers already active/;

export function isServerLimit(text: string): boolean {
  return TOO_MANY.test(text);
}

/**
 * A private jackd for the service's tests: the shared starter, waiting up to
 * SERVER_WAIT_MS for one of JACK2's 8 server slots, with the client timeout
 * the demo server uses (src/jackd.ts), generous for a busy machine.
 */
export function startServer(
  options: { name?: string; period?: number; portMax?: number } = {},
): Promise<StartedJackServer> {
  return startJackServer({ clientTimeoutMs: 2000, startTimeoutMs: SERVER_WAIT_MS, ...options });
}

/**
 * A Python `jack` client that runs each piece of code it is sent and
 * answers with one line: the repr of `result` if the code set it, else 'ok',
 * or 'error …'. `c` is the client; `jack`, `json`, `time` are imported.
 */
export interface ExecPeer {
  run(code: string): Promise<string>;
  stop(): Promise<void>;
}

export async function execPeer(
  server: JackServer,
  clientName: string,
  setup = '',
): Promise<ExecPeer> {
  const peer = pythonPeer(
    server,
    `c = jack.Client(${JSON.stringify(clientName)}, no_start_server=True)
${setup}
c.activate()
print('ready')
for line in sys.stdin:
    try:
        result = None
        exec(json.loads(line))
        print('ok' if result is None else json.dumps(result))
    except Exception as e:
        print('error ' + repr(e))
`,
  );
  const first = await peer.line();
  if (first !== 'ready') throw new Error(`python peer did not start: ${first}`);
  return {
    run: async (code: string) => {
      // One JSON string per line, so the code itself may span lines.
      peer.send(JSON.stringify(code));
      const answer = await peer.line();
      if (answer.startsWith('error ')) throw new Error(`python peer: ${answer}`);
      return answer;
    },
    stop: () => peer.stop(),
  };
}

/** A test file's stage: a server of its own, a service on it, and Python peers. */
export interface Stage {
  server: StartedJackServer;
  service: JackbayService;
  peers: ExecPeer[];
  /** The peer of that client name. */
  peer(client: string): ExecPeer;
}

/** How long a file's beforeAll may take to set its stage (a server slot may be a wait). */
export const STAGE_WAIT_MS = SERVER_WAIT_MS + 20000;

/**
 * Sets a test file's stage: a fresh server, a service on it (`subscribe` runs
 * before it starts, to catch its first events), up; then the peers, started
 * in order; resolves once the service has seen the port `ready`, if given.
 * What started is stopped again if a later step fails.
 */
export async function startStage(options: {
  period?: number;
  portMax?: number;
  service?: Omit<ServiceOptions, 'serverName'>;
  subscribe?: (service: JackbayService) => void;
  peers?: ReadonlyArray<readonly [client: string, setup: string]>;
  ready?: string;
}): Promise<Stage> {
  const server = await startServer({
    ...(options.period ? { period: options.period } : {}),
    ...(options.portMax ? { portMax: options.portMax } : {}),
  });
  const named = new Map<string, ExecPeer>();
  const stage: Partial<Stage> & { peers: ExecPeer[] } = {
    server,
    peers: [],
    peer: (client) => {
      const found = named.get(client);
      if (!found) throw new Error(`no peer '${client}' on this stage`);
      return found;
    },
  };
  try {
    const service = new JackbayService({ serverName: server.name, ...options.service });
    stage.service = service;
    options.subscribe?.(service);
    service.start();
    await waitFor(() => service.isUp, 10000, 'service up');
    for (const [client, setup] of options.peers ?? []) {
      const peer = await execPeer(server, client, setup);
      stage.peers.push(peer);
      named.set(client, peer);
    }
    const ready = options.ready;
    if (ready)
      await waitFor(
        () => service.snapshot().ports.some((port) => port.name === ready),
        10000,
        `the service sees ${ready}`,
      );
    return stage as Stage;
  } catch (error) {
    await stopStage(stage);
    throw error;
  }
}

/** Stops a stage, peers first; what never started is skipped. */
export async function stopStage(stage: Partial<Stage> | undefined): Promise<void> {
  for (const peer of stage?.peers ?? []) await peer.stop();
  await stage?.service?.close();
  await stage?.server?.stop();
}

/**
 * Follows a service the way a renderer does: one snapshot, then every patch,
 * applied with the renderer's own applyPatch.
 */
export class GraphMirror {
  graph: Graph = emptyGraph;
  readonly patches: Array<{ at: number; patch: GraphPatch }> = [];
  readonly statuses: ServerStatus[] = [];
  readonly #off: Array<() => void> = [];

  constructor(service: JackbayService) {
    this.#off.push(
      service.subscribe('graphPatch', (patch) => {
        // The time first: checking the schema takes a while for big patches.
        const at = performance.now();
        // Every event must match the contract's schema.
        GraphPatch.parse(patch);
        this.patches.push({ at, patch });
        this.graph = applyPatch(this.graph, patch);
      }),
      service.subscribe('status', (status) => {
        this.statuses.push(ServerStatus.parse(status));
      }),
    );
    this.graph = graphFromSnapshot(GraphSnapshot.parse(service.snapshot()));
  }

  get snapshot(): GraphSnapshot {
    return snapshotFromGraph(this.graph);
  }

  port(name: string) {
    return this.snapshot.ports.find((port) => port.name === name);
  }

  client(name: string) {
    return this.snapshot.clients.find((client) => client.name === name);
  }

  connected(source: string, destination: string): boolean {
    return this.snapshot.connections.some(
      (c) => c.source === source && c.destination === destination,
    );
  }

  close(): void {
    for (const off of this.#off) off();
  }
}

/**
 * jack_lsp with a retry: on a machine busy with other servers, opening its
 * client can fail now and then (status 0x21) without anything being wrong here.
 */
export async function lsp(server: JackServer, args: string[] = []): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return jackTool(server, 'jack_lsp', args);
    } catch (error) {
      if (attempt >= 4 || !/Cannot open lsp client/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/** The connections jack_lsp -c reports, as 'source -> destination' strings (outputs only). */
/** The ports of `client` with at least one connection, from `jack_lsp -c` output. */
export function connectedPortsOf(client: string | null, lspOutput: string): string[] {
  const lines = lspOutput.split('\n');
  return lines.filter(
    (line, at) =>
      client !== null && line.startsWith(`${client}:`) && (lines[at + 1] ?? '').startsWith(' '),
  );
}

export function lspConnections(output: string, outputs: Set<string>): string[] {
  const result: string[] = [];
  let current = '';
  for (const line of output.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('   ')) {
      if (outputs.has(current)) result.push(`${current} -> ${line.trim()}`);
    } else current = line;
  }
  return result.sort();
}

/** Sorted 'source -> destination' strings of a snapshot. */
export function snapshotConnections(snapshot: GraphSnapshot): string[] {
  return snapshot.connections.map((c) => `${c.source} -> ${c.destination}`).sort();
}

export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line. */
  firstLine(): Promise<string>;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/** Runs the built `jackbay` bin (test/global-setup.ts compiles it first). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): CliProcess {
  const child = spawn(process.execPath, [join(CORE_DIR, 'dist', 'cli.js'), ...args], {
    cwd: CORE_DIR,
    // A config directory of its own: nothing remembered from another test.
    env: { ...env, JACKBAY_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'jackbay-cli-config-')) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const lineWaiters: Array<(line: string) => void> = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const index = out.indexOf('\n');
    if (index >= 0) for (const waiter of lineWaiters.splice(0)) waiter(out.slice(0, index));
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    firstLine: () =>
      new Promise<string>((resolve, reject) => {
        const index = out.indexOf('\n');
        if (index >= 0) return resolve(out.slice(0, index));
        const timer = setTimeout(
          () => reject(new Error(`jackbay printed no line; stderr: ${err}`)),
          15000,
        );
        exit.then(({ code }) => {
          clearTimeout(timer);
          reject(new Error(`jackbay exited (${code}) without a line; stderr: ${err}`));
        });
        lineWaiters.push((line) => {
          clearTimeout(timer);
          resolve(line);
        });
      }),
    exited: () => exit,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.kill('SIGTERM');
      await exit;
      clearTimeout(timer);
    },
  };
}
