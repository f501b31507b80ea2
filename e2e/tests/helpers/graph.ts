// Helpers for the graph specs: peers with the ports a test asks for, a web
// host of a test's own, and what the page shows of the graph (zoom, boxes,
// port markers), read the way a person sees it — from the rendered page.
import { type JackServer, type LongPeer, pythonPeer } from '@jackbay/test-support';
import type { Page } from '@playwright/test';
import { expect, jackServer, portHandle } from '../../support/fixtures.ts';
import { startWebHost, type WebHost } from '../../support/web-host.ts';

export interface PeerSpec {
  name: string;
  audioIn?: string[];
  audioOut?: string[];
  midiIn?: string[];
  midiOut?: string[];
  /** Connections the peer makes once active (full port names). */
  connect?: Array<[string, string]>;
}

const PEER = `
spec = json.loads(SPEC)
client = jack.Client(spec['name'])
for n in spec.get('audioIn', []): client.inports.register(n)
for n in spec.get('audioOut', []): client.outports.register(n)
for n in spec.get('midiIn', []): client.midi_inports.register(n)
for n in spec.get('midiOut', []): client.midi_outports.register(n)
client.activate()
for s, d in spec.get('connect', []):
    # Jackbay may have re-made it already (it remembers this peer's connections).
    if d not in [p.name for p in client.get_all_connections(s)]: client.connect(s, d)
print('ready', flush=True)
sys.stdin.read()
client.deactivate()
client.close()
`;

/** Starts a Python client with the given ports (on the run's server unless told); resolves once it is active. */
export async function startPeer(
  spec: PeerSpec,
  server: JackServer = jackServer(),
): Promise<LongPeer> {
  const peer = pythonPeer(server, PEER.replace('SPEC', JSON.stringify(JSON.stringify(spec))));
  await peer.line();
  return peer;
}

export async function stopPeers(peers: readonly LongPeer[]): Promise<void> {
  await Promise.all(peers.map((p) => p.stop()));
}

const ORACLE = `
client = jack.Client('connection oracle')
print('ready', flush=True)
for line in sys.stdin:
    ask, source, destination = json.loads(line)
    if ask == 'connected':
        print(json.dumps(destination in [p.name for p in client.get_all_connections(source)]), flush=True)
    else:
        client.disconnect(source, destination)
        print('null', flush=True)
`;

/**
 * An independent JACK client that answers, in its own process, whether two
 * ports are connected, and disconnects them. One client open for a whole
 * test instead of a jack_lsp or jack_disconnect per question: each of those
 * opens a client, and with a page of the app open on a loaded machine that
 * took 1-1.5 s.
 */
export interface JackOracle {
  connected(source: string, destination: string): Promise<boolean>;
  disconnect(source: string, destination: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startJackOracle(server: JackServer = jackServer()): Promise<JackOracle> {
  const peer = pythonPeer(server, ORACLE);
  await peer.line();
  // One question at a time: answers come back in the order asked.
  let queue = Promise.resolve();
  const ask = (question: string, source: string, destination: string) => {
    const answer = queue.then(async () => {
      peer.send(JSON.stringify([question, source, destination]));
      return JSON.parse(await peer.line()) as boolean | null;
    });
    queue = answer.then(
      () => undefined,
      () => undefined,
    );
    return answer;
  };
  return {
    connected: async (source, destination) =>
      (await ask('connected', source, destination)) === true,
    disconnect: async (source, destination) => {
      await ask('disconnect', source, destination);
    },
    stop: () => peer.stop(),
  };
}

/** A web host of the test's own (e.g. to lose it, or to point it at no server). */
export function startOwnWebHost(serverName: string): Promise<WebHost> {
  return startWebHost(serverName, 'own');
}

/** The view's zoom, from React Flow's viewport transform. */
export async function zoomOf(page: Page): Promise<number> {
  return page.locator('.react-flow__viewport').evaluate((el) => {
    const m = new DOMMatrixReadOnly(getComputedStyle(el).transform);
    return m.a;
  });
}

/** Waits until the view stops moving (fit and layout animate). */
export async function settle(page: Page): Promise<void> {
  let last = '';
  for (let i = 0; i < 60; i++) {
    const now = await page
      .locator('.react-flow__viewport')
      .evaluate((el) => `${getComputedStyle(el).transform}`);
    if (now === last) return;
    last = now;
    await page.waitForTimeout(80);
  }
}

/** Arranges the graph (which fits it) and waits for the view to settle. */
export async function arrangeAndSettle(page: Page): Promise<void> {
  await page.getByRole('button', { name: /arrange/i }).click();
  await page.waitForTimeout(50);
  await settle(page);
}

export interface Point {
  x: number;
  y: number;
}

/** The centre of a port's marker (the dot on the box edge). */
export async function dotCentre(page: Page, port: string): Promise<Point> {
  const box = await portHandle(page, port).locator('.jb-marker').boundingBox();
  if (!box) throw new Error(`no marker for ${port}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** The centre of a port's label. */
export async function labelCentre(page: Page, port: string): Promise<Point> {
  const box = await portHandle(page, port).locator('.jb-port-label').boundingBox();
  if (!box) throw new Error(`no label for ${port}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Presses at one point and releases at another, moving like a hand. */
export async function dragPoints(page: Page, from: Point, to: Point): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });
  await page.mouse.up();
}

/** Where a box (a React Flow node) sits in the flow: its transform. */
export function boxTransform(page: Page, boxId: string): Promise<string> {
  return page
    .locator(`.react-flow__node[data-id="${boxId}"]`)
    .evaluate((el) => (el as HTMLElement).style.transform);
}

/** Waits until an edge is drawn (or gone). */
export async function expectEdge(page: Page, source: string, destination: string, count: 0 | 1) {
  await expect(page.getByLabel(`${source} → ${destination}`, { exact: true })).toHaveCount(count, {
    timeout: 3000,
  });
}
