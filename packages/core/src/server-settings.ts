// The settings of the server Jackbay starts, remembered between runs in the
// config directory's server.json (written atomically; an unreadable file is
// set aside and the defaults used, and that is reported).
import { join } from 'node:path';
import { z } from 'zod';
import { configDir, parseJson, readConfigFile, writeFileAtomic } from './config-files.js';
import { ServerSettings } from './contract.js';

/** A server anyone can start: no sound card needed. */
export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  driver: 'dummy',
  device: null,
  rate: 48000,
  period: 256,
  periods: 2,
  realtime: true,
};

export function serverSettingsPath(dir = configDir()): string {
  return join(dir, 'server.json');
}

export interface LoadedServerSettings {
  settings: ServerSettings;
  /** Why the file could not be used (and where it went), or null. */
  problem: string | null;
}

export function loadServerSettings(path = serverSettingsPath()): LoadedServerSettings {
  const outcome = readConfigFile(path, (text) => {
    const parsed = ServerSettings.safeParse(parseJson(text));
    if (!parsed.success)
      throw new Error(
        `not valid server settings: ${z.prettifyError(parsed.error).replace(/\n\s*/g, ' ')}`,
      );
    return parsed.data;
  });
  if (outcome.kind === 'ok') return { settings: outcome.value, problem: null };
  if (outcome.kind === 'missing') return { settings: DEFAULT_SERVER_SETTINGS, problem: null };
  const where = outcome.setAsideAs ? `; set aside as ${outcome.setAsideAs}` : '';
  return {
    settings: DEFAULT_SERVER_SETTINGS,
    problem: `the server settings in ${path} could not be read (${outcome.reason})${where}; using the defaults`,
  };
}

export function saveServerSettings(settings: ServerSettings, path = serverSettingsPath()): void {
  writeFileAtomic(path, `${JSON.stringify(settings, null, 2)}\n`);
}
