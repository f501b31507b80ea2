// Module functions and the loaded library: versions, limits, message hooks,
// clientPid, position2dict, Status, TransportState, libraryInfo, and what
// happens without libjack or with a libjack that lacks a function.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import {
  type JackServer,
  nodeEnv,
  onPipeWire,
  PATIENT_START_MS,
  PATIENT_TIMEOUT,
  PIPEWIRE_LIBJACK,
  pythonJson,
  pythonPeer,
  startJackServer,
  unlessPipeWire,
  waitFor,
} from '@jackbay/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  clientNameSize,
  clientPid,
  JackOpenError,
  libraryInfo,
  NETSTARTING,
  type Position,
  portNameSize,
  position2dict,
  ROLLING,
  STARTING,
  STOPPED,
  Status,
  setErrorFunction,
  setInfoFunction,
  TransportState,
  version,
  versionString,
} from '../lib/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
const WAIT = 10000;

// One verbose server for the whole file: with `jackd -v`, libjack in each
// client logs through its info function, which setInfoFunction needs.
let server: JackServer;
// Collects libjack's info messages for the whole file (and keeps them off stderr).
const infoMessages: Array<{ text: string; mainThread: boolean }> = [];

beforeAll(async () => {
  server = await startJackServer({
    verbose: true,
    rate: 44100,
    period: 1024,
    startTimeoutMs: PATIENT_START_MS,
  });
  setInfoFunction((text) => infoMessages.push({ text, mainThread: isMainThread }));
}, PATIENT_TIMEOUT);
afterAll(async () => {
  setInfoFunction(null);
  setErrorFunction(null);
  await server?.stop();
});

function open(name: string): Client {
  return new Client(name, { serverName: server.name });
}

/** Runs test/fixtures/library-child.ts in a fresh Node process. */
function child(mode: string, env: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(here, 'fixtures', 'library-child.ts'), mode],
    { cwd: packageDir, env: nodeEnv({ ...server.env, ...env }), encoding: 'utf8', timeout: 30000 },
  );
  const lines = run.stdout.trim().split('\n');
  if (run.status !== 0)
    throw new Error(`child '${mode}' failed (${run.status}): ${run.stderr}${run.stdout}`);
  // biome-ignore lint/suspicious/noExplicitAny: the child's JSON report
  const report = JSON.parse(lines[lines.length - 1] ?? 'null') as any;
  return { report, stdout: run.stdout, stderr: run.stderr };
}

describe('versions and limits, as the Python module reports them', () => {
  it('version, versionString, clientNameSize and portNameSize', () => {
    const theirs = pythonJson<[number[], string, number, number]>(
      server,
      'print(json.dumps([jack.version(), jack.version_string(), jack.client_name_size(), jack.port_name_size()]))',
    );
    expect([version(), versionString(), clientNameSize(), portNameSize()]).toEqual(theirs);
    if (onPipeWire()) {
      // PipeWire's libjack: JACK API 3.0.0.0, then the version of PipeWire
      // itself, which must be the daemon's own.
      expect(version()).toEqual([3, 0, 0, 0]);
      const [, ours] =
        /^3\.0\.0\.0 \(using PipeWire (\d+\.\d+\.\d+)\)$/.exec(versionString()) ?? [];
      const daemon = spawnSync('pipewire', ['--version'], { encoding: 'utf8' }).stdout;
      expect(daemon).toContain(`Linked with libpipewire ${ours}`);
      expect(clientNameSize()).toBe(257);
      expect(portNameSize()).toBe(513);
    } else {
      // JACK2 1.9.21 here (its jack_get_version gives 0.0.0.0).
      expect(versionString()).toMatch(/^\d+\.\d+\.\d+/);
      expect(clientNameSize()).toBe(65);
      expect(portNameSize()).toBe(321);
    }
  });
});

describe('libraryInfo', () => {
  it('names the libjack file this process mapped, and whether it is PipeWire’s', () => {
    const info = libraryInfo();
    expect(info.loaded).toBe(true);
    expect(info.error).toBeNull();
    const mapped = readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .map((line) => line.split(/\s+/)[5] ?? '')
      .filter((file) => /\/libjack\.so/.test(file));
    expect(mapped.length).toBeGreaterThan(0);
    expect(realpathSync(info.path ?? '')).toBe(mapped[0]);
    expect(info.versionString).toBe(versionString());
    expect(info.isPipeWire).toBe(onPipeWire());
    if (onPipeWire()) expect(realpathSync(info.path ?? '')).toBe(realpathSync(PIPEWIRE_LIBJACK));
    expect(info.missingOptional).toEqual([]);
  });
});

describe('message hooks', () => {
  unlessPipeWire(it, 'noMessages')(
    'setErrorFunction gets libjack errors on the JS thread, after the failing call',
    async () => {
      const seen: Array<{ text: string; mainThread: boolean }> = [];
      setErrorFunction((text) => seen.push({ text, mainThread: isMainThread }));
      try {
        const bad = `lib-no-such-server-${process.pid}`;
        expect(() => new Client('lib-err', { serverName: bad, noStartServer: true })).toThrow(
          JackOpenError,
        );
        // libjack printed while we were inside jack_client_open: delivery waits.
        expect(seen).toHaveLength(0);
        await waitFor(
          () => seen.some(({ text }) => /connect to server/i.test(text)),
          WAIT,
          'error',
        );
        expect(seen.every(({ mainThread }) => mainThread)).toBe(true);
      } finally {
        setErrorFunction(null);
      }
    },
  );

  unlessPipeWire(it, 'noMessages')('setErrorFunction(null) sends messages back to stderr', () => {
    const { report, stderr } = child('error-hook');
    expect(report.whileSet).toBeGreaterThan(0);
    expect(report.after).toBe(0);
    const [, restored = ''] = stderr.split('--- restored ---');
    expect(restored).toMatch(/connect to server/i);
  });

  unlessPipeWire(it, 'noMessages')(
    'setInfoFunction gets libjack info messages on the JS thread',
    async () => {
      const before = infoMessages.length;
      const client = open('lib-info');
      try {
        expect(infoMessages).toHaveLength(before);
        await waitFor(
          () => infoMessages.slice(before).some(({ text }) => text.includes('lib-info')),
          WAIT,
          'info',
        );
        expect(infoMessages.every(({ mainThread }) => mainThread)).toBe(true);
      } finally {
        client.close();
      }
    },
  );

  unlessPipeWire(it, 'noMessages')(
    "setInfoFunction(null) gives messages back to libjack's printer (stdout)",
    () => {
      const { report, stdout } = child('info-hook');
      expect(report).toEqual({ sawA: true, sawB: false });
      const [, restored = ''] = stdout.split('--- restored ---');
      expect(restored).toContain('lib-info-b');
    },
  );

  it('reject non-functions with TypeError', () => {
    expect(() => setErrorFunction(5 as never)).toThrow(TypeError);
    expect(() => setInfoFunction('x' as never)).toThrow(TypeError);
  });
});

describe('clientPid', () => {
  // JACK2's client library does not implement jack_get_client_pid: it returns
  // 0 (for the Python module too) and says so through the error function.
  // PipeWire's libjack gives the real PID.
  unlessPipeWire(it, 'noServerPid')(
    "matches the Python module's client_pid for a Python peer",
    async () => {
      const peer = pythonPeer(
        server,
        "import os\nc = jack.Client('lib-pid', no_start_server=True)\nprint('pid', os.getpid(), jack.client_pid('lib-pid'))\nsys.stdin.readline()",
      );
      const errors: string[] = [];
      setErrorFunction((text) => errors.push(text));
      try {
        // libjack's info printer (verbose server) shares the peer's stdout.
        let line = await peer.line();
        while (!line.startsWith('pid ')) line = await peer.line();
        const [pid, theirs] = line.slice(4).split(' ').map(Number);
        expect(pid).toBe(peer.process.pid);
        expect(clientPid('lib-pid')).toBe(theirs);
        if (theirs === 0) {
          await waitFor(() => errors.some((text) => /not implemented/.test(text)), WAIT, 'notice');
        } else {
          expect(theirs).toBe(pid);
          const client = open('lib-self');
          expect(clientPid(client.name)).toBe(process.pid);
          client.close();
        }
        expect(clientPid('lib-nobody')).toBe(0);
        expect(() => clientPid(5 as never)).toThrow(TypeError);
      } finally {
        setErrorFunction(null);
        await peer.stop();
      }
    },
  );
});

describe('position2dict', () => {
  const camel = (key: string) =>
    key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
  const position: Position = {
    unique1: 1,
    usecs: 123456,
    frameRate: 44100,
    frame: 4410,
    valid: 0,
    bar: 5,
    beat: 2,
    tick: 33,
    barStartTick: 7680,
    beatsPerBar: 3,
    beatType: 4,
    ticksPerBeat: 1920,
    beatsPerMinute: 99.5,
    frameTime: 1.25,
    nextTime: 1.5,
    bbtOffset: 17,
    audioFramesPerVideoFrame: 1837.5,
    videoOffset: 23,
    unique2: 1,
  };
  const snake = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

  it('keeps exactly the fields the Python module keeps, for every valid bit', () => {
    const combos = [0, 0x10, 0x20, 0x40, 0x80, 0x100, 0x1f0];
    const theirs = pythonJson<Array<Record<string, number>>>(
      server,
      `fields = ${JSON.stringify(
        Object.fromEntries(
          Object.entries(position)
            .filter(([k]) => !k.startsWith('unique'))
            .map(([k, v]) => [snake(k), v]),
        ),
      )}
out = []
for valid in ${JSON.stringify(combos)}:
    p = jack._ffi.new('jack_position_t*')
    for k, v in fields.items():
        setattr(p, k, v)
    p.valid = valid
    out.append(jack.position2dict(p[0]))
print(json.dumps(out))`,
    );
    combos.forEach((valid, index) => {
      const expected = Object.fromEntries(
        Object.entries(theirs[index] ?? {}).map(([key, value]) => [camel(key), value]),
      );
      expect(position2dict({ ...position, valid }), `valid 0x${valid.toString(16)}`).toEqual(
        expected,
      );
    });
  });
});

describe('Status and TransportState', () => {
  it('Status has one named boolean per bit, as the Python module', () => {
    const names = pythonJson<string[]>(
      server,
      "print(json.dumps([n for n in dir(jack.Status) if not n.startswith('_')]))",
    );
    const theirs = pythonJson<string[][]>(
      server,
      `names = ${JSON.stringify(names)}
print(json.dumps([[n for n in names if getattr(jack.Status(1 << bit), n)] for bit in range(16)]))`,
    );
    const camel = (key: string) =>
      key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    for (let bit = 0; bit < 16; bit++) {
      const status = new Status(1 << bit);
      const set = names.map(camel).filter((name) => status[name as keyof Status] === true);
      expect(set, `bit ${bit}`).toEqual((theirs[bit] ?? []).map(camel));
      expect(status.flags).toEqual(set);
      expect(status.code).toBe(1 << bit);
    }
    expect(new Status(0x21).flags).toEqual(['failure', 'serverError']);
    expect(String(new Status(0x21))).toContain('serverError');
  });

  it('TransportState constants carry the Python module’s codes and are singletons', () => {
    const theirs = pythonJson<number[]>(
      server,
      'print(json.dumps([jack.STOPPED, jack.ROLLING, jack.STARTING, jack.NETSTARTING]))',
    );
    expect([STOPPED, ROLLING, STARTING, NETSTARTING].map(Number)).toEqual(theirs);
    for (const state of [STOPPED, ROLLING, STARTING, NETSTARTING]) {
      expect(state).toBeInstanceOf(TransportState);
      expect(TransportState.of(state.code)).toBe(state);
    }
    expect(String(ROLLING)).toBe('jack.ROLLING');
    expect(STARTING.name).toBe('STARTING');
  });
});

describe('without libjack', () => {
  it('imports, reports loaded=false, and new Client throws library-missing with advice', () => {
    const { report } = child('no-library', { JACKBAY_LIBJACK: '/nonexistent/libjack.so.0' });
    expect(report.info.loaded).toBe(false);
    expect(report.info.error).toContain('/nonexistent/libjack.so.0');
    expect(report.client).toMatchObject({
      name: 'JackError',
      kind: 'library-missing',
      isJackError: true,
    });
    expect(report.client.message).toMatch(/JACK library was not found/);
    expect(report.client.message).toMatch(/apt-get install libjack-jackd2-0/);
    expect(report.client.message).toMatch(/pipewire-jack/);
    for (const key of ['versionString', 'portNameSize', 'getProperty', 'setErrorFunction'])
      expect(report[key], key).toMatchObject({ kind: 'library-missing', isJackError: true });
    expect(report.ringbuffer).toBe(3);
  });
});

describe('a libjack that lacks functions', () => {
  let dir: string;
  const symbols = readFileSync(join(packageDir, 'src', 'jack_symbols.def'), 'utf8')
    .split('\n')
    .map((line) => /^JACK_(REQUIRED|OPTIONAL)\((\w+)\)/.exec(line)?.[2])
    .filter((name): name is string => name !== undefined);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'jackbay-shim-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** Builds a shim of the real libjack without the functions in `leaveOut`. */
  function shim(name: string, leaveOut: string[]): string {
    const list = join(dir, `${name}.h`);
    writeFileSync(
      list,
      symbols
        .filter((symbol) => !leaveOut.includes(symbol))
        .map((symbol) => `FORWARD(${symbol})\n`)
        .join(''),
    );
    const output = join(dir, `${name}.so`);
    const build = spawnSync(
      'gcc',
      [
        '-shared',
        '-fPIC',
        '-o',
        output,
        join(here, 'fixtures', 'library-shim.c'),
        `-DREAL_LIBJACK="${libraryInfo().path}"`,
        `-DSHIM_SYMBOLS="${list}"`,
        '-ldl',
      ],
      { encoding: 'utf8' },
    );
    if (build.status !== 0) throw new Error(`gcc failed: ${build.stderr}`);
    return output;
  }

  unlessPipeWire(it, 'noSystemClient')(
    'a missing optional function disables just its feature, with JackError unsupported',
    () => {
      expect(symbols).toContain('jack_port_get_aliases');
      const path = shim('no-aliases', ['jack_port_get_aliases']);
      const { report } = child('shim', { JACKBAY_LIBJACK: path });
      expect(report.info).toMatchObject({
        loaded: true,
        path,
        missingOptional: ['jack_port_get_aliases'],
      });
      expect(report.used.aliases).toMatchObject({ kind: 'unsupported', isJackError: true });
      expect(report.used.aliases.message).toContain('jack_port_get_aliases');
      // Everything else works, setting an alias included (jack_lsp sees it).
      expect(report.used.connections).toEqual(['system:playback_1']);
      expect(report.used.setAlias).toBe('ok');
      expect(report.used.lsp).toContain('lib-shim-alias');
      expect(report.used.uuid).toBe('ok');
    },
  );

  it('a missing required function makes the library unusable, saying which', () => {
    const path = shim('no-activate', ['jack_activate']);
    const { report } = child('shim', { JACKBAY_LIBJACK: path });
    expect(report.info.loaded).toBe(false);
    expect(report.info.error).toContain('jack_activate');
    expect(report.used.client).toMatchObject({ kind: 'library-missing', isJackError: true });
    expect(report.used.client.message).toContain('jack_activate');
  });
});
