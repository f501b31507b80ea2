// Independent peers that check us from outside: the Python `jack` module run
// by Debian's /usr/bin/python3, and JACK's own command-line tools.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import type { JackServer } from './jack-server.js';

export const PYTHON = '/usr/bin/python3';

/** Runs a Python snippet (with `import jack` done) to completion; returns stdout. */
export function python(server: JackServer, code: string, timeoutMs = 15000): string {
  const result = spawnSync(PYTHON, ['-c', `import jack, json, sys, time\n${code}`], {
    env: server.env,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  if (result.status !== 0)
    throw new Error(`python peer failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

/** Runs Python code and parses the last line it prints as JSON. */
export function pythonJson<T = unknown>(server: JackServer, code: string): T {
  const lines = python(server, code).trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? 'null') as T;
}

export interface LongPeer {
  /** Resolves with the next line the peer prints. */
  line(): Promise<string>;
  /** Writes a line to the peer's stdin. */
  send(text: string): void;
  stop(): Promise<void>;
  readonly process: ChildProcess;
}

/**
 * A long-running Python peer. It reads commands from stdin, so a test can
 * drive it step by step; it should print 'ready' once its client is up.
 */
export function pythonPeer(server: JackServer, code: string): LongPeer {
  const child = spawn(PYTHON, ['-u', '-c', `import jack, json, sys, time\n${code}`], {
    env: server.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let buffer = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let index = buffer.indexOf('\n');
    while (index >= 0) {
      const line = buffer.slice(0, index);
      buffer = buffer.slice(index + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
      index = buffer.indexOf('\n');
    }
  });
  return {
    process: child,
    line: () =>
      new Promise<string>((resolve, reject) => {
        const next = lines.shift();
        if (next !== undefined) return resolve(next);
        const timer = setTimeout(
          () => reject(new Error(`python peer: no output; stderr: ${stderr}`)),
          10000,
        );
        waiters.push((line) => {
          clearTimeout(timer);
          resolve(line);
        });
      }),
    send: (text: string) => {
      child.stdin.write(`${text}\n`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** Runs a JACK command-line tool against the server; returns stdout. */
export function jackTool(server: JackServer, tool: string, args: string[] = []): string {
  const result = spawnSync(tool, args, { env: server.env, encoding: 'utf8', timeout: 10000 });
  if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Waits until `check` returns a truthy value (polling), or throws after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 3000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
