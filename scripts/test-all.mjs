#!/usr/bin/env node
// Runs every test suite (native library, core, UI, end-to-end), each with a
// JSON report, and prints one closing line summing them all:
//   N passed, N failed, N skipped
// Just above it, how many of the passed tests passed only on a retry, so a
// flake that a retry hides stays visible.
// Exits non-zero if any suite failed or could not run.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isIsolated, isolateJack, withPrivateShm } from './jack-isolation.mjs';

isolateJack();

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, '.test-results');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
// Nothing a test saves (presets, server settings, the restore memory) lands in
// the config directory of the person running the tests.
process.env.JACKBAY_CONFIG_DIR = mkdtempSync(join(tmpdir(), 'jackbay-test-config-'));

const only = process.env.JACKBAY_SUITES?.split(',');
// The *-pipewire suites: a private PipeWire per file (or per run, e2e), its
// clients through PipeWire's libjack (packages/test-support/src/pipewire-server.ts).
const ON_PIPEWIRE = {
  JACKBAY_TEST_SERVER: 'pipewire',
  JACKBAY_LIBJACK: '/usr/lib/x86_64-linux-gnu/pipewire-0.3/jack/libjack.so.0',
};
// A suite runs only where its package exists. `jack`: its tests start JACK
// servers and use JACK's metadata store.
const suites = [
  { name: 'native', dir: 'packages/jack-native', kind: 'vitest', jack: true },
  // The library against PipeWire's JACK API: the files about the API itself
  // and the meters. The long realtime files stay JACK2-only for CI time.
  {
    name: 'native-pipewire',
    dir: 'packages/jack-native',
    kind: 'vitest',
    jack: true,
    env: ON_PIPEWIRE,
    files: [
      'test/library.test.ts',
      'test/client.test.ts',
      'test/connections.test.ts',
      'test/ports.test.ts',
      'test/errors.test.ts',
      'test/bad-input.test.ts',
      'test/metadata.test.ts',
      'test/process.test.ts',
      'test/midi-send.test.ts',
      'test/analyser.test.ts',
      'test/probe-churn.test.ts',
    ],
  },
  { name: 'core', dir: 'packages/core', kind: 'vitest', jack: true },
  // The service where PipeWire differs: clients that recreate themselves.
  {
    name: 'core-pipewire',
    dir: 'packages/core',
    kind: 'vitest',
    jack: true,
    env: ON_PIPEWIRE,
    files: ['test/transient-clients.test.ts'],
  },
  { name: 'ui', dir: 'packages/ui', kind: 'vitest' },
  { name: 'desktop', dir: 'apps/desktop', kind: 'vitest' },
  { name: 'e2e', dir: 'e2e', kind: 'playwright' },
  // The web app against PipeWire: its name in the status bar, connecting
  // and disconnecting in the graph, the transport. Four specs only: each
  // takes 15-25 s on a loaded 2-core machine, and CI time is counted.
  {
    name: 'e2e-pipewire',
    dir: 'e2e',
    kind: 'playwright',
    env: ON_PIPEWIRE,
    files: [
      '--project=web',
      '--grep',
      'names the server|onto an input connects|made by jack_connect|play and stop',
      'tests/status.spec.ts',
      'tests/graph.spec.ts',
    ],
  },
]
  .filter((suite) => existsSync(join(root, suite.dir, 'package.json')))
  // JACKBAY_SUITES=native,core runs only those (a flake hunt); unset, all of them.
  .filter((suite) => only === undefined || only.includes(suite.name));

// A suite that hangs (a deadlocked server, a worker stuck in a synchronous
// call no test timeout can interrupt) fails the run instead of stalling it.
const SUITE_TIMEOUT_MS = 15 * 60 * 1000;

// JACK2 keeps ONE metadata store per user in /dev/shm, and a server that
// stops deletes it, under every other server's clients still using it: they
// crash in libdb (seen here as a vitest worker dying mid-run). So the JACK
// suites run as two shards side by side, each in a mount namespace with a
// /dev/shm of its own, and within a shard one file at a time: no server ever
// stops under another file's clients.
const SHARDS = 2;

/** Runs a command, its process group killed at the suite timeout; resolves with its exit status. */
function run(command, args, { cwd, env, logFile }) {
  return new Promise((resolvePromise) => {
    const out = logFile ? openSync(logFile, 'w') : 'inherit';
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', out, out],
      detached: true,
    });
    const timer = setTimeout(() => {
      console.error(
        `${command} ${args.join(' ')}: still running after ${SUITE_TIMEOUT_MS / 60000} min, killed`,
      );
      process.kill(-child.pid, 'SIGKILL');
    }, SUITE_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolvePromise(code ?? (signal ? 128 : 1));
    });
  });
}

function vitestArgs(report, files = []) {
  return [
    'exec',
    'vitest',
    'run',
    ...files,
    '--reporter=default',
    '--reporter=json',
    `--reporter=${join(root, 'scripts/vitest-retries.mjs')}`,
    `--outputFile.json=${report}`,
  ];
}

const retriesEnv = (report) => ({ JACKBAY_RETRIES_FILE: `${report}.retried` });
/** A suite's own environment (e.g. which server) beside the retries file. */
const suiteEnv = (suite, report) => ({ ...suite.env, ...retriesEnv(report) });

/** Resolves with the report files and the worst exit status. */
async function runVitest(suite, report) {
  const cwd = join(root, suite.dir);
  if (!suite.jack || !isIsolated()) {
    const status = await run('pnpm', vitestArgs(report, suite.files), {
      cwd,
      env: suiteEnv(suite, report),
    });
    return { reports: [report], status };
  }
  // A suite of fewer files than shards: no shard without a file.
  const count = Math.min(SHARDS, suite.files?.length ?? SHARDS);
  const shards = Array.from({ length: count }, (_, i) => {
    const shardReport = `${report}.${i + 1}`;
    const logFile = i === 0 ? undefined : `${shardReport}.log`;
    const args = withPrivateShm(
      'pnpm',
      ...vitestArgs(shardReport, suite.files),
      `--shard=${i + 1}/${count}`,
      '--maxWorkers=1',
      '--minWorkers=1',
    );
    return {
      report: shardReport,
      logFile,
      done: run('unshare', args, { cwd, env: suiteEnv(suite, shardReport), logFile }),
    };
  });
  const statuses = await Promise.all(shards.map((shard) => shard.done));
  // The first shard printed as it ran; the others' output follows, whole.
  for (const shard of shards)
    if (shard.logFile) process.stdout.write(readFileSync(shard.logFile, 'utf8'));
  return { reports: shards.map((shard) => shard.report), status: Math.max(...statuses) };
}

async function runPlaywright(suite, report) {
  const args = ['exec', 'playwright', 'test', '--reporter=list,json', ...(suite.files ?? [])];
  const status = await run('pnpm', args, {
    cwd: join(root, suite.dir),
    env: { ...suite.env, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
  });
  return { reports: [report], status };
}

function countVitest(report) {
  const data = JSON.parse(readFileSync(report, 'utf8'));
  const failures = [];
  for (const file of data.testResults) {
    const where = relative(root, file.name);
    for (const test of file.assertionResults)
      if (test.status === 'failed') failures.push(`${where} › ${test.fullName}`);
    // A file that failed before its tests ran (an import error, a hook) has none listed.
    if (file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed'))
      failures.push(`${where}: ${String(file.message).split('\n')[0]}`);
  }
  return {
    passed: data.numPassedTests,
    failed: data.numFailedTests,
    skipped: data.numPendingTests + data.numTodoTests,
    retried: Number(readFileSync(`${report}.retried`, 'utf8')),
    failures,
  };
}

/** Every spec in a Playwright report, however deeply its suites nest. */
function* playwrightSpecs(suite) {
  yield* suite.specs ?? [];
  for (const inner of suite.suites ?? []) yield* playwrightSpecs(inner);
}

function countPlaywright(report) {
  const data = JSON.parse(readFileSync(report, 'utf8'));
  const stats = data.stats;
  const failures = [];
  for (const suite of data.suites)
    for (const spec of playwrightSpecs(suite))
      for (const test of spec.tests)
        if (test.status === 'unexpected')
          failures.push(`${spec.file}:${spec.line} [${test.projectName}] › ${spec.title}`);
  return {
    passed: stats.expected + stats.flaky,
    failed: stats.unexpected,
    skipped: stats.skipped,
    retried: stats.flaky,
    failures,
  };
}

const total = { passed: 0, failed: 0, skipped: 0, retried: 0 };
// Named again at the very end, beside the sum, where a truncated log still shows them.
const failures = [];
let broken = false;
// The CLI tests of core run its built bin; built once here, not by each shard.
if (suites.some((suite) => suite.dir === 'packages/core')) {
  const { buildChanged } = await import('./build-changed.mjs');
  buildChanged(['@jackbay/core']);
  process.env.JACKBAY_CORE_BUILT = '1';
}
for (const suite of suites) {
  const report = join(reports, `${suite.name}.json`);
  console.log(`\n=== ${suite.name} (${suite.dir}) ===`);
  const result =
    suite.kind === 'vitest' ? await runVitest(suite, report) : await runPlaywright(suite, report);
  const counts = { passed: 0, failed: 0, skipped: 0, retried: 0 };
  let missing = false;
  for (const file of result.reports) {
    try {
      const part = suite.kind === 'vitest' ? countVitest(file) : countPlaywright(file);
      for (const key of Object.keys(counts)) counts[key] += part[key];
      failures.push(...part.failures.map((name) => `${suite.name}: ${name}`));
    } catch (error) {
      console.error(`${suite.name}: no test report (${error.message})`);
      missing = true;
    }
  }
  if (missing) broken = true;
  else if (result.status !== 0 && counts.failed === 0) {
    console.error(`${suite.name}: runner exited with ${result.status} without a failed test`);
    broken = true;
  }
  console.log(
    `${suite.name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped, ${counts.retried} retried`,
  );
  for (const key of Object.keys(total)) total[key] += counts[key];
}

console.log(`\n${total.retried} of the passed tests passed only on a retry`);
if (failures.length > 0) console.log(`Failed:\n${failures.map((name) => `  ${name}`).join('\n')}`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || broken ? 1 : 0);
