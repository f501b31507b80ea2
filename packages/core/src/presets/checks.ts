// The checks every preset passes before it is kept or used: size, count and
// patterns, each failing with the contract's error code.
import { JackbayRpcError } from '../errors.js';
import { MAX_PRESET_BYTES, MAX_PRESET_ITEMS, type Preset } from './model.js';

export function badFile(message: string): JackbayRpcError {
  return new JackbayRpcError('bad-preset-file', message);
}

/** Refuses what is too large to read at all, before any parsing. */
export function checkSize(text: string, what: string): void {
  // UTF-16 length bounds the UTF-8 size from below; a coarse bound is enough.
  if (text.length > MAX_PRESET_BYTES)
    throw new JackbayRpcError(
      'preset-too-large',
      `${what} is larger than ${MAX_PRESET_BYTES / (1024 * 1024)} MiB`,
    );
}

export function checkCount(preset: Preset): Preset {
  const items = preset.connections.length + preset.patterns.length + preset.exclusive.length;
  if (items > MAX_PRESET_ITEMS)
    throw new JackbayRpcError(
      'preset-too-large',
      `the preset has ${items} connections and rules; at most ${MAX_PRESET_ITEMS} are kept`,
    );
  return preset;
}

/** Compiles a pattern as a whole-name match, or throws 'bad-regex' naming it. */
export function compilePattern(pattern: string): RegExp {
  try {
    // Without the 'u' flag, as QjackCtl's patterns escape characters ('\\-') it refuses.
    return new RegExp(`^(?:${pattern})$`);
  } catch (error) {
    throw new JackbayRpcError(
      'bad-regex',
      `'${pattern}' is not a regular expression: ${(error as Error).message}`,
    );
  }
}

/** Checks every pattern of a preset compiles, so a bad one is refused before anything changes. */
export function checkPatterns(preset: Preset): void {
  for (const link of preset.patterns)
    for (const end of [link.source, link.destination]) {
      compilePattern(end.client);
      compilePattern(end.port);
    }
  for (const end of preset.exclusive) {
    compilePattern(end.client);
    compilePattern(end.port);
  }
}
