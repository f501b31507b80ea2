// The examples, each run as a user would run it (a separate Node process)
// against a private server, and judged by their effect as a Python `jack`
// peer or JACK's own tools see it, or by what they print about a peer.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type JackServer,
  jackTool,
  type LongPeer,
  lockMetadata,
  nodeEnv,
  pythonJson,
  pythonPeer,
  startJackServer,
  waitFor,
} from '@jackbay/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE_ARGS = ['--import', 'tsx', 'examples/run.ts'];

let server: JackServer;
beforeAll(async () => {
  server = await startJackServer();
});
afterAll(async () => {
  await server?.stop();
});

interface Finished {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs an example to completion. */
function run(name: string, ...args: string[]): Finished {
  const result = spawnSync(process.execPath, [...NODE_ARGS, name, ...args], {
    cwd: PACKAGE,
    env: nodeEnv(server.env),
    encoding: 'utf8',
    timeout: 30000,
  });
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** Runs an example that must succeed; returns its output. */
function ok(name: string, ...args: string[]): string {
  const result = run(name, ...args);
  if (result.status !== 0)
    throw new Error(
      `example ${name} ${args.join(' ')} exited with ${result.status ?? result.signal}:\n${result.stderr}`,
    );
  return result.stdout;
}

interface Running {
  readonly child: ChildProcess;
  output(): string;
  errors(): string;
  exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a long-running example in the background. */
function start(name: string, ...args: string[]): Running {
  const child = spawn(process.execPath, [...NODE_ARGS, name, ...args], {
    cwd: PACKAGE,
    env: nodeEnv(server.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (status, signal) => resolve({ status, signal })),
  );
  return { child, output: () => stdout, errors: () => stderr, exited };
}

// A Python client that reports the transport as it sees it, once per line of input.
function transportObserver(): LongPeer {
  return pythonPeer(
    server,
    `
c = jack.Client('observer')
c.activate()
names = {jack.STOPPED: 'STOPPED', jack.ROLLING: 'ROLLING', jack.STARTING: 'STARTING'}
print('ready')
for line in sys.stdin:
    state, pos = c.transport_query()
    print(json.dumps({'state': names.get(state, str(state)), 'frame': pos['frame']}))
`,
  );
}

interface Seen {
  state: string;
  frame: number;
}

describe('transporter', () => {
  let observer: LongPeer;
  const seen = async (): Promise<Seen> => {
    observer.send('?');
    return JSON.parse(await observer.line()) as Seen;
  };
  const until = (check: (s: Seen) => boolean, what: string) =>
    waitFor(async () => check(await seen()), 5000, what);

  beforeAll(async () => {
    observer = transportObserver();
    expect(await observer.line()).toBe('ready');
  });
  afterAll(async () => {
    ok('transporter', 'stop');
    await observer.stop();
  });

  it('starts, stops and toggles the transport as a Python client sees it', async () => {
    ok('transporter', 'start');
    await until((s) => s.state === 'ROLLING', 'ROLLING after start');
    expect(ok('transporter', 'status')).toContain('JACK transport is rolling.');

    ok('transporter', 'stop');
    await until((s) => s.state === 'STOPPED', 'STOPPED after stop');
    expect(ok('transporter')).toContain('JACK transport is stopped.');

    ok('transporter', 'toggle');
    await until((s) => s.state === 'ROLLING', 'ROLLING after toggle');
    ok('transporter', 'toggle');
    await until((s) => s.state === 'STOPPED', 'STOPPED after second toggle');
  });

  it('locates and rewinds; query prints the position', async () => {
    ok('transporter', 'stop');
    await until((s) => s.state === 'STOPPED', 'STOPPED');
    ok('transporter', 'locate', '96000');
    await until((s) => s.frame === 96000, 'frame 96000');
    const query = ok('transporter', 'query');
    expect(query).toContain('State: stopped');
    expect(query).toMatch(/^frame: 96000$/m);
    expect(query).toMatch(/^frameRate: 48000$/m);
    ok('transporter', 'rewind');
    await until((s) => s.frame === 0, 'frame 0 after rewind');
  });

  it('rejects a bad command or frame with usage and changes nothing', async () => {
    ok('transporter', 'locate', '4800');
    await until((s) => s.frame === 4800, 'frame 4800');
    for (const args of [['bogus'], ['locate'], ['locate', 'ten'], ['start', 'extra']]) {
      const result = run('transporter', ...args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('usage: transporter');
    }
    const now = await seen();
    expect(now).toEqual({ state: 'STOPPED', frame: 4800 });
  });
});

describe('aliases', () => {
  let peer: LongPeer;
  beforeAll(async () => {
    peer = pythonPeer(
      server,
      `
c = jack.Client('aliaspeer')
p = c.outports.register('out')
c.activate()
print('ready')
for line in sys.stdin:
    print(json.dumps(c.get_port_by_name('aliaspeer:out').aliases))
`,
    );
    expect(await peer.line()).toBe('ready');
  });
  afterAll(async () => {
    await peer.stop();
  });
  const peerSees = async (): Promise<string[]> => {
    peer.send('?');
    return JSON.parse(await peer.line()) as string[];
  };
  const lspAliases = () => jackTool(server, 'jack_lsp', ['-A', 'aliaspeer:out']);

  it("sets two aliases on another client's port, seen by jack_lsp -A and Python", async () => {
    const output = ok('aliases', 'aliaspeer:out', '--set', 'first one', '--set', 'second');
    expect(output).toContain("aliaspeer:out: alias 1 = 'first one'");
    expect(output).toContain("aliaspeer:out: alias 2 = 'second'");
    expect(lspAliases()).toMatch(/^\s+first one$/m);
    expect(lspAliases()).toMatch(/^\s+second$/m);
    expect((await peerSees()).sort()).toEqual(['first one', 'second']);
    // Without a port it lists every port that has aliases.
    expect(ok('aliases')).toContain("aliaspeer:out: alias 2 = 'second'");
  });

  it('unsets an alias', async () => {
    const output = ok('aliases', 'aliaspeer:out', '--unset', 'first one');
    expect(output).toContain("unset alias 'first one'");
    expect(lspAliases()).not.toContain('first one');
    expect(await peerSees()).toEqual(['second']);
    ok('aliases', 'aliaspeer:out', '--unset', 'second');
    expect(await peerSees()).toEqual([]);
  });

  it('reports an unknown port in one line, exit status 1', () => {
    const result = run('aliases', 'nobody:nothing', '--set', 'x');
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe("JackError: Port 'nobody:nothing' not available");
  });
});

describe('metadata', () => {
  let peer: LongPeer;
  let unlock: (() => void) | undefined;
  beforeAll(async () => {
    unlock = await lockMetadata();
    peer = pythonPeer(
      server,
      `
c = jack.Client('metapeer')
p = c.inports.register('in')
c.activate()
print('ready')
for line in sys.stdin:
    found = {}
    for what, uuid in (('port', p.uuid), ('client', c.uuid)):
        prop = jack.get_property(uuid, jack.METADATA_PRETTY_NAME)
        found[what] = None if prop is None else prop[0].decode()
    print(json.dumps(found))
`,
    );
    expect(await peer.line()).toBe('ready');
  }, 150_000); // waiting for the lock
  afterAll(async () => {
    await peer?.stop();
    unlock?.();
  });
  const peerSees = async (): Promise<{ port: string | null; client: string | null }> => {
    peer.send('?');
    return JSON.parse(await peer.line());
  };

  it('sets pretty names of a port and a client that the Python peer reads', async () => {
    expect(ok('metadata', 'set', 'metapeer:in', 'Left input')).toContain(
      "port 'metapeer:in': pretty name is now 'Left input'",
    );
    expect(ok('metadata', 'set', 'metapeer', 'My Peer')).toContain(
      "client 'metapeer': pretty name is now 'My Peer'",
    );
    expect(await peerSees()).toEqual({ port: 'Left input', client: 'My Peer' });
  });

  it('lists all metadata, including what a Python client set', () => {
    // JACK2 keeps one metadata store for all servers of a user, and UUIDs repeat
    // from server to server: only subjects of this file's peer are used, so
    // everything goes when the peer does.
    pythonJson(
      server,
      `c = jack.Client('setter')
c.set_property(c.get_port_by_name('metapeer:in').uuid, 'urn:example:colour', 'red')
print(json.dumps(True))`,
    );
    const blocks = new Map<string, string[]>();
    let current: string[] = [];
    for (const line of ok('metadata').split('\n')) {
      const header = /^(.*) \(UUID \d+\):$/.exec(line);
      if (header) {
        current = [];
        blocks.set(header[1] as string, current);
      } else if (line.startsWith('  ')) current.push(line.trim());
    }
    expect(blocks.get("port 'metapeer:in'")?.sort()).toEqual([
      "http://jackaudio.org/metadata/pretty-name = 'Left input'",
      "urn:example:colour = 'red'",
    ]);
    expect(blocks.get("client 'metapeer'")).toEqual([
      "http://jackaudio.org/metadata/pretty-name = 'My Peer'",
    ]);
  });

  it('removes a pretty name', async () => {
    expect(ok('metadata', 'remove', 'metapeer:in')).toContain('pretty name removed');
    expect(await peerSees()).toEqual({ port: null, client: 'My Peer' });
  });

  it('reports an unknown subject and bad arguments, changing nothing', async () => {
    ok('metadata', 'set', 'metapeer', 'My Peer');
    const unknown = run('metadata', 'set', 'nobody', 'x');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("no client or port is called 'nobody'");
    const short = run('metadata', 'set', 'metapeer');
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('usage: metadata');
    expect(await peerSees()).toEqual({ port: null, client: 'My Peer' });
  });
});

describe('chatty_client', () => {
  it("prints a Python peer's client, port, connection and rename, then stops on SIGTERM", async () => {
    const chatty = start('chatty_client', '--seconds', '60');
    try {
      await waitFor(() => chatty.output().includes('activating JACK'), 15000, 'chatty to start');
      // Its own activation produces a graph-order notification once active.
      await waitFor(() => chatty.output().includes('graph order changed'), 5000, 'activation');
      const peer = pythonPeer(
        server,
        `
c = jack.Client('chatpeer')
p = c.outports.register('out')
c.activate()
c.connect(p, 'system:playback_1')
p.shortname = 'renamed'
print('ready')
sys.stdin.readline()
`,
      );
      expect(await peer.line()).toBe('ready');
      const expected = [
        "client 'chatpeer' registered",
        "jack.Port('chatpeer:out') registered",
        "connected jack.Port('chatpeer:out') and jack.Port('system:playback_1')",
        "from 'chatpeer:out' to 'chatpeer:renamed'",
      ];
      await waitFor(
        () => expected.every((line) => chatty.output().includes(line)),
        5000,
        `chatty to print:\n${expected.join('\n')}`,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n--- it printed:\n${chatty.output()}`);
      });
      await peer.stop();
      await waitFor(
        () => chatty.output().includes("client 'chatpeer' unregistered"),
        5000,
        'the peer leaving',
      );
      chatty.child.kill('SIGTERM');
      expect(await chatty.exited).toEqual({ status: 0, signal: null });
      expect(chatty.output()).toContain('SIGTERM: closing JACK');
    } finally {
      chatty.child.kill('SIGKILL');
    }
  });
});

describe('showtime', () => {
  const frames = (output: string) =>
    [...output.matchAll(/^frame = (\d+) .* state: (\w+)/gm)].map((m) => ({
      frame: Number(m[1]),
      state: m[2],
    }));

  it('prints advancing frames while rolling and a still frame when stopped', async () => {
    ok('transporter', 'locate', '0');
    ok('transporter', 'start');
    const rolling = ok('showtime', '--seconds', '1.5', '--interval', '100');
    const lines = frames(rolling);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.every((line) => line.state === 'ROLLING')).toBe(true);
    for (let i = 1; i < lines.length; i++)
      expect(lines[i]?.frame).toBeGreaterThan(lines[i - 1]?.frame ?? Number.POSITIVE_INFINITY);

    ok('transporter', 'stop');
    ok('transporter', 'locate', '12345');
    await waitFor(() => frames(ok('showtime', '--seconds', '0.3'))[0]?.frame === 12345, 5000);
    const stopped = frames(ok('showtime', '--seconds', '0.6', '--interval', '100'));
    expect(stopped.length).toBeGreaterThanOrEqual(2);
    expect(stopped.every((line) => line.state === 'STOPPED' && line.frame === 12345)).toBe(true);
  });

  it('stops cleanly on SIGINT', async () => {
    const showtime = start('showtime', '--seconds', '60');
    try {
      await waitFor(() => frames(showtime.output()).length > 0, 15000, 'showtime to print');
      showtime.child.kill('SIGINT');
      expect(await showtime.exited).toEqual({ status: 0, signal: null });
      expect(showtime.errors()).toContain('SIGINT, exiting');
    } finally {
      showtime.child.kill('SIGKILL');
    }
  });
});

describe('run.ts', () => {
  it('lists the examples when the name is unknown', () => {
    const result = run('no_such_example');
    expect(result.status).toBe(2);
    const listed = /^examples: (.*)$/m.exec(result.stderr)?.[1]?.split(', ');
    for (const name of ['aliases', 'chatty_client', 'metadata', 'showtime', 'transporter'])
      expect(listed).toContain(name);
    // Helpers are not examples.
    expect(listed).not.toContain('common');
    expect(listed).not.toContain('run');
  });
});
