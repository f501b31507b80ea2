// A Vitest reporter that writes one number to the file named by
// JACKBAY_RETRIES_FILE: how many tests passed only on a retry. Vitest's JSON
// report does not say, and a flake that a retry hides must still be seen.
import { writeFileSync } from 'node:fs';

function* tests(tasks) {
  for (const task of tasks) {
    if (task.type === 'test') yield task;
    else if (task.tasks) yield* tests(task.tasks);
  }
}

export default class RetriesReporter {
  onFinished(files = []) {
    const file = process.env.JACKBAY_RETRIES_FILE;
    if (!file) return;
    let retried = 0;
    for (const test of tests(files))
      if (test.result?.state === 'pass' && (test.result.retryCount ?? 0) > 0) retried++;
    writeFileSync(file, String(retried));
  }
}
