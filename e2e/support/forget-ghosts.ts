// Specs share one web host, and the host remembers every client that quits
// (a ghost, with its connections dashed) until a person forgets it. Left
// there, one spec's ghosts crowd the next spec's graph, so each web spec ends
// by forgetting the ghosts it left, through the service as a page would.
import WebSocket from 'ws';

interface Reply {
  id: number;
  result?: { ghosts?: { clients?: Array<{ name: string }> } } | null;
  error?: { code: string; message: string };
}

/** Forgets every ghost of the web host at `pageUrl` (the URL with its #token). */
export async function forgetGhosts(pageUrl: string): Promise<number> {
  const url = new URL(pageUrl);
  const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
  const socket = new WebSocket(`ws://${url.host}/ws?token=${encodeURIComponent(token)}`, {
    origin: url.origin,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let next = 1;
  const waiting = new Map<number, (reply: Reply) => void>();
  socket.on('message', (data, binary) => {
    if (binary) return;
    const message = JSON.parse(String(data)) as Reply;
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  });
  const request = (method: string, params: object) =>
    new Promise<Reply>((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    const restore = await request('getRestore', {});
    const ghosts = restore.result?.ghosts?.clients ?? [];
    for (const { name } of ghosts) await request('dismissGhost', { client: name });
    return ghosts.length;
  } finally {
    socket.close();
  }
}
