#!/usr/bin/env node
// Runs every test suite (native library, core, UI, end-to-end), each with a
// JSON report, and prints one closing line summing them all:
//   N passed, N failed, N skipped
// Just above it, how many of the passed tests passed only on a retry, so a
// flake that a retry hides stays visible.
// Exits non-zero if any suite failed or could not run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// JACK2 keeps its registry of servers in /dev/shm, with 8 slots per machine:
// as root, the run goes into a mount namespace of its own with a private
// tmpfs there, so its servers never take (or find taken) the machine's slots
// and a killed test leaves nothing behind. Elsewhere it runs as it is.
const ISOLATED = 'JACKBAY_TEST_ISOLATED';
if (process.env[ISOLATED] === undefined) {
  const why = isolationUnavailable();
  if (why === null) {
    const inner = spawnSync(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount -t tmpfs -o mode=1777 tmpfs /dev/shm && exec "$@"',
        'sh',
        process.execPath,
        ...process.argv.slice(1),
      ],
      { stdio: 'inherit', env: { ...process.env, [ISOLATED]: '1' } },
    );
    process.exit(inner.status ?? 1);
  }
  console.log(`JACK isolation: none (${why}); the tests share this machine's /dev/shm`);
} else {
  console.log('JACK isolation: a private /dev/shm in a mount namespace of its own');
}

/** Why the run cannot have a private /dev/shm, or null when it can. */
function isolationUnavailable() {
  if (process.getuid?.() !== 0) return 'not root';
  const probe = spawnSync(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs /dev/shm'],
    { encoding: 'utf8' },
  );
  if (probe.error) return `unshare: ${probe.error.message}`;
  if (probe.status !== 0) return `unshare failed: ${probe.stderr.trim()}`;
  return null;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, '.test-results');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

// A suite runs only where its package exists.
const suites = [
  { name: 'native', dir: 'packages/jack-native', kind: 'vitest' },
  { name: 'core', dir: 'packages/core', kind: 'vitest' },
  { name: 'ui', dir: 'packages/ui', kind: 'vitest' },
  { name: 'desktop', dir: 'apps/desktop', kind: 'vitest' },
  { name: 'e2e', dir: 'e2e', kind: 'playwright' },
].filter((suite) => existsSync(join(root, suite.dir, 'package.json')));

// A suite that hangs (a deadlocked server, a worker stuck in a synchronous
// call no test timeout can interrupt) fails the run instead of stalling it.
const SUITE_TIMEOUT_MS = 15 * 60 * 1000;

function runVitest(suite, report) {
  return spawnSync(
    'pnpm',
    [
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--reporter=${join(root, 'scripts/vitest-retries.mjs')}`,
      `--outputFile.json=${report}`,
    ],
    {
      cwd: join(root, suite.dir),
      stdio: 'inherit',
      timeout: SUITE_TIMEOUT_MS,
      env: { ...process.env, JACKBAY_RETRIES_FILE: `${report}.retried` },
    },
  );
}

function runPlaywright(suite, report) {
  return spawnSync('pnpm', ['exec', 'playwright', 'test', '--reporter=list,json'], {
    cwd: join(root, suite.dir),
    stdio: 'inherit',
    timeout: SUITE_TIMEOUT_MS,
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
  });
}

function countVitest(report) {
  const data = JSON.parse(readFileSync(report, 'utf8'));
  return {
    passed: data.numPassedTests,
    failed: data.numFailedTests,
    skipped: data.numPendingTests + data.numTodoTests,
    retried: Number(readFileSync(`${report}.retried`, 'utf8')),
  };
}

function countPlaywright(report) {
  const data = JSON.parse(readFileSync(report, 'utf8'));
  const stats = data.stats;
  return {
    passed: stats.expected + stats.flaky,
    failed: stats.unexpected,
    skipped: stats.skipped,
    retried: stats.flaky,
  };
}

const total = { passed: 0, failed: 0, skipped: 0, retried: 0 };
let broken = false;
for (const suite of suites) {
  const report = join(reports, `${suite.name}.json`);
  console.log(`\n=== ${suite.name} (${suite.dir}) ===`);
  const result = suite.kind === 'vitest' ? runVitest(suite, report) : runPlaywright(suite, report);
  let counts;
  try {
    counts = suite.kind === 'vitest' ? countVitest(report) : countPlaywright(report);
  } catch (error) {
    console.error(`${suite.name}: no test report (${error.message})`);
    broken = true;
    continue;
  }
  if (result.error) {
    console.error(`${suite.name}: ${result.error.message}`);
    broken = true;
  } else if (result.status !== 0 && counts.failed === 0) {
    console.error(`${suite.name}: runner exited with ${result.status} without a failed test`);
    broken = true;
  }
  console.log(
    `${suite.name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped, ${counts.retried} retried`,
  );
  for (const key of Object.keys(total)) total[key] += counts[key];
}

console.log(`\n${total.retried} of the passed tests passed only on a retry`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || broken ? 1 : 0);
