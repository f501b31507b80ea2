#!/usr/bin/env node
// `npm test`: installs what the tests need (scripts/setup.mjs --tests), then
// runs every suite (scripts/test-all.mjs), whose last line sums them all.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setup } from './setup.mjs';

try {
  setup({ tests: true, build: ['@jackbay/desktop'] });
} catch (error) {
  process.stderr.write(`setup: ${error.message}\n`);
  process.exit(1);
}
const testAll = join(dirname(fileURLToPath(import.meta.url)), 'test-all.mjs');
const result = spawnSync(process.execPath, [testAll, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
