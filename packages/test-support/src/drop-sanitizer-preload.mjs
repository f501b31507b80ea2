// Loaded first by every node process of the sanitized test run (vitest's
// setup file, and NODE_OPTIONS of the node processes a test starts): the
// sanitizer runtimes stay loaded here but leave the environment, so the
// programs this process starts (jackd too, when libjack starts it) do not
// inherit them. See sanitizer.ts.
if (process.env.JACKBAY_SANITIZER_PRELOAD) delete process.env.LD_PRELOAD;
