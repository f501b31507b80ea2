#!/usr/bin/env node
// `npm run app`: from a fresh clone to the running app in one command.
// Installs what is missing (scripts/setup.mjs), then opens the desktop app
// where Electron's binary is installed, or else serves the same app to a
// browser. Either way with the demo JACK server (a private dummy server with
// a few clients) unless `--no-demo` is given, when it uses the running server.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';
import { setup } from './setup.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const demo = !args.includes('--no-demo');
const rest = args.filter((a) => a !== '--no-demo' && a !== '--demo');

function electronBinary() {
  // require('electron') in plain Node gives the binary's path, and throws when it is missing.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: join(root, 'apps/desktop'),
    encoding: 'utf8',
  });
  const path = probe.status === 0 ? probe.stdout.trim().split('\n').pop() : '';
  return path && existsSync(path) ? path : undefined;
}

try {
  setup({ build: ['@jackbay/core', '@jackbay/ui'] });
} catch (error) {
  process.stderr.write(`setup: ${error.message}\n`);
  process.exit(1);
}

if (electronBinary()) {
  const start = spawnSync(
    process.execPath,
    [join(root, 'apps/desktop/scripts/start.mjs'), demo ? '--demo' : '--no-demo', ...rest],
    { stdio: 'inherit' },
  );
  process.exit(start.status ?? 1);
}
process.stderr.write(
  "Electron's binary is not installed here, so Jackbay runs as a web page instead.\n",
);
process.exit(await serve(demo ? ['--demo', ...rest] : rest));
