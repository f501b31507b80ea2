// What every example shares: the command line (with --server and --seconds)
// and running until the user stops it.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { ClientOptions } from '../lib/index.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON = {
  server: { type: 'string' },
  seconds: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

const SERVER_USAGE = `
  --server NAME    JACK server to use (default: $JACK_DEFAULT_SERVER or 'default')`;
const SECONDS_USAGE = `
  --seconds N      stop after N seconds (default: run until Ctrl+C)`;
const HELP_USAGE = `
  -h, --help       show this help`;

export type ParsedValues<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O & typeof COMMON; allowPositionals: true }>
>['values'];

export interface CommandLine<O extends Options> {
  values: ParsedValues<O>;
  positionals: string[];
  /** --seconds, when given. */
  seconds: number | undefined;
  /** --server as Client options. */
  clientOptions: ClientOptions;
  /** Prints `message` and the usage, and exits with status 2. */
  fail(message: string): never;
}

/**
 * Parses process.argv; prints usage and exits on --help or a bad option.
 * `runsUntilStopped`: the example runs until Ctrl+C, so --seconds applies.
 */
export function commandLine<O extends Options>(
  usage: string,
  options: O,
  runsUntilStopped = false,
): CommandLine<O> {
  const fullUsage = `${usage}\n${SERVER_USAGE}${runsUntilStopped ? SECONDS_USAGE : ''}${HELP_USAGE}`;
  const fail = (message: string): never => {
    console.error(`${message}\n\n${fullUsage}`);
    process.exit(2);
  };
  let parsed: ReturnType<typeof parseArgs<{ options: O & typeof COMMON; allowPositionals: true }>>;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      options: { ...options, ...COMMON },
      allowPositionals: true,
    });
  } catch (error) {
    return fail((error as Error).message);
  }
  // The common options' values (TypeScript cannot narrow them through the generic O).
  const common = parsed.values as { help?: boolean; seconds?: string; server?: string };
  if (common.help) {
    console.log(fullUsage);
    process.exit(0);
  }
  const seconds = common.seconds === undefined ? undefined : Number(common.seconds);
  if (seconds !== undefined && !runsUntilStopped) fail('--seconds: this example stops by itself');
  if (seconds !== undefined && !(seconds > 0)) fail('--seconds must be a positive number');
  const clientOptions: ClientOptions = {};
  if (common.server !== undefined) clientOptions.serverName = common.server;
  return { values: parsed.values, positionals: parsed.positionals, seconds, clientOptions, fail };
}

/**
 * Resolves with the reason once the program should stop: SIGINT (Ctrl+C),
 * SIGTERM, Return pressed on a terminal, or `seconds` elapsed. Until then it
 * keeps Node running, as a JACK client alone does not.
 */
export function untilStopped(seconds?: number): Promise<string> {
  return new Promise((resolve) => {
    const keepAlive = setInterval(() => {}, 2 ** 30);
    const timer =
      seconds === undefined ? undefined : setTimeout(() => stop('time is up'), seconds * 1000);
    const onSigint = () => stop('SIGINT');
    const onSigterm = () => stop('SIGTERM');
    const onReturn = () => stop('Return pressed');
    const stdin = process.stdin.isTTY ? process.stdin : null;
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigterm);
    stdin?.once('data', onReturn);
    function stop(reason: string): void {
      clearInterval(keepAlive);
      clearTimeout(timer);
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
      if (stdin) {
        stdin.off('data', onReturn);
        stdin.pause();
      }
      resolve(reason);
    }
  });
}

/** Prints a JACK failure (or any error) as one line and exits with status 1. */
export function exitWithError(error: unknown): never {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(message);
  process.exit(1);
}
