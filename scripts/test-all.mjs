#!/usr/bin/env node
// Runs every test suite (native library, core, UI, end-to-end), each with a
// JSON report, and prints one closing line summing them all:
//   N passed, N failed, N skipped
// Just above it, how many of the passed tests passed only on a retry, and
// which, with the error of the try that failed: a flake that a retry hides
// stays visible, with its cause.
// The native tests run twice: on the normal addon (`native`) and on one built
// with AddressSanitizer and UndefinedBehaviorSanitizer (`native-asan`), where
// each sanitizer report, from whichever process, counts as a failure.
// Exits non-zero if any suite failed or could not run.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildChanged } from './build-changed.mjs';
import { isIsolated, isolateJack, withPrivateShm } from './jack-isolation.mjs';
import { shardFiles } from './shards.mjs';

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
  {
    name: 'native-asan',
    dir: 'packages/jack-native',
    kind: 'vitest',
    jack: true,
    sanitized: true,
    // Every file that loads the addon, but for the ones that would take the
    // run far past its few minutes without reaching other native code: the
    // examples (each a Node process of its own, ~7 min under ASan, making
    // the calls the other files make directly), the README's, and the
    // precision of the engine's arithmetic, which engine.test.ts runs too.
    // smf and wav are TypeScript only.
    exclude: [
      'test/examples.test.ts',
      'test/examples-realtime.test.ts',
      'test/readme.test.ts',
      'test/accuracy.test.ts',
      'test/smf.test.ts',
      'test/wav.test.ts',
    ],
  },
  // The library against PipeWire's JACK API: the files about the API itself,
  // the meters, the engine, the transport and the realtime-safety proof (PipeWire runs some notification
  // callbacks on its realtime thread). The long realtime files stay
  // JACK2-only for CI time.
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
      'test/rt-safety.test.ts',
      'test/callbacks.test.ts',
      'test/lifecycle.test.ts',
      'test/reopen.test.ts',
      'test/message-hooks.test.ts',
      'test/timebase-callback.test.ts',
      'test/layouts.test.ts',
      'test/engine.test.ts',
      'test/transport.test.ts',
    ],
  },
  { name: 'core', dir: 'packages/core', kind: 'vitest', jack: true },
  // The service where PipeWire differs: clients that recreate themselves,
  // port types other than audio and MIDI, meters across a quantum change.
  {
    name: 'core-pipewire',
    dir: 'packages/core',
    kind: 'vitest',
    jack: true,
    env: ON_PIPEWIRE,
    files: [
      'test/transient-clients.test.ts',
      'test/other-port-types.test.ts',
      'test/meters.test.ts',
    ],
  },
  { name: 'ui', dir: 'packages/ui', kind: 'vitest' },
  { name: 'desktop', dir: 'apps/desktop', kind: 'vitest' },
  { name: 'e2e', dir: 'e2e', kind: 'playwright' },
  // The web app against PipeWire: its name in the status bar, connecting
  // and disconnecting in the graph, the transport, the meters, the MIDI
  // monitor and a ghost's connections re-made. The core test of each spec
  // only: each takes 15-25 s on a loaded 2-core machine, and CI time is counted.
  {
    name: 'e2e-pipewire',
    dir: 'e2e',
    kind: 'playwright',
    env: ON_PIPEWIRE,
    files: [
      '--project=web',
      '--grep',
      [
        'names the server',
        'onto an input connects',
        'made by jack_connect',
        'play and stop',
        'meters read the levels a peer plays',
        'lists exactly the 1,000 messages',
        'stays as a ghost',
      ].join('|'),
      'tests/status.spec.ts',
      'tests/graph.spec.ts',
      'tests/meters.spec.ts',
      'tests/midi-monitor.spec.ts',
      'tests/restore.spec.ts',
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

/** The command that runs vitest: through pnpm, or for a sanitized suite node itself (see below). */
function vitestCommand(suite, report, files = suite.files ?? []) {
  const command = suite.sanitized
    ? ['env', `LD_PRELOAD=${sanitizerRuntimes()}`, process.execPath, VITEST_BIN]
    : ['pnpm', 'exec', 'vitest'];
  return [
    ...command,
    'run',
    ...(suite.exclude ?? []).flatMap((glob) => ['--exclude', glob]),
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

const VITEST_BIN = join(root, 'node_modules', 'vitest', 'vitest.mjs');

// The sanitized suite. Its addon is binding.gyp's configuration `Sanitized`,
// built by make beside build/Release (never in its place) and loaded when
// JACKBAY_NATIVE_BUILD names it. The sanitizer runtimes must be the first
// libraries of a process that loads it, so node starts with them in
// LD_PRELOAD (only node: `env` puts them there for it alone); the tests pass
// them on to the node processes they start, and to nothing else
// (test-support's sanitizer.ts).

/** The runtimes' files, as the compiler that built the addon links them. */
function sanitizerRuntimes() {
  return ['libasan.so', 'libubsan.so']
    .map((name) => {
      const file = spawnSync('gcc', [`-print-file-name=${name}`], { encoding: 'utf8' }).stdout;
      if (!file?.startsWith('/')) throw new Error(`gcc does not know where ${name} is`);
      return file.trim();
    })
    .join(':');
}

/** Builds (or brings up to date) the sanitized addon; returns false when that failed. */
function buildSanitizedAddon(suite) {
  const build = spawnSync(
    'make',
    ['-C', join(root, suite.dir, 'build'), 'BUILDTYPE=Sanitized', `-j${availableParallelism()}`],
    { stdio: 'inherit' },
  );
  if (build.status === 0) return true;
  console.error(`${suite.name}: building the sanitized addon failed (exit ${build.status})`);
  return false;
}

/** Where the sanitizers write their reports, one file per reporting process. */
const sanitizerReports = join(reports, 'sanitizers');

function sanitizerEnv() {
  mkdirSync(sanitizerReports, { recursive: true });
  return {
    JACKBAY_NATIVE_BUILD: 'Sanitized',
    JACKBAY_SANITIZER_PRELOAD: sanitizerRuntimes(),
    // detect_leaks=0: V8 and libjack keep memory to the end by design (V8's
    // heap and isolates, libjack's per-process client tables), so a leak
    // check at exit reports them, not us. log_path: a report lands in a file
    // even from a child process whose stderr a test captures and ignores.
    // allow_user_segv_handler=0: node's own SIGSEGV handler would otherwise
    // take a crash, and the process would die without a report.
    ASAN_OPTIONS: [
      'detect_leaks=0',
      'allow_user_segv_handler=0',
      `log_path=${join(sanitizerReports, 'asan')}`,
    ].join(':'),
    // The addon is built with -fno-sanitize-recover=undefined: the first
    // undefined behaviour stops the process, with its stack. GCC 12's UBSan
    // writes to stderr whatever log_path says: its reports are found in the
    // logs, and the process it stops fails its test.
    UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  };
}

const SANITIZER_REPORT = /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:/;

/**
 * The sanitizer reports of a sanitized run: the report files, and any report
 * that reached a log instead. Each is printed whole; returns their first lines.
 */
function sanitizerFindings(logs) {
  const findings = [];
  const files = existsSync(sanitizerReports) ? readdirSync(sanitizerReports) : [];
  for (const name of files) {
    const text = readFileSync(join(sanitizerReports, name), 'utf8');
    if (!SANITIZER_REPORT.test(text)) continue;
    console.log(`\n--- sanitizer report ${name} ---\n${text}`);
    findings.push(`${name}: ${text.split('\n').find((line) => SANITIZER_REPORT.test(line))}`);
  }
  for (const log of logs)
    for (const line of readFileSync(log, 'utf8').split('\n'))
      if (SANITIZER_REPORT.test(line)) findings.push(`${relative(root, log)}: ${line.trim()}`);
  return findings;
}

/**
 * Resolves with the report files, the worst exit status and the logs (the
 * output of the runs that did not print as they ran).
 */
async function runVitest(suite, report) {
  const cwd = join(root, suite.dir);
  const sanitized = suite.sanitized ? sanitizerEnv() : {};
  if (!suite.jack || !isIsolated()) {
    // A sanitized run's output is kept, to be searched for sanitizer reports.
    const logFile = suite.sanitized ? `${report}.log` : undefined;
    const [command, ...args] = vitestCommand(suite, report);
    const env = { ...sanitized, ...suiteEnv(suite, report) };
    const status = await run(command, args, { cwd, env, logFile });
    if (logFile) process.stdout.write(readFileSync(logFile, 'utf8'));
    return { reports: [report], status, logs: logFile ? [logFile] : [] };
  }
  const runShard = (files, shardReport, logFile) => {
    const args = withPrivateShm(
      ...vitestCommand(suite, shardReport, files),
      '--maxWorkers=1',
      '--minWorkers=1',
    );
    const env = { ...sanitized, ...suiteEnv(suite, shardReport) };
    return run('unshare', args, { cwd, env, logFile });
  };
  const shards = shardFiles(root, suite, SHARDS).map((files, i) => {
    const shardReport = `${report}.${i + 1}`;
    const logFile = i === 0 && !suite.sanitized ? undefined : `${shardReport}.log`;
    return { files, report: shardReport, logFile, done: runShard(files, shardReport, logFile) };
  });
  const statuses = await Promise.all(shards.map((shard) => shard.done));
  // The first shard printed as it ran (unless sanitized); the others' output follows, whole.
  const logs = shards.flatMap((shard) => (shard.logFile ? [shard.logFile] : []));
  for (const log of logs) process.stdout.write(readFileSync(log, 'utf8'));
  // A shard whose test process died leaves no report, and the tests it had
  // not reached never ran (seen once in CI: "terminate called without an
  // active exception" between two files of core, every test before it
  // passed). Its files run once more, and the crash counts as a retry: it
  // is named here and in the sum's "passed only on a retry".
  let crashes = 0;
  for (const [i, shard] of shards.entries()) {
    if (existsSync(shard.report)) continue;
    crashes += 1;
    console.error(
      `\n${suite.name} (shard ${i + 1}): ended without a report (exit ${statuses[i]}: a test process died); its files run once more`,
    );
    shard.report = `${shard.report}.rerun`;
    const logFile = `${shard.report}.log`;
    statuses[i] = await runShard(shard.files, shard.report, logFile);
    logs.push(logFile);
    process.stdout.write(readFileSync(logFile, 'utf8'));
  }
  return {
    reports: shards.map((shard) => shard.report),
    status: Math.max(...statuses),
    logs,
    crashes,
  };
}

async function runPlaywright(suite, report) {
  const args = ['exec', 'playwright', 'test', '--reporter=list,json', ...(suite.files ?? [])];
  const status = await run('pnpm', args, {
    cwd: join(root, suite.dir),
    env: { ...suite.env, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
  });
  return { reports: [report], status };
}

/**
 * The first lines of a test's error, indented under its name: CI shows only
 * the end of the log, and the summary there should say why, not only what.
 */
function why(message) {
  if (!message) return '';
  const lines = String(message)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: colour codes
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  // The message, and the first stack line (the test's own file).
  const at = lines.findIndex((line) => line.trim().startsWith('at '));
  const kept = (at < 0 ? lines : lines.slice(0, at + 1)).slice(0, 6);
  return kept.map((line) => `\n      ${line.slice(0, 300)}`).join('');
}

function countVitest(report) {
  const data = JSON.parse(readFileSync(report, 'utf8'));
  const failures = [];
  for (const file of data.testResults) {
    const where = relative(root, file.name);
    for (const test of file.assertionResults)
      if (test.status === 'failed')
        failures.push(`${where} › ${test.fullName}${why(test.failureMessages?.[0])}`);
    // A file that failed before its tests ran (an import error, a hook) has none listed.
    if (file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed'))
      failures.push(`${where}: ${String(file.message).split('\n')[0]}`);
  }
  // Written by scripts/vitest-retries.mjs: each test that passed only on a retry.
  const retriedTests = JSON.parse(readFileSync(`${report}.retried`, 'utf8')).map(
    (test) => `${relative(root, test.file)} › ${test.test}${why(test.error)}`,
  );
  return {
    passed: data.numPassedTests,
    failed: data.numFailedTests,
    skipped: data.numPendingTests + data.numTodoTests,
    retried: retriedTests.length,
    failures,
    retriedTests,
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
  const retriedTests = [];
  for (const suite of data.suites)
    for (const spec of playwrightSpecs(suite))
      for (const test of spec.tests) {
        const name = `${spec.file}:${spec.line} [${test.projectName}] › ${spec.title}`;
        if (test.status === 'unexpected')
          failures.push(`${name}${why(test.results?.at(-1)?.error?.message)}`);
        // Flaky: failed, then passed on a retry; the first try says why.
        else if (test.status === 'flaky')
          retriedTests.push(`${name}${why(test.results?.[0]?.error?.message)}`);
      }
  return {
    passed: stats.expected + stats.flaky,
    failed: stats.unexpected,
    skipped: stats.skipped,
    retried: stats.flaky,
    failures,
    retriedTests,
  };
}

const total = { passed: 0, failed: 0, skipped: 0, retried: 0 };
// Named again at the very end, beside the sum, where a truncated log still shows them.
const failures = [];
// And the tests that passed only on a retry, with what failed the first time.
const retriedTests = [];
let broken = false;
// The CLI tests of core run its built bin, and the native tests start
// workers on the native library's dist: built once here, not by each shard.
if (suites.some((suite) => suite.dir === 'packages/jack-native'))
  buildChanged(['@jackbay/jack-native']);
if (suites.some((suite) => suite.dir === 'packages/core')) {
  buildChanged(['@jackbay/core']);
  process.env.JACKBAY_CORE_BUILT = '1';
}
for (const suite of suites) {
  const report = join(reports, `${suite.name}.json`);
  console.log(`\n=== ${suite.name} (${suite.dir}) ===`);
  const counts = { passed: 0, failed: 0, skipped: 0, retried: 0 };
  if (suite.sanitized && !buildSanitizedAddon(suite)) {
    broken = true;
    continue;
  }
  const result =
    suite.kind === 'vitest' ? await runVitest(suite, report) : await runPlaywright(suite, report);
  let missing = false;
  for (const file of result.reports) {
    try {
      const part = suite.kind === 'vitest' ? countVitest(file) : countPlaywright(file);
      for (const key of Object.keys(counts)) counts[key] += part[key];
      failures.push(...part.failures.map((name) => `${suite.name}: ${name}`));
      retriedTests.push(...part.retriedTests.map((name) => `${suite.name}: ${name}`));
    } catch (error) {
      console.error(`${suite.name}: no test report (${error.message})`);
      missing = true;
    }
  }
  counts.retried += result.crashes ?? 0;
  for (let crash = 0; crash < (result.crashes ?? 0); crash++)
    retriedTests.push(`${suite.name}: a test process died, and its files ran again (see above)`);
  if (suite.sanitized) {
    const findings = sanitizerFindings(result.logs);
    counts.failed += findings.length;
    failures.push(...findings.map((finding) => `${suite.name}: sanitizer report ${finding}`));
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
if (retriedTests.length > 0)
  console.log(`Passed only on a retry:\n${retriedTests.map((name) => `  ${name}`).join('\n')}`);
if (failures.length > 0) console.log(`Failed:\n${failures.map((name) => `  ${name}`).join('\n')}`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || broken ? 1 : 0);
