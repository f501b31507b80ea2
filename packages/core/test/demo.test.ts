// `jackbay serve --demo`: a private server with demo clients, visible over the
// WebSocket and to JACK's own tools, and gone again when jackbay stops.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { GraphSnapshot, ServerStatus } from '../src/contract.js';
import { DEMO_GRAPH } from '../src/demo.js';
import {
  type CliProcess,
  isServerLimit,
  pythonJson,
  runCli,
  SERVER_WAIT_MS,
  waitFor,
} from './helpers.js';

let cli: CliProcess | null = null;

afterAll(async () => {
  await cli?.stop();
});

function ask(port: number, method: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=demo`);
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, method, params: {} })));
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.id !== 1) return;
      ws.close();
      if (message.error) reject(new Error(message.error.message));
      else resolve(message.result);
    });
    ws.on('error', reject);
  });
}

function lspEnv(serverName: string): NodeJS.ProcessEnv {
  return { ...process.env, JACK_DEFAULT_SERVER: serverName, JACK_NO_START_SERVER: '1' };
}

function lsp(serverName: string, args: string[] = []) {
  return spawnSync('jack_lsp', args, { env: lspEnv(serverName), encoding: 'utf8' });
}

describe('--demo', () => {
  it('shows the demo graph at once and stops its server on exit', {
    timeout: SERVER_WAIT_MS + 20000,
  }, async () => {
    // JACK2 runs at most 8 servers per machine; other test runs may hold them all.
    const deadline = Date.now() + SERVER_WAIT_MS;
    let line = '';
    for (;;) {
      cli = runCli(['serve', '--demo', '--token', 'demo']);
      try {
        line = await cli.firstLine();
        break;
      } catch (error) {
        if (!isServerLimit(cli.stderr()) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
    }
    const port = Number(/:(\d+)\/#token=demo$/.exec(line)?.[1]);
    expect(port).toBeGreaterThan(0);

    const status = ServerStatus.parse(await ask(port, 'getStatus'));
    expect(status).toMatchObject({ server: 'up', demo: true, sampleRate: 48000 });
    const serverName = status.serverName ?? '';
    expect(serverName).toMatch(/^jackbay-demo-/);

    const expected = Object.entries(DEMO_GRAPH.clients).flatMap(([client, lists]) =>
      Object.values(lists).flatMap((names: readonly string[]) =>
        names.map((n) => `${client}:${n}`),
      ),
    );
    const snapshot = (await waitFor(
      async () => {
        const snap = GraphSnapshot.parse(await ask(port, 'getSnapshot'));
        return snap.connections.length >= DEMO_GRAPH.connections.length ? snap : null;
      },
      5000,
      'demo graph',
    )) as GraphSnapshot;
    expect(snapshot.ports.map((p) => p.name)).toEqual(expect.arrayContaining(expected));
    expect(snapshot.clients.map((c) => c.name)).toEqual(
      expect.arrayContaining(['system', ...Object.keys(DEMO_GRAPH.clients)]),
    );
    expect(snapshot.ports.find((p) => p.name === 'Demo Synth:midi_in')).toMatchObject({
      type: 'midi',
      direction: 'input',
      client: 'Demo Synth',
    });
    expect(snapshot.connections.map((c) => [c.source, c.destination]).sort()).toEqual(
      DEMO_GRAPH.connections.map((c) => [...c]).sort(),
    );

    // JACK's own tool sees the same server and connections.
    const listed = lsp(serverName, ['-c']);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('Demo Reverb:out_L\n   system:playback_1');
    expect(listed.stdout).toContain('Demo Sequencer:midi_out\n   Demo Synth:midi_in');

    // Sound flows: the synth's sine through the reverb, measured by a Python peer.
    const measured = pythonJson<{ peak: number; hz: number }>(
      { name: serverName, env: lspEnv(serverName), stop: async () => {} },
      `c = jack.Client('demo ear', no_start_server=True)
p = c.inports.register('in')
state = {'peak': 0.0, 'crossings': 0, 'frames': 0, 'last': 0.0}
@c.set_process_callback
def process(frames):
    buf = memoryview(p.get_buffer()).cast('f')
    for x in buf:
        if abs(x) > state['peak']: state['peak'] = abs(x)
        if state['last'] < 0 <= x: state['crossings'] += 1
        state['last'] = x
    state['frames'] += frames
c.activate()
c.connect('Demo Reverb:out_L', p)
time.sleep(1.0)
c.deactivate()
print(json.dumps({'peak': state['peak'], 'hz': state['crossings'] * c.samplerate / max(state['frames'], 1)}))`,
    );
    expect(measured.peak).toBeCloseTo(10 ** (-18 / 20), 2);
    expect(measured.hz).toBeGreaterThan(210);
    expect(measured.hz).toBeLessThan(230);

    await cli.stop();
    expect(cli.child.exitCode).toBe(0);
    await waitFor(() => lsp(serverName).status !== 0, 5000, 'demo server gone');
    cli = null;
  });
});
