// Finding the Electron binary without triggering a download.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** apps/desktop: what Electron is launched on (its package.json names the main script). */
export const DESKTOP_APP = join(import.meta.dirname, '..', '..', 'apps', 'desktop');

export const ELECTRON_SKIP_REASON =
  'the Electron binary is not installed here (its download is blocked); these specs run where `electron` installs fully';

/** The Electron binary, or null where only the npm package is installed. */
export function electronBinary(): string | null {
  // The package records the binary's location in path.txt once downloaded;
  // without it, requiring the package would try (and here fail) to download.
  const packageDir = dirname(require.resolve('electron/package.json', { paths: [DESKTOP_APP] }));
  if (!existsSync(join(packageDir, 'path.txt'))) return null;
  return require(packageDir) as string;
}
