// The native-asan suite (scripts/test-all.mjs) runs the native tests on the
// addon built with AddressSanitizer and UndefinedBehaviorSanitizer
// (binding.gyp, configuration Sanitized). The sanitizer runtimes must come
// first among a process's libraries, so node starts with them in LD_PRELOAD,
// and JACKBAY_SANITIZER_PRELOAD names them again for the node processes a
// test starts. Every other program a test starts (jackd, also when libjack
// starts it itself; Python peers; jack_* tools) must run without them: it is
// not what we test, and does not load the sanitized addon.
import type { TestContext } from 'vitest';

const preload = process.env.JACKBAY_SANITIZER_PRELOAD;

/** This test process runs the sanitized addon. */
export const underSanitizer = preload !== undefined && preload !== '';

/**
 * How many times longer everything takes in the sanitized run, a new process
 * most of all: for a wait that is a cap, never for a measurement.
 */
export const SANITIZER_SLOWDOWN = underSanitizer ? 3 : 1;

/**
 * Skips the running test in the sanitized run only, with `reason` shown beside
 * it in the report. Only for what cannot hold under the sanitizers, never to
 * quiet a finding.
 */
export function skipUnderSanitizer(context: TestContext, reason: string): void {
  context.skip(underSanitizer, `skipped under ASan: ${reason}`);
}

const DROP_PRELOAD = new URL('./drop-sanitizer-preload.mjs', import.meta.url).href;

/**
 * The environment for a node process that loads the addon: in the sanitized
 * run, with the sanitizer runtimes first in its LD_PRELOAD, which it takes
 * out of its own environment as it starts.
 */
export function nodeEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (!underSanitizer) return env;
  return {
    ...env,
    LD_PRELOAD: [preload, env.LD_PRELOAD].filter(Boolean).join(':'),
    NODE_OPTIONS: [`--import=${DROP_PRELOAD}`, env.NODE_OPTIONS].filter(Boolean).join(' '),
  };
}
