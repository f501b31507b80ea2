// `pnpm --filter @jackbay/jack-native example NAME [ARGS…]`: runs one example,
// so each is one command from anywhere in the workspace.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// An example is a program that reads its command line through common.ts;
// the other files here (common.ts, this one, file readers) are helpers.
const examples = readdirSync(here)
  .filter((file) => file.endsWith('.ts') && file !== 'common.ts' && file !== 'run.ts')
  .filter((file) => readFileSync(join(here, file), 'utf8').includes('commandLine('))
  .map((file) => file.slice(0, -3))
  .sort();

const name = process.argv[2];
if (name === undefined || !examples.includes(name)) {
  if (name !== undefined) console.error(`no example called '${name}'`);
  console.error(
    `usage: example NAME [ARGS…]   (NAME --help shows its options)\nexamples: ${examples.join(', ')}`,
  );
  process.exit(2);
}
// The example reads its own arguments from process.argv, as if started directly.
process.argv.splice(2, 1);
await import(pathToFileURL(`${here}/${name}.ts`).href);
