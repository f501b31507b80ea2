// Reading and writing big patchbay files off the service's thread. A QjackCtl
// file of 100,000 connections takes seconds to parse (sax) or write; on the
// one thread that answers every page, that would freeze the graph, the meters
// and every other request meanwhile. So imports and the QjackCtl export run in
// a worker thread, one per file: a user's action, rare enough that starting a
// worker (tens of milliseconds) costs nothing worth saving.
import { Worker } from 'node:worker_threads';
import { isErrorCode } from '../contract.js';
import { JackbayRpcError } from '../errors.js';
import type { ImportFormat } from './import.js';
import type { Imported } from './imported.js';
import type { Preset } from './model.js';

export type OffThreadJob =
  | {
      readonly op: 'import';
      readonly format: ImportFormat | 'auto';
      readonly text: string;
      readonly name: string;
    }
  | { readonly op: 'export-qjackctl'; readonly preset: Preset };

export type OffThreadReply =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code: string; readonly message: string };

// The worker is compiled JavaScript. Run from the sources (the tests do),
// this module is TypeScript; the tests build dist first, so its worker is there.
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('../../dist/presets/off-thread-worker.js', import.meta.url)
  : new URL('./off-thread-worker.js', import.meta.url);

// Parsing 32 MiB of XML into a tree needs some hundreds of MB; a file that
// needs more is refused rather than taking the host down with it.
const WORKER_HEAP_MB = 1024;

function run<T>(job: OffThreadJob): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, {
      workerData: job,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    let settled = false;
    worker.once('message', (reply: OffThreadReply) => {
      settled = true;
      if (reply.ok) resolve(reply.value as T);
      else
        reject(
          new JackbayRpcError(isErrorCode(reply.code) ? reply.code : 'internal', reply.message),
        );
      void worker.terminate();
    });
    worker.once('error', (error) => {
      settled = true;
      reject(
        new JackbayRpcError(
          'preset-too-large',
          `the file could not be read within ${WORKER_HEAP_MB} MB: ${error.message}`,
        ),
      );
    });
    worker.once('exit', (code) => {
      if (!settled)
        reject(new JackbayRpcError('internal', `the file reader stopped (exit ${code})`));
    });
  });
}

/** importPreset, in a worker thread. */
export function importOffThread(
  format: ImportFormat | 'auto',
  text: string,
  name: string,
): Promise<Imported> {
  return run<Imported>({ op: 'import', format, text, name });
}

/** exportQjackctl, in a worker thread. */
export function exportQjackctlOffThread(preset: Preset): Promise<string> {
  return run<string>({ op: 'export-qjackctl', preset });
}
