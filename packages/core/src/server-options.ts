// The values a server Jackbay starts may take, without zod: contract.ts
// validates settings against them, and a renderer offers them in its selects
// without bundling the schemas (as with error-codes.ts).

/** Sample rates offered for a server Jackbay starts. */
export const SAMPLE_RATES = [22050, 32000, 44100, 48000, 88200, 96000, 176400, 192000] as const;

/** Buffer sizes (frames per period) offered in the status bar and the server settings. */
export const BUFFER_SIZES = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096] as const;

/** ALSA's periods per buffer: jackd takes 2 or more; beyond 8 only adds latency. */
export const PERIODS_RANGE = { min: 2, max: 8 } as const;

export const JACK_DRIVERS = ['dummy', 'alsa'] as const;
