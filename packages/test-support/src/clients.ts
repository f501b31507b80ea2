// JACK clients a test opens, closed for it after each test: a failing test
// leaves no client behind to confuse the next one.
import { afterEach } from 'vitest';

/**
 * Wraps `open` so that every client it opens is closed after each test. Call
 * it at the top level of a test file (or of a describe block).
 *
 * It takes the function that opens a client, not the library's Client class,
 * so this package does not depend on @jackbay/jack-native (whose tests depend
 * on this package).
 */
export function clientOpener<A extends unknown[], C extends { close(): void }>(
  open: (...args: A) => C,
): (...args: A) => C {
  const opened: C[] = [];
  afterEach(() => {
    for (const client of opened.splice(0)) client.close();
  });
  return (...args: A) => {
    const client = open(...args);
    opened.push(client);
    return client;
  };
}
