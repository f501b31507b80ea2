#!/usr/bin/env node
// `pnpm start`: builds the desktop app and launches Electron. Where the
// Electron binary is missing it says so in one paragraph, points to
// `pnpm serve`, and exits non-zero. Arguments go to the app: --demo always
// runs a private demo JACK server, --no-demo never does; by default one
// starts only when no JACK server is running.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildChanged } from '../../../scripts/build-changed.mjs';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
// Without --demo or --no-demo, a demo server starts only if no JACK server runs.
const given = process.argv.slice(2);
const args = given.includes('--demo')
  ? given
  : given.includes('--no-demo')
    ? given.filter((a) => a !== '--no-demo')
    : [...given, '--demo-if-no-server'];

// require('electron') in plain Node resolves to the binary's path, and throws
// when the binary is missing (Electron 45 first tries to download it). It
// runs in a child so that attempt's own output does not reach the terminal.
const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
  cwd: app,
  encoding: 'utf8',
  timeout: 180_000,
});
// The path is the last line (a download, if one happened, reports first).
const electron = probe.status === 0 ? (probe.stdout.trim().split('\n').pop() ?? '') : '';
if (!electron || !existsSync(electron)) {
  const why = `${probe.stderr ?? ''}`
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /failed|error/i.test(l));
  console.error(
    'Jackbay cannot open its desktop window here: the Electron binary is not installed, and ' +
      'fetching it failed' +
      `${why ? ` (${why.replace(/\.$/, '')})` : ''}. ` +
      'The same app runs in your browser instead: `pnpm serve` (or `pnpm serve --demo` for a ' +
      'private demo JACK server) prints an address to open. On a machine with network access, ' +
      '`pnpm start` downloads Electron by itself the first time.',
  );
  process.exit(1);
}

// The main process imports @jackbay/core (and through it @jackbay/jack-native)
// from their built output: build what changed of them and of the app.
try {
  buildChanged(['@jackbay/desktop']);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

const child = spawn(electron, [app, ...args], { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
