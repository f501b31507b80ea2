// The server status as the contract reports it, read from the service's client.
import { type Client, libraryInfo, POSITION_BBT } from '@jackbay/jack-native';
import type { ServerImplementation, ServerStatus, TransportInfo } from './contract.js';
import { serverImplementation } from './server-implementation.js';
import type { TimebaseMaster } from './timebase.js';

// JACK's transport state codes (jack/transport.h).
const TRANSPORT_STATES: Record<number, TransportInfo['state']> = {
  0: 'stopped',
  1: 'rolling',
  3: 'starting',
  4: 'netstarting',
};

/** What the status says whether or not a server runs. */
export type StatusBase = Pick<
  ServerStatus,
  'serverName' | 'xrunCount' | 'lastXrunDelayUs' | 'demo'
>;

/** The status while no server is reachable. */
export function downStatus(base: StatusBase, reason: string): ServerStatus {
  return {
    server: 'down',
    reason,
    sampleRate: 0,
    bufferSize: 0,
    latencyMs: 0,
    dspLoad: 0,
    transport: null,
    ownClient: null,
    implementation: null,
    ...base,
  };
}

/** Reads the status through `client`; throws what the client throws when the server is gone. */
export function readStatus(
  client: Client,
  base: StatusBase,
  timebase: TimebaseMaster,
): ServerStatus {
  const sampleRate = client.samplerate;
  const bufferSize = client.blocksize;
  return {
    server: 'up',
    reason: null,
    sampleRate,
    bufferSize,
    latencyMs: sampleRate > 0 ? (bufferSize / sampleRate) * 1000 : 0,
    dspLoad: Math.round(client.cpuLoad() * 100) / 100,
    transport: readTransport(client, timebase),
    ownClient: client.name,
    implementation: loadedImplementation(),
    ...base,
  };
}

// libjack is loaded once per process: what it is never changes.
let implementation: ServerImplementation | null | undefined;

function loadedImplementation(): ServerImplementation | null {
  if (implementation === undefined) implementation = serverImplementation(libraryInfo());
  return implementation;
}

function readTransport(client: Client, timebase: TimebaseMaster): TransportInfo {
  const [state, position] = client.transportQueryStruct();
  // The same cycle as the position, unless one ended in between (then one
  // period off, which the renderer's BBT of MIDI events tolerates).
  const frameTime = client.lastFrameTime;
  const bbt =
    (position.valid & POSITION_BBT) === 0
      ? null
      : {
          bar: position.bar,
          beat: position.beat,
          tick: position.tick,
          beatsPerBar: position.beatsPerBar,
          beatType: position.beatType,
          beatsPerMinute: position.beatsPerMinute,
          ticksPerBeat: position.ticksPerBeat,
        };
  return {
    state: TRANSPORT_STATES[state] ?? 'stopped',
    frame: position.frame,
    frameRate: position.frameRate,
    bbt,
    timebase: timebase.owner(bbt),
    frameTime,
  };
}
