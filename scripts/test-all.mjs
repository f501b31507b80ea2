#!/usr/bin/env node
// Runs every test suite (native library, core, UI, end-to-end), each with a
// JSON report, and prints one closing line summing them all:
//   N passed, N failed, N skipped
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

function runVitest(suite, report) {
  return spawnSync(
    'pnpm',
    ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`],
    { cwd: join(root, suite.dir), stdio: 'inherit' },
  );
}

function runPlaywright(suite, report) {
  return spawnSync('pnpm', ['exec', 'playwright', 'test', '--reporter=list,json'], {
    cwd: join(root, suite.dir),
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
  });
}

function countVitest(report) {
  const data = JSON.parse(readFileSync(report, 'utf8'));
  return {
    passed: data.numPassedTests,
    failed: data.numFailedTests,
    skipped: data.numPendingTests + data.numTodoTests,
  };
}

function countPlaywright(report) {
  const data = JSON.parse(readFileSync(report, 'utf8'));
  const stats = data.stats;
  return { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped };
}

const total = { passed: 0, failed: 0, skipped: 0 };
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
  if (result.status !== 0 && counts.failed === 0) {
    console.error(`${suite.name}: runner exited with ${result.status} without a failed test`);
    broken = true;
  }
  console.log(
    `${suite.name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
  );
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
}

console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || broken ? 1 : 0);
