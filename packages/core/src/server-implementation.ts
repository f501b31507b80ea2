// Which server answers the JACK API, told from the libjack the addon loaded:
// the status bar says "PipeWire 0.3.65 (JACK API)" or "JACK2 1.9.21".
import type { JackLibraryInfo } from '@jackbay/jack-native';
import type { ServerImplementation } from './contract.js';

// PipeWire's libjack reports its JACK API level, then the server's own version.
const PIPEWIRE_VERSION = /using PipeWire ([^\s)]+)/i;
// JACK2's libjack reports its release ("1.9.21"); JACK1's are 0.x.
const JACK2_VERSION = /^1\.9\.\d+/;

/** The implementation a loaded libjack belongs to; null when none is loaded. */
export function serverImplementation(info: JackLibraryInfo): ServerImplementation | null {
  const text = info.versionString;
  if (!info.loaded || text === null) return null;
  if (info.isPipeWire)
    return { kind: 'pipewire', version: PIPEWIRE_VERSION.exec(text)?.[1] ?? null };
  const jack2 = JACK2_VERSION.exec(text);
  if (jack2) return { kind: 'jack2', version: jack2[0] };
  return { kind: 'jack', version: text.trim() === '' ? null : text.trim() };
}
