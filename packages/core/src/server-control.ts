// Starting and stopping a JACK server from the app: jackd under the service's
// server name with the remembered settings (server-settings.ts), and knowing
// whether Jackbay started the server that runs. A server Jackbay started is
// stopped when Jackbay stops; one it found is stopped only when the person
// confirms it.

import { listAudioDevices } from './audio-devices.js';
import type { AudioDevice, RpcError, ServerControlState, ServerSettings } from './contract.js';
import { JackbayRpcError } from './errors.js';
import { JackdStartError, type StartedJackd, startJackd } from './jackd.js';
import { findJackdProcess, processRuns } from './jackd-process.js';
import { loadServerSettings, saveServerSettings, serverSettingsPath } from './server-settings.js';

/** What server control reads of the session. */
export interface ServerControlHost {
  /** The service is connected to a server of its name. */
  readonly isUp: boolean;
  /** Connect now: a server of its name has just started. */
  retryNow(): void;
}

export interface ServerControlOptions {
  serverName: string;
  /** Where the settings are remembered; default the config directory's server.json. */
  settingsPath?: string;
  /** How long a starting jackd may take to accept clients. */
  startTimeoutMs?: number;
  /** How long a found server may take to exit after SIGTERM. */
  stopTimeoutMs?: number;
  /** The sound cards' devices (default: read from /proc/asound). */
  devices?: () => AudioDevice[];
  log: (message: string) => void;
  /** The state changed by itself (a start, a stop, Jackbay's server exiting). */
  changed: (state: ServerControlState) => void;
}

/** jackd's arguments for `settings`: server options first, then the driver's. */
export function jackdArguments(settings: ServerSettings): {
  serverArgs: string[];
  driverArgs: string[];
} {
  const serverArgs = [settings.realtime ? '-R' : '--no-realtime'];
  const common = ['-r', String(settings.rate), '-p', String(settings.period)];
  if (settings.driver === 'dummy') return { serverArgs, driverArgs: ['-d', 'dummy', ...common] };
  if (!settings.device)
    throw new JackbayRpcError('bad-request', 'the ALSA driver needs a device (e.g. hw:0,0)');
  return {
    serverArgs,
    driverArgs: ['-d', 'alsa', '-d', settings.device, ...common, '-n', String(settings.periods)],
  };
}

export class ServerControl {
  readonly #host: ServerControlHost;
  readonly #options: ServerControlOptions;
  readonly #settingsPath: string;
  #settings: ServerSettings;
  #settingsProblem: string | null;
  #started: StartedJackd | null = null;
  #busy = false;
  #lastError: RpcError | null = null;

  constructor(host: ServerControlHost, options: ServerControlOptions) {
    this.#host = host;
    this.#options = options;
    this.#settingsPath = options.settingsPath ?? serverSettingsPath();
    const loaded = loadServerSettings(this.#settingsPath);
    this.#settings = loaded.settings;
    this.#settingsProblem = loaded.problem;
    if (loaded.problem) options.log(loaded.problem);
  }

  state(): ServerControlState {
    return {
      settings: this.#settings,
      startedByJackbay: this.#started !== null,
      running: this.#started !== null || this.#host.isUp,
      busy: this.#busy,
      devices: (this.#options.devices ?? listAudioDevices)(),
      lastError: this.#lastError,
      settingsProblem: this.#settingsProblem,
    };
  }

  /** Remembers the settings for the next start; a running server keeps its own. */
  setSettings(settings: ServerSettings): ServerControlState {
    try {
      saveServerSettings(settings, this.#settingsPath);
    } catch (error) {
      throw new JackbayRpcError(
        'internal',
        `could not save the server settings in ${this.#settingsPath}: ${(error as Error).message}`,
      );
    }
    this.#settings = settings;
    this.#settingsProblem = null;
    return this.state();
  }

  async start(): Promise<ServerControlState> {
    const name = this.#options.serverName;
    this.#refuseWhileBusy();
    if (this.#started || this.#host.isUp)
      throw new JackbayRpcError('server-running', `the JACK server '${name}' is already running`);
    const settings = this.#settings;
    const args = jackdArguments(settings);
    this.#busy = true;
    this.#changed();
    try {
      const server = await startJackd({
        name,
        ...args,
        timeoutMs: this.#options.startTimeoutMs ?? 15000,
      });
      this.#started = server;
      this.#lastError = null;
      this.#options.log(`started the JACK server '${name}' (${settings.driver})`);
      void server.exited.then(() => this.#exited(server));
      this.#host.retryNow();
    } catch (error) {
      if (!(error instanceof JackdStartError)) throw error;
      const code = error.failure === 'running' ? 'server-running' : 'server-start-failed';
      this.#lastError = { code, message: error.message };
      throw new JackbayRpcError(code, error.message);
    } finally {
      this.#busy = false;
      this.#changed();
    }
    return this.state();
  }

  /** Stops the server: Jackbay's own at once, a found one only with `confirm`. */
  async stop(confirm = false): Promise<ServerControlState> {
    const name = this.#options.serverName;
    this.#refuseWhileBusy();
    const started = this.#started;
    if (started) {
      await this.#whileBusy(() => this.#stopStarted(started));
      return this.state();
    }
    const pid = findJackdProcess(name);
    if (!this.#host.isUp && pid === null)
      throw new JackbayRpcError('server-down', `no JACK server '${name}' is running`);
    if (!confirm)
      throw new JackbayRpcError(
        'confirm-needed',
        `Jackbay did not start the JACK server '${name}': stopping it stops every client using it; confirm to stop it`,
      );
    if (pid === null)
      return this.#failStop(
        `no jackd process of this user runs the server '${name}' (is it jackdbus or PipeWire?): stop it where it was started`,
      );
    await this.#whileBusy(async () => {
      this.#options.log(`stopping the JACK server '${name}' (pid ${pid}), as confirmed`);
      try {
        process.kill(pid, 'SIGTERM');
      } catch (error) {
        this.#failStop(`could not signal jackd (pid ${pid}): ${(error as Error).message}`);
      }
      const deadline = Date.now() + (this.#options.stopTimeoutMs ?? 5000);
      while (processRuns(pid)) {
        if (Date.now() > deadline)
          this.#failStop(`jackd (pid ${pid}) did not exit within the time given after SIGTERM`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      this.#lastError = null;
    });
    return this.state();
  }

  /** Stops the server Jackbay started, if any (the service is closing). */
  async close(): Promise<void> {
    const started = this.#started;
    if (started) await this.#stopStarted(started);
  }

  async #stopStarted(server: StartedJackd): Promise<void> {
    this.#options.log(`stopping the JACK server '${server.name}' Jackbay started`);
    this.#started = null;
    await server.stop();
    this.#lastError = null;
  }

  // Jackbay's own server exited without being asked: a crash, or someone killed it.
  #exited(server: StartedJackd): void {
    if (this.#started !== server) return;
    this.#started = null;
    const said = server.output();
    const message = `the JACK server '${server.name}' Jackbay started exited${said ? `: ${said}` : ''}`;
    this.#lastError = { code: 'jack-error', message };
    this.#options.log(message);
    this.#changed();
  }

  async #whileBusy(work: () => Promise<void>): Promise<void> {
    this.#busy = true;
    this.#changed();
    try {
      await work();
    } finally {
      this.#busy = false;
      this.#changed();
    }
  }

  #refuseWhileBusy(): void {
    if (this.#busy)
      throw new JackbayRpcError(
        'server-running',
        'a start or stop of the JACK server is under way',
      );
  }

  #failStop(message: string): never {
    this.#lastError = { code: 'server-stop-failed', message };
    throw new JackbayRpcError('server-stop-failed', message);
  }

  #changed(): void {
    this.#options.changed(this.state());
  }
}
