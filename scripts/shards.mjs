// Splits a JACK suite's test files into shards of about equal running time.
// Vitest's own --shard cuts the file list into equal counts, whatever the
// files take: core's shards ran 53 s and 198 s (restore-cycles alone is
// ~100 s), and a suite lasts as long as its slowest shard.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// Seconds per file in a CI run (2026-12-05, a clean clone on the 2-core
// machine), for the files that took 3 s or more. Only the balance depends
// on them: a file missing here counts as a short one, and a stale figure
// makes a shard longer, never a test fail.
const SECONDS = {
  native: {
    'accuracy.test.ts': 27,
    'engine.test.ts': 25,
    'examples.test.ts': 25,
    'examples-realtime.test.ts': 21,
    'errors.test.ts': 16,
    'process.test.ts': 13,
    'probe-churn.test.ts': 10,
    'reopen.test.ts': 9,
    'rt-safety.test.ts': 9,
    'analyser.test.ts': 8,
    'lifecycle.test.ts': 8,
    'connections.test.ts': 7,
    'library.test.ts': 5,
    'transport.test.ts': 5,
  },
  'native-asan': {
    'engine.test.ts': 39,
    'lifecycle.test.ts': 25,
    'errors.test.ts': 18,
    'reopen.test.ts': 16,
    'process.test.ts': 13,
    'probe-churn.test.ts': 13,
    'analyser.test.ts': 9,
    'library.test.ts': 9,
    'connections.test.ts': 7,
    'transport.test.ts': 5,
  },
  'native-pipewire': {
    // engine and transport: from a helper's runs of the files alone (2026-12-05).
    'engine.test.ts': 30,
    'transport.test.ts': 12,
    'rt-safety.test.ts': 9,
    'analyser.test.ts': 8,
    'lifecycle.test.ts': 8,
    'errors.test.ts': 7,
    'process.test.ts': 7,
    'probe-churn.test.ts': 4,
  },
  core: {
    'restore-cycles.test.ts': 104,
    'presets.test.ts': 14,
    'restore.test.ts': 10,
    'graph.test.ts': 6,
    'presets-formats.test.ts': 6,
    'requests.test.ts': 6,
    'bridge.test.ts': 5,
    'coalescing.test.ts': 5,
    'port-tools.test.ts': 5,
    'server-control.test.ts': 5,
    'web-host.test.ts': 5,
  },
};
// What a file costs beyond its tests: a worker process, its imports, a server.
const FILE_OVERHEAD_SECONDS = 2;
const SHORT_FILE_SECONDS = 1;

/** The suite's test files, as paths relative to its package (`test/x.test.ts`). */
function suiteFiles(root, suite) {
  if (suite.files) return suite.files;
  const excluded = new Set(suite.exclude ?? []);
  return readdirSync(join(root, suite.dir, 'test'))
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `test/${name}`)
    .filter((file) => !excluded.has(file))
    .sort();
}

/**
 * At most `count` lists of files, longest file first into the shard with the
 * least time so far (no shard is left without a file).
 */
export function shardFiles(root, suite, count) {
  const seconds = SECONDS[suite.name] ?? {};
  const weighed = suiteFiles(root, suite)
    .map((file) => ({
      file,
      cost: (seconds[file.slice('test/'.length)] ?? SHORT_FILE_SECONDS) + FILE_OVERHEAD_SECONDS,
    }))
    .sort((a, b) => b.cost - a.cost || a.file.localeCompare(b.file));
  const shards = Array.from({ length: Math.min(count, weighed.length) }, () => ({
    files: [],
    cost: 0,
  }));
  for (const { file, cost } of weighed) {
    const lightest = shards.reduce((a, b) => (b.cost < a.cost ? b : a));
    lightest.files.push(file);
    lightest.cost += cost;
  }
  return shards.map((shard) => shard.files);
}
