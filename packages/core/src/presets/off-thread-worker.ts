// The worker thread of off-thread.ts: one job, one reply, then it ends.
import { parentPort, workerData } from 'node:worker_threads';
import { JackbayRpcError } from '../errors.js';
import { exportQjackctl } from './export-qjackctl.js';
import { importPreset } from './import.js';
import type { OffThreadJob, OffThreadReply } from './off-thread.js';

function perform(job: OffThreadJob): unknown {
  return job.op === 'import'
    ? importPreset(job.format, job.text, job.name)
    : exportQjackctl(job.preset);
}

let reply: OffThreadReply;
try {
  reply = { ok: true, value: perform(workerData as OffThreadJob) };
} catch (error) {
  reply =
    error instanceof JackbayRpcError
      ? { ok: false, code: error.code, message: error.message }
      : { ok: false, code: 'internal', message: String((error as Error)?.message ?? error) };
}
parentPort?.postMessage(reply);
