// Meters when the server refuses the service more probe ports: PipeWire lets
// a client own 768 ports by default (from 0.3.71 on; Debian 12's 0.3.65 has
// no limit, so this cannot be shown there), and jackd takes --port-max ports
// in all. Here jackd's limit stands in for PipeWire's: the ports that got a
// probe are metered, every other one is marked as not metered in each frame
// (never shown as silence), and a port freed later is taken up at the next
// change of the graph, as is an idle probe. JACK2 only: PipeWire has no equivalent option.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../src/answer.js';
import { decodeMeterFrame, NOT_METERED } from '../src/meter-frame.js';
import {
  connectedPortsOf,
  type ExecPeer,
  lsp,
  STAGE_WAIT_MS,
  type Stage,
  startStage,
  stopStage,
  waitFor,
} from './helpers.js';

const PORT_MAX = 24;
const PLAYED = Array.from({ length: 12 }, (_, i) => `player:out_${i}`);

let stage: Stage;
let spare: ExecPeer;

beforeAll(async () => {
  stage = await startStage({
    portMax: PORT_MAX,
    service: { meterIntervalMs: 20 },
    peers: [
      ['player', `for i in range(${PLAYED.length}): c.outports.register(f'out_{i}')`],
      ['spare', `for i in range(3): c.inports.register(f'in_{i}')`],
    ],
    ready: 'spare:in_2',
  });
  spare = stage.peer('spare');
}, STAGE_WAIT_MS);

afterAll(() => stopStage(stage));

/** Every port the server has, hidden probes included. */
async function portCount(): Promise<number> {
  return (await lsp(stage.server)).split('\n').filter((line) => line.length > 0).length;
}

describe('meters over the server’s port limit', () => {
  it('meters as many ports as probes fit, marks the rest, and takes up ports and probes freed later', async () => {
    // jackd never hands out port index 0: it takes one port less than --port-max.
    const free = PORT_MAX - 1 - (await portCount());
    // Some fit and some do not, or the test shows nothing.
    expect(free).toBeGreaterThan(0);
    expect(free).toBeLessThan(PLAYED.length - 3);

    const frames: Float32Array[] = [];
    const peer = stage.service.openMeters((bytes) => {
      const frame = decodeMeterFrame(bytes);
      if (frame) frames.push(frame.values);
    });
    const response = await answer(stage.service, 'setMeters', { ports: PLAYED }, peer);
    expect('result' in response).toBe(true);

    /** Which of `ports` (the page's set) the latest frame marks as not metered. */
    const marked = async (count: number, ports = PLAYED): Promise<string[]> => {
      const seen = frames.length;
      const names = await waitFor(
        () => {
          const latest = frames.slice(seen).at(-1);
          if (latest?.length !== ports.length * 3) return null;
          const names = ports.filter((_, i) => latest[i * 3 + 2] === NOT_METERED);
          return names.length === count ? names : null;
        },
        5000,
        `${count} ports marked as not metered`,
      );
      return names as string[];
    };
    const probed = async () =>
      connectedPortsOf(
        (await stage.service.request('getStatus', {})).ownClient,
        await lsp(stage.server, ['-c']),
      );

    const refused = await marked(PLAYED.length - free);
    expect(await probed()).toHaveLength(free);
    expect(await portCount()).toBe(PORT_MAX - 1);

    // The spare client leaves: its three ports' slots go to three of the refused.
    await spare.stop();
    const stillRefused = await marked(PLAYED.length - free - 3);
    expect(stillRefused.every((name) => refused.includes(name))).toBe(true);
    expect(await probed()).toHaveLength(free + 3);

    // Meters switched off for two metered ports: their idle probes go to two
    // of the refused, and no port is registered anew.
    const off = PLAYED.filter((name) => !stillRefused.includes(name)).slice(0, 2);
    const kept = PLAYED.filter((name) => !off.includes(name));
    expect('result' in (await answer(stage.service, 'setMeters', { ports: kept }, peer))).toBe(
      true,
    );
    const lastRefused = await marked(stillRefused.length - 2, kept);
    expect(lastRefused.every((name) => stillRefused.includes(name))).toBe(true);
    expect(await probed()).toHaveLength(free + 3);
    expect(await portCount()).toBe(PORT_MAX - 1);

    peer.close();
  }, 60_000);
});
