// What every importer hands back: the preset it built and how many entries
// of the file it left out (ALSA MIDI, video, cables to unknown sockets), so
// the page can say so.
import type { Preset } from './model.js';

export interface Imported {
  readonly preset: Preset;
  readonly skipped: number;
}

/** The file's name for an entry: `client:port`, as JACK names a port. */
export function fullName(client: string, port: string): string {
  return `${client}:${port}`;
}

/** Drops repeated connections (files list a connection once per end in some tools). */
export function dedupe<T extends { source: string; destination: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.source}\u0000${item.destination}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
