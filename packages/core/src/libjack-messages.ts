// libjack prints its messages to stderr, one burst per failed connection
// attempt; while the service retries every second that would flood the
// terminal. They go to one process-wide sink instead (libjack has one hook).
import { setErrorFunction, setInfoFunction } from '@jackbay/jack-native';

let sink: (message: string) => void = () => {};
let installed = false;

/** Sends libjack's error and info messages to `fn` (the last caller wins). */
export function routeLibjackMessages(fn: (message: string) => void): void {
  sink = fn;
  if (installed) return;
  try {
    setErrorFunction((message) => sink(message));
    setInfoFunction((message) => sink(message));
    installed = true;
  } catch {
    // No libjack at all: nothing will print, and the service reports why.
  }
}
