// A child process driven one line at a time: write a request, await the
// line it answers with. The C and Python sides of the benchmark work so.
import { type ChildProcess, spawn } from 'node:child_process';

export interface LineChild {
  /** Resolves with the next line the child prints. */
  next(): Promise<string>;
  /** Sends `request` and resolves with the child's answer. */
  ask(request: string): Promise<string>;
  /** Closes the child's stdin (its signal to finish) and waits for it to exit. */
  close(): Promise<void>;
}

export function lineChild(command: string, args: string[], env: NodeJS.ProcessEnv): LineChild {
  const child: ChildProcess = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  let buffer = '';
  let stderr = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      const waiter = waiting.shift();
      if (waiter) waiter.resolve(line);
      else lines.push(line);
    }
  });
  child.once('exit', (code, signal) => {
    exited = true;
    const error = new Error(`${command} exited (${code ?? signal}): ${stderr.trim()}`);
    for (const waiter of waiting.splice(0)) waiter.reject(error);
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) resolve(line);
      else if (exited) reject(new Error(`${command} has exited: ${stderr.trim()}`));
      else waiting.push({ resolve, reject });
    });
  return {
    next,
    ask(request) {
      child.stdin?.write(`${request}\n`);
      return next();
    },
    async close() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    },
  };
}
