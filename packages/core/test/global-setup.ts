// The CLI tests run the built `jackbay` bin (dist/cli.js), exactly what users
// run, so the package is compiled once before any test starts.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  // scripts/test-all.mjs builds it once for all its shards.
  if (process.env.JACKBAY_CORE_BUILT === '1') return;
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..');
  const tsc = createRequire(join(dir, 'package.json')).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`building @jackbay/core failed:\n${result.stdout}${result.stderr}`);
}
