#!/usr/bin/env node
// `jackbay serve`: the service plus the web host. Prints exactly one line to
// stdout, the URL to open; everything else goes to stderr.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configDir } from './config-files.js';
import { createService } from './index.js';
import { checkToken, DEFAULT_STATIC_DIR, startWebHost } from './web-host.js';

const USAGE = `Usage: jackbay serve [options]

Serves the Jackbay patchbay to a browser: the renderer over HTTP and the
service over WebSocket. Prints one line, the URL to open (with its token).

Options:
  --host HOST     address to bind (default 127.0.0.1; 0.0.0.0 exposes it to the network)
  --port PORT     TCP port; 0 picks a free one (default 0)
  --token TOKEN   the secret in the URL (default: random); 1-256 of A-Z a-z 0-9 . _ ~ -
  --server NAME   JACK server to use (default: $JACK_DEFAULT_SERVER, else 'default')
  --demo          start a private dummy JACK server with demo clients and use it
  --static DIR    the built renderer (default: ${DEFAULT_STATIC_DIR})
  --verbose       pass libjack's messages to stderr
  -h, --help      show this help
`;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function fail(message: string): never {
  process.stderr.write(`jackbay: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function log(message: string): void {
  process.stderr.write(`jackbay: ${message}\n`);
}

async function serve(args: string[]): Promise<void> {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(args);
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be an integer from 0 to 65535, got '${values.port}'`);
  if (values.token !== undefined) {
    try {
      checkToken(values.token);
    } catch (error) {
      fail((error as Error).message);
    }
  }
  if (values.demo && values.server !== undefined) fail('--demo and --server exclude each other');
  const host = values.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host))
    log(`listening on ${host}: anyone who can reach it and knows the token can patch this machine`);

  let service: Awaited<ReturnType<typeof createService>>;
  try {
    service = await createService({
      serverName: values.server,
      demo: values.demo ?? false,
      // The demo's clients are not the person's: nothing of them is kept.
      ...(!values.demo && { memoryFile: join(configDir(), 'restore.json') }),
      verbose: values.verbose ?? false,
      log,
    });
  } catch (error) {
    log((error as Error).message);
    process.exit(1);
  }

  let webHost: Awaited<ReturnType<typeof startWebHost>>;
  try {
    webHost = await startWebHost({
      service,
      host,
      port,
      token: values.token,
      staticDir: values.static,
      log,
    });
  } catch (error) {
    log(`cannot listen on ${host}:${port}: ${(error as Error).message}`);
    await service.close();
    process.exit(1);
  }

  process.stdout.write(`Jackbay: ${webHost.url}\n`);
  if (!existsSync(join(webHost.staticDir, 'index.html')))
    log(`no built renderer in ${webHost.staticDir}: run \`pnpm --filter @jackbay/ui build\``);

  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    await webHost.close();
    await service.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      token: { type: 'string' },
      server: { type: 'string' },
      demo: { type: 'boolean' },
      static: { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'serve') {
  serve(rest).catch((error: unknown) => {
    log(`fatal: ${(error as Error).stack ?? error}`);
    process.exit(1);
  });
} else if (
  command === undefined ||
  command === '-h' ||
  command === '--help' ||
  command === 'help'
) {
  process.stdout.write(USAGE);
} else {
  fail(`unknown command '${command}'`);
}
