#!/usr/bin/env node
// `pnpm serve [jackbay serve options]`: builds what changed, then runs the
// web host and shows the address to open so that it stands out. Everything
// else the host says goes to stderr as it comes.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildChanged } from './build-changed.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function showUrl(url, out = process.stdout) {
  const bold = out.isTTY ? (s) => `\x1b[1;32m${s}\x1b[0m` : (s) => s;
  out.write(`\n  Jackbay is running. Open this address in a browser:\n\n    ${bold(url)}\n\n`);
  out.write('  (Ctrl+C stops it.)\n\n');
}

/** Runs `jackbay serve` with `args`; resolves with its exit code. */
export function serve(args) {
  const child = spawn(
    process.execPath,
    [join(root, 'packages/core/dist/cli.js'), 'serve', ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  createInterface({ input: child.stdout }).on('line', (line) => {
    const match = /^Jackbay: (\S+)$/.exec(line);
    if (match) showUrl(match[1]);
    else process.stdout.write(`${line}\n`);
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.on(signal, () => child.kill(signal));
  return new Promise((done) => child.on('exit', (code, signal) => done(signal ? 1 : (code ?? 0))));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    buildChanged(['@jackbay/core', '@jackbay/ui']);
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.exit(await serve(process.argv.slice(2)));
}
