#!/usr/bin/env node
// Builds only the packages whose inputs changed since their last successful
// build, in dependency order, with their output kept out of the terminal
// unless a build fails. `pnpm serve` and `npm run app` call it so a second
// start takes a second, not a full rebuild.
//
// A package's inputs are hashed (path, size and contents of every file under
// its source folders and its config files); the hash of the last good build
// is kept in node_modules/.cache/jackbay-build/. A package is also rebuilt
// when one it depends on was, or when its output is missing.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(root, 'node_modules', '.cache', 'jackbay-build');

/** What each package builds from and into, in dependency order. */
export const PACKAGES = [
  {
    name: '@jackbay/jack-native',
    dir: 'packages/jack-native',
    inputs: ['src', 'lib', 'binding.gyp', 'tsconfig.json', 'package.json'],
    output: ['build/Release/jackbay.node', 'dist/index.js'],
    dependsOn: [],
  },
  {
    name: '@jackbay/core',
    dir: 'packages/core',
    inputs: ['src', 'tsconfig.json', 'package.json'],
    output: ['dist/cli.js'],
    dependsOn: ['@jackbay/jack-native'],
  },
  {
    name: '@jackbay/ui',
    dir: 'packages/ui',
    inputs: ['src', 'index.html', 'vite.config.ts', 'tsconfig.json', 'package.json'],
    output: ['dist/index.html'],
    dependsOn: ['@jackbay/core'],
  },
  {
    name: '@jackbay/desktop',
    dir: 'apps/desktop',
    inputs: ['src', 'config', 'electron.vite.config.ts', 'package.json'],
    output: ['dist/main/index.mjs'],
    dependsOn: ['@jackbay/core', '@jackbay/ui'],
  },
];

function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => (entry.name === 'node_modules' ? [] : filesUnder(join(path, entry.name))));
}

function inputHash(pkg) {
  const hash = createHash('sha256');
  const base = join(root, pkg.dir);
  for (const input of pkg.inputs)
    for (const file of filesUnder(join(base, input))) {
      hash.update(relative(base, file));
      hash.update('\0');
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  return hash.digest('hex');
}

function stampPath(pkg) {
  return join(cacheDir, `${pkg.name.replace('/', '+')}.sha256`);
}

/**
 * Builds what changed among `names` (and what they depend on). Returns the
 * names built. Throws with the build's output when one fails.
 */
export function buildChanged(names, { log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const wanted = new Set();
  const want = (name) => {
    if (wanted.has(name)) return;
    const pkg = PACKAGES.find((p) => p.name === name);
    if (!pkg) throw new Error(`unknown package ${name}`);
    for (const dep of pkg.dependsOn) want(dep);
    wanted.add(name);
  };
  for (const name of names) want(name);

  mkdirSync(cacheDir, { recursive: true });
  const built = [];
  for (const pkg of PACKAGES.filter((p) => wanted.has(p.name))) {
    const hash = inputHash(pkg);
    const stamp = stampPath(pkg);
    const upToDate =
      existsSync(stamp) &&
      readFileSync(stamp, 'utf8') === hash &&
      pkg.output.every((file) => existsSync(join(root, pkg.dir, file))) &&
      !pkg.dependsOn.some((dep) => built.includes(dep));
    if (upToDate) continue;
    log(`building ${pkg.name} …`);
    const result = spawnSync('pnpm', ['run', 'build'], {
      cwd: join(root, pkg.dir),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) {
      process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
      throw new Error(`building ${pkg.name} failed (its output is above)`);
    }
    writeFileSync(stamp, hash);
    built.push(pkg.name);
  }
  return built;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = process.argv.slice(2);
  try {
    const built = buildChanged(names.length > 0 ? names : PACKAGES.map((p) => p.name));
    if (built.length === 0) process.stderr.write('everything is up to date\n');
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
