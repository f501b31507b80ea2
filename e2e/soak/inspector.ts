// The web host's own JS heap, read through Node's inspector (the host runs
// with --inspect=127.0.0.1:0): the only way to force a collection in another
// process before reading, so that growth means retained memory, not garbage
// that the next collection would free.
import WebSocket from 'ws';

export interface Inspector {
  /** Used JS heap in bytes after a full collection. */
  heapUsed(): Promise<number>;
  close(): void;
}

/** The inspector's address, as Node prints it on stderr at start. */
export function inspectorUrl(stderr: string): string | null {
  return /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1] ?? null;
}

export async function openInspector(url: string): Promise<Inspector> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, (result: Record<string, unknown>) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown> };
    if (message.id === undefined) return;
    pending.get(message.id)?.(message.result ?? {});
    pending.delete(message.id);
  });
  const call = (method: string): Promise<Record<string, unknown>> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method }));
    });
  return {
    async heapUsed() {
      await call('HeapProfiler.collectGarbage');
      const usage = await call('Runtime.getHeapUsage');
      return Number(usage.usedSize);
    },
    close: () => socket.close(),
  };
}
