#!/usr/bin/env node
// `pnpm soak [minutes]`: the long soak (issue 9, section 6), default 10
// minutes after a minute's warm-up, on a private JACK server, in Debian's
// Chromium. Prints every sample and the growth against the aim; the test
// suite runs the same soak's one-minute form.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolateJack } from './jack-isolation.mjs';

const minutes = Number(process.argv[2] ?? process.env.SOAK_MINUTES ?? 10);
if (!Number.isFinite(minutes) || minutes <= 0) {
  console.error(`soak: minutes must be a positive number, got '${process.argv[2]}'`);
  process.exit(2);
}
isolateJack();
const e2e = join(dirname(fileURLToPath(import.meta.url)), '..', 'e2e');
const result = spawnSync(
  'pnpm',
  ['exec', 'playwright', 'test', '--project=web', '--retries=0', 'tests/soak.spec.ts'],
  { cwd: e2e, stdio: 'inherit', env: { ...process.env, SOAK_MINUTES: String(minutes) } },
);
process.exit(result.status ?? 1);
