// One handler per request of the contract. Params arrive validated; a handler
// returns the result or throws (a JackbayRpcError, or the library's error,
// which errors.ts maps). What a request changes goes out as events through
// the scheduler, like any other change.
import type { Client, Port } from '@jackbay/jack-native';
import type { MeterBridge } from './bridge.js';
import type { Connection, RequestName, RequestParams, RequestResult } from './contract.js';
import { JackbayRpcError } from './errors.js';
import { isSessionError } from './graph.js';
import type { MeterPeer } from './meters.js';
import type { MidiPeer } from './midi-monitors.js';
import { snapshotFromGraph } from './patch.js';
import type { PortTools } from './port-tools.js';
import type { Presets } from './presets/presets.js';
import type { PrettyNames } from './pretty-names.js';
import type { PatchMemory } from './restore.js';
import type { EventScheduler } from './scheduling.js';
import type { ServerControl } from './server-control.js';
import type { Session } from './session.js';

/**
 * `meters` is the calling page's meter subscription; it also stands for the
 * page itself, which owns the tones it starts.
 */
export type RequestHandlers = {
  [M in RequestName]: (
    params: RequestParams<M>,
    meters?: MeterPeer,
    midi?: MidiPeer,
  ) => RequestResult<M> | Promise<RequestResult<M>>;
};

function portNamed(client: Client, name: string): Port {
  try {
    return client.getPortByName(name);
  } catch (error) {
    if (isSessionError(error)) throw error;
    throw new JackbayRpcError('port-not-found', `no JACK port named '${name}'`);
  }
}

function clientUuid(client: Client, name: string): string {
  try {
    return client.getUuidForClientName(name);
  } catch (error) {
    if (isSessionError(error)) throw error;
    throw new JackbayRpcError('client-not-found', `no JACK client named '${name}'`);
  }
}

/** The parts of the service that requests act on. */
export interface HandledParts {
  session: Session;
  events: EventScheduler;
  tools: PortTools;
  memory: PatchMemory;
  bridge: MeterBridge;
  control: ServerControl;
  presets: Presets;
  names: PrettyNames;
}

export function requestHandlers({
  session,
  events,
  tools,
  memory,
  bridge,
  control,
  presets,
  names,
}: HandledParts): RequestHandlers {
  // The page a bridge request comes from: its meter subscription stands for it.
  const bridgePage = (page: MeterPeer | undefined, method: string): MeterPeer => {
    if (!page)
      throw new JackbayRpcError(
        'bad-request',
        `${method} needs a page (a WebSocket or the app window) that receives bridge frames`,
      );
    return page;
  };
  return {
    getSnapshot: () => snapshotFromGraph(events.published),
    getStatus: () => session.status(),
    connect: ({ source, destination }) => {
      const client = session.client();
      client.connect(portNamed(client, source), portNamed(client, destination));
      memory.remember({ source, destination });
      events.scheduleRefresh();
      return null;
    },
    disconnect: ({ source, destination }) => {
      const client = session.client();
      const src = portNamed(client, source);
      const dst = portNamed(client, destination);
      if (src.isOutput && dst.isInput && !client.getAllConnections(src).includes(dst))
        throw new JackbayRpcError(
          'not-connected',
          `'${source}' is not connected to '${destination}'`,
        );
      client.disconnect(src, dst);
      memory.forget([{ source, destination }]);
      events.scheduleRefresh();
      return null;
    },
    disconnectAll: ({ port }) => {
      const client = session.client();
      const own = portNamed(client, port);
      const removed: Connection[] = [];
      for (const other of client.getAllConnections(own)) {
        const [src, dst] = own.isOutput ? [own, other] : [other, own];
        try {
          client.disconnect(src, dst);
          removed.push({ source: src.name, destination: dst.name });
        } catch (error) {
          // The other end may have gone meanwhile; that connection is gone too.
          if (isSessionError(error)) throw error;
        }
      }
      memory.forget(removed);
      events.scheduleRefresh();
      return null;
    },
    setPrettyName: ({ kind, name, prettyName }) => {
      // Written into a deleted store, the name would reach nobody.
      session.renewIfStoreReplaced(true);
      const client = session.client();
      const uuid = kind === 'port' ? portNamed(client, name).uuid : clientUuid(client, name);
      names.write(client, kind, name, uuid, prettyName);
      session.metadataChanged();
      events.scheduleRefresh();
      return null;
    },
    getPrettyNames: () => names.state(),
    transportStart: () => {
      session.client().transportStart();
      events.scheduleStatus();
      return null;
    },
    transportStop: () => {
      session.client().transportStop();
      events.scheduleStatus();
      return null;
    },
    transportLocate: ({ frame }) => {
      session.client().transportFrame = frame;
      events.scheduleStatus();
      return null;
    },
    setTimebaseMaster: ({ master }) => {
      const client = session.client();
      if (master) session.timebase.take(client);
      else session.timebase.release(client);
      events.scheduleStatus();
      return null;
    },
    setTempo: (tempo) => {
      session.timebase.setTempo(session.client(), tempo);
      events.scheduleStatus();
      return null;
    },
    setBufferSize: ({ frames }) => {
      session.client().blocksize = frames;
      events.scheduleStatus();
      return null;
    },
    setMeters: ({ ports }, meters) => {
      if (!meters)
        throw new JackbayRpcError(
          'bad-request',
          'setMeters needs a connection that carries meter frames (a WebSocket or the app window)',
        );
      return { generation: meters.set(ports) };
    },
    setMidiMonitor: ({ ports }, _meters, midi) => {
      if (!midi)
        throw new JackbayRpcError(
          'bad-request',
          'setMidiMonitor needs a connection that carries MIDI frames (a WebSocket or the app window)',
        );
      return { generation: midi.set(ports) };
    },
    getTools: () => tools.state(),
    startTone: ({ ports, frequency, level }, page) => {
      // A tone nobody could stop must not start: it needs a page that can go away.
      if (!page)
        throw new JackbayRpcError(
          'bad-request',
          'startTone needs a page (a WebSocket or the app window) whose closing stops it',
        );
      const id = tools.startTone(page, ports, { frequency, level });
      events.scheduleRefresh();
      return { id };
    },
    setTone: ({ id, frequency, level }) => {
      tools.setTone(id, { frequency, level });
      return null;
    },
    stopTone: ({ id }) => {
      tools.stopTone(id);
      events.scheduleRefresh();
      return null;
    },
    addThru: ({ source, destination }) => {
      const id = tools.addThru(source, destination);
      events.scheduleRefresh();
      return { id };
    },
    removeThru: ({ id }) => {
      tools.removeThru(id);
      events.scheduleRefresh();
      return null;
    },
    addBridgeMeter: ({ ports }, page) => bridge.add(bridgePage(page, 'addBridgeMeter'), ports),
    removeBridgeMeter: ({ id }, page) => {
      bridge.remove(bridgePage(page, 'removeBridgeMeter'), id);
      return null;
    },
    resetLoudness: ({ id }, page) => {
      bridge.resetLoudness(bridgePage(page, 'resetLoudness'), id);
      return null;
    },
    getBridge: (_params, page) => (page ? bridge.list(page) : []),
    getRestore: () => memory.state(),
    setRestore: ({ enabled }) => {
      memory.setEnabled(enabled);
      return null;
    },
    setMergeRules: ({ rules }) => {
      memory.setMergeRules(rules);
      return null;
    },
    dismissGhost: ({ client }) => {
      memory.dismissGhost(client);
      return null;
    },
    forgetConnection: (connection) => {
      memory.forgetConnection(connection);
      return null;
    },
    undoRestore: ({ id }) => {
      memory.undoRestore(id);
      return null;
    },
    startMidiSend: ({ port }, page) => {
      // Like a tone: a sender nobody could stop must not start (notes could hang).
      if (!page)
        throw new JackbayRpcError(
          'bad-request',
          'startMidiSend needs a page (a WebSocket or the app window) whose closing stops it',
        );
      const id = tools.startMidiSend(page, port);
      events.scheduleRefresh();
      return { id };
    },
    sendMidi: ({ id, bytes }) => tools.sendMidi(id, bytes),
    getServerControl: () => control.state(),
    setServerSettings: (settings) => control.setSettings(settings),
    startServer: () => control.start(),
    stopServer: ({ confirm }) => control.stop(confirm),
    resetXruns: () => {
      session.resetXruns();
      return null;
    },
    stopMidiSend: ({ id }) => {
      tools.stopMidiSend(id);
      events.scheduleRefresh();
      return null;
    },
    listPresets: () => presets.state(),
    savePreset: ({ name, positions }) => presets.save(name, positions),
    getPreset: ({ name }) => presets.get(name),
    previewPreset: (source) => presets.preview(source),
    loadPreset: ({ name, mode }) => presets.load(name, mode),
    deletePreset: ({ name }) => {
      presets.delete(name);
      return null;
    },
    setActivePreset: ({ name }) => {
      presets.setActive(name);
      return null;
    },
    uploadPart: ({ upload, text }) => ({ received: presets.uploads.append(upload, text) }),
    importPreset: ({ name, ...source }) => presets.import(source, name),
    exportPreset: ({ name, format }) => presets.export(name, format),
  };
}
