// A Vitest reporter that writes to the file named by JACKBAY_RETRIES_FILE the
// tests that passed only on a retry, as JSON: [{ file, test, error }], with the error
// of the try that failed. Vitest's JSON report does not say, and a flake that
// a retry hides must still be seen, with its cause.
import { writeFileSync } from 'node:fs';

function* tests(tasks) {
  for (const task of tasks) {
    if (task.type === 'test') yield task;
    else if (task.tasks) yield* tests(task.tasks);
  }
}

/** The test's name under its describe blocks, as the failure list gives it. */
function fullName(test) {
  const names = [test.name];
  for (let suite = test.suite; suite && !suite.filepath; suite = suite.suite)
    names.unshift(suite.name);
  return names.join(' › ');
}

export default class RetriesReporter {
  onFinished(files = []) {
    const file = process.env.JACKBAY_RETRIES_FILE;
    if (!file) return;
    const retried = [];
    for (const test of tests(files))
      if (test.result?.state === 'pass' && (test.result.retryCount ?? 0) > 0) {
        const error = test.result.errors?.[0];
        retried.push({
          file: test.file?.filepath ?? '',
          test: fullName(test),
          error: error ? String(error.stack ?? error.message ?? error) : '',
        });
      }
    writeFileSync(file, JSON.stringify(retried));
  }
}
