// Where Jackbay keeps what it must remember between runs (presets, server
// settings, the restore memory), and the two rules every such file follows:
// it is written atomically, and a file that cannot be read is set aside under
// a dated name and reported, never silently overwritten.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/**
 * `$JACKBAY_CONFIG_DIR` (tests, portable setups), else `$XDG_CONFIG_HOME/jackbay`,
 * else `~/.config/jackbay`, as the XDG base directory specification says.
 */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JACKBAY_CONFIG_DIR) return env.JACKBAY_CONFIG_DIR;
  const xdg = env.XDG_CONFIG_HOME;
  // The spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = xdg?.startsWith('/') ? xdg : join(homedir(), '.config');
  return join(base, 'jackbay');
}

/**
 * Writes `data` so that a reader sees either the old file or the whole new one,
 * even if the machine loses power: a temporary file beside it, fsync, rename,
 * then fsync of the directory so the rename itself is durable.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temp, 'w', 0o644);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

export type ReadOutcome<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'missing' }
  /** The file was unreadable; it now lives at `setAsideAs` (null if even that failed). */
  | { readonly kind: 'corrupt'; readonly reason: string; readonly setAsideAs: string | null };

/** Files larger than this are treated as corrupt rather than parsed (a config is kilobytes). */
export const MAX_CONFIG_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Reads and parses a file. `parse` throws on content it does not accept; such a
 * file is renamed to `<name>.corrupt-<date>` so the next write cannot destroy
 * what the person may still want to recover by hand.
 */
export function readConfigFile<T>(path: string, parse: (text: string) => T): ReadOutcome<T> {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_CONFIG_FILE_BYTES) {
      return setAside(path, `larger than ${MAX_CONFIG_FILE_BYTES} bytes`);
    }
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    if (error instanceof TypeError) return setAside(path, 'not valid UTF-8');
    return { kind: 'corrupt', reason: (error as Error).message, setAsideAs: null };
  }
  try {
    return { kind: 'ok', value: parse(text) };
  } catch (error) {
    return setAside(path, (error as Error).message);
  }
}

/** Parses JSON, throwing a message that names the file's problem (for `readConfigFile`). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`not valid JSON: ${(error as Error).message}`);
  }
}

function setAside(path: string, reason: string): ReadOutcome<never> {
  // Colons are legal on Linux but awkward in shells and other systems' file managers.
  const stamp = new Date()
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, 'Z');
  let target = `${path}.corrupt-${stamp}`;
  for (let n = 2; existsSync(target); n += 1) target = `${path}.corrupt-${stamp}-${n}`;
  try {
    renameSync(path, target);
    return { kind: 'corrupt', reason, setAsideAs: target };
  } catch {
    return { kind: 'corrupt', reason, setAsideAs: null };
  }
}
