// @jackbay/core: the headless patchbay service, for Electron's main process
// and the web host.
import { type Demo, startDemo } from './demo.js';
import { routeLibjackMessages } from './libjack-messages.js';
import { JackbayService, type ServiceOptions } from './service.js';

export { type Answerer, answer } from './answer.js';
export * from './bridge-frame.js';
export { configDir } from './config-files.js';
export * from './contract.js';
export { DEMO_GRAPH, type Demo, startDemo } from './demo.js';
export { JackbayRpcError, toRpcError } from './errors.js';
export { type PrivateServer, startPrivateServer } from './jackd.js';
export * from './meter-frame.js';
export type { MeterHost, MeterPeer } from './meters.js';
export * from './midi-frame.js';
export type { MidiHost, MidiPeer, MidiSink } from './midi-monitors.js';
export {
  applyPatch,
  connectionCounts,
  connectionKey,
  diffGraphs,
  emptyGraph,
  type Graph,
  graphFromSnapshot,
  isConnected,
  isEmptyPatch,
  peersOf,
  snapshotFromGraph,
} from './patch.js';
export { JackbayService, type ServiceOptions } from './service.js';
export {
  checkToken,
  DEFAULT_STATIC_DIR,
  startWebHost,
  type WebHost,
  type WebHostOptions,
} from './web-host.js';

export interface CreateServiceOptions extends Omit<ServiceOptions, 'demo'> {
  /** Start a private dummy server with demo clients and use it (serverName is ignored). */
  demo?: boolean;
}

/**
 * Creates the service and makes its first connection attempt. With `demo`,
 * a private server with demo clients starts first and stops on close().
 *
 *   const service = await createService();
 *   service.subscribe('graphPatch', (patch) => …);
 *   const snapshot = await service.request('getSnapshot', {});
 *   await service.close();
 */
export async function createService(options: CreateServiceOptions = {}): Promise<JackbayService> {
  let demo: Demo | null = null;
  if (options.demo) {
    const log = options.log ?? (() => {});
    routeLibjackMessages(options.verbose ? (message) => log(`libjack: ${message}`) : () => {});
    demo = await startDemo(log);
  }
  const service = new JackbayService({
    ...options,
    serverName: demo ? demo.serverName : options.serverName,
    demo: demo !== null,
  });
  if (demo) {
    const running = demo;
    service.onClose(() => running.stop());
  }
  service.start();
  return service;
}
