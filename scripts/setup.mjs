#!/usr/bin/env node
// Makes a checkout ready to run: Debian packages, pnpm, the locked
// dependencies and a build of what changed. Each step is skipped when it is
// already done, so this costs about a second on a ready machine.
//
//   node scripts/setup.mjs          what the app needs
//   node scripts/setup.mjs --tests  what the tests need as well
//
// System packages are installed with apt-get: directly as root, otherwise
// through sudo, after saying so. Nothing else needs root: without it, pnpm
// goes into ~/.cache/jackbay/pnpm.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildChanged } from './build-changed.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const isRoot = process.getuid?.() === 0;

/**
 * Debian packages: JACK, its headers and a compiler for the addon; libebur128
 * (EBU R128 loudness of the meter bridge: the header to build, the library
 * loaded at run time).
 */
export const APP_PACKAGES = [
  'jackd2',
  'libjack-jackd2-dev',
  'libebur128-dev',
  'libebur128-1',
  'g++',
  'make',
  'python3',
];
/**
 * The tests' peers and browser: the Python jack module and Chromium for
 * Playwright; and PipeWire with its JACK API and session manager (under a
 * D-Bus session of its own), the second server the library is tested on.
 */
export const TEST_PACKAGES = [
  'python3-jack-client',
  'chromium',
  'pipewire',
  'pipewire-jack',
  'wireplumber',
  'dbus',
];

const say = (line) => process.stderr.write(`setup: ${line}\n`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0)
    throw new Error(`\`${[command, ...args].join(' ')}\` failed (exit ${result.status})`);
}

function commandWorks(command, args) {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19))
    throw new Error(`Node.js ≥ 20.19 is needed, this is ${process.versions.node}`);
}

function missingDebianPackages(names) {
  return names.filter((name) => {
    // dpkg-query's own field syntax, not a template.
    const format = '-f=$' + '{Status}';
    const result = spawnSync('dpkg-query', ['-W', format, name], { encoding: 'utf8' });
    return result.status !== 0 || !result.stdout.includes('install ok installed');
  });
}

function installSystemPackages(names) {
  if (!commandWorks('dpkg-query', ['--version'])) {
    say(
      `not a Debian-like system: install these (or your system's equivalents) yourself: ${names.join(' ')}`,
    );
    return;
  }
  const missing = missingDebianPackages(names);
  if (missing.length === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const prefix = isRoot ? [] : ['sudo', '--preserve-env=DEBIAN_FRONTEND'];
  if (!isRoot)
    say(`installing ${missing.join(' ')} with sudo apt-get (sudo may ask for your password)`);
  else say(`installing ${missing.join(' ')} with apt-get`);
  const [cmd, ...pre] = [...prefix, 'apt-get'];
  run(cmd, [...pre, 'update', '-qq'], { env });
  run(cmd, [...pre, 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

function ensurePnpm() {
  const local = join(homedir(), '.cache', 'jackbay', 'pnpm');
  const localBin = join(local, 'node_modules', '.bin');
  if (existsSync(join(localBin, 'pnpm')))
    process.env.PATH = `${localBin}${delimiter}${process.env.PATH}`;
  const version = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (version.status === 0 && Number(version.stdout.split('.')[0]) >= 10) return;
  if (isRoot) {
    say('installing pnpm 10 with npm install -g');
    run('npm', ['install', '-g', '--silent', 'pnpm@10']);
  } else {
    say(`installing pnpm 10 into ${local} (no root needed)`);
    mkdirSync(local, { recursive: true });
    run('npm', ['install', '--silent', '--prefix', local, 'pnpm@10']);
    process.env.PATH = `${localBin}${delimiter}${process.env.PATH}`;
  }
}

/** The lockfile and every package.json: what `pnpm install` depends on. */
function manifestHash() {
  const hash = createHash('sha256');
  const files = ['pnpm-lock.yaml', 'pnpm-workspace.yaml', 'package.json'];
  for (const dir of ['packages', 'apps'])
    for (const name of spawnSync('ls', [join(root, dir)], { encoding: 'utf8' }).stdout.split('\n'))
      if (name) files.push(join(dir, name, 'package.json'));
  files.push('e2e/package.json');
  for (const file of files)
    if (existsSync(join(root, file))) hash.update(file).update(readFileSync(join(root, file)));
  return hash.digest('hex');
}

function installDependencies() {
  const stamp = join(root, 'node_modules', '.cache', 'jackbay-install.sha256');
  const hash = manifestHash();
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  say('installing dependencies (pnpm install)');
  run('pnpm', ['install', '--frozen-lockfile', '--reporter=silent'], { cwd: root });
  mkdirSync(dirname(stamp), { recursive: true });
  writeFileSync(stamp, hash);
}

/**
 * Everything up to a built checkout: `tests` adds the tests' system packages,
 * `build` names the packages to bring up to date (with what they depend on).
 * Leaves pnpm on this process's PATH for the commands it starts next.
 */
export function setup({ tests = false, build = ['@jackbay/core', '@jackbay/ui'] } = {}) {
  checkNode();
  installSystemPackages(tests ? [...APP_PACKAGES, ...TEST_PACKAGES] : APP_PACKAGES);
  ensurePnpm();
  installDependencies();
  buildChanged(build, { log: say });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const tests = process.argv.includes('--tests');
    setup(tests ? { tests, build: ['@jackbay/desktop'] } : {});
  } catch (error) {
    say(error.message);
    process.exit(1);
  }
}
