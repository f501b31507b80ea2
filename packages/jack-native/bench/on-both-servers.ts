// `pnpm bench` runs each table twice in one go: against JACK2's jackd and
// against a private PipeWire through PipeWire's libjack, so the two servers'
// figures come from the same machine at the same time.
//
// libjack is loaded once per process, so each pass is a process of its own:
// the server it starts, our addon (JACKBAY_LIBJACK), the C program and the
// Python module (LD_LIBRARY_PATH, set by the test server's client
// environment) all talk to the one server of that pass.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PIPEWIRE_LIBJACK } from '@jackbay/test-support';

const here = dirname(fileURLToPath(import.meta.url));
const tables = process.argv.slice(2);
if (tables.length === 0) throw new Error('usage: on-both-servers.ts <bench file>…');

interface Pass {
  server: string;
  env: NodeJS.ProcessEnv;
  /** Why this pass cannot run here, if it cannot. */
  missing?: string;
}

const { JACKBAY_TEST_SERVER: _server, JACKBAY_LIBJACK: _libjack, ...plain } = process.env;
const pipewireInstalled = spawnSync('pipewire', ['--version']).status === 0;
const passes: Pass[] = [
  { server: 'JACK2 (jackd, dummy driver)', env: plain },
  {
    server: 'PipeWire (its JACK API, a private server with a null sink)',
    env: { ...plain, JACKBAY_TEST_SERVER: 'pipewire', JACKBAY_LIBJACK: PIPEWIRE_LIBJACK },
    missing:
      pipewireInstalled && existsSync(PIPEWIRE_LIBJACK)
        ? undefined
        : 'pipewire and pipewire-jack are not installed',
  },
];

let failed = false;
for (const table of tables)
  for (const pass of passes) {
    console.log(`\n=== ${table} on ${pass.server}\n`);
    if (pass.missing) {
      console.log(`skipped: ${pass.missing}`);
      continue;
    }
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(here, table)], {
      env: pass.env,
      stdio: 'inherit',
    });
    if (run.status !== 0) {
      console.log(`${table} on ${pass.server} failed (exit ${run.status ?? run.signal})`);
      failed = true;
    }
  }
process.exitCode = failed ? 1 : 0;
