// React Flow puts node and handle ids into CSS attribute selectors
// (`[data-id="…"]`), so a quote or backslash in a JACK name would break them.
// Escaping only those (and '%', to stay reversible) keeps ordinary names
// readable: the handle id of 'system:capture_1' is 'system:capture_1'.
export function escapeId(name: string): string {
  return name.replace(/[%"\\\p{Cc}]/gu, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function unescapeId(id: string): string {
  return id.replace(/%([0-9a-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

export type Side = 'both' | 'out' | 'in';

/** A '%' followed by letters cannot come out of escapeId, so these never collide with a name. */
export function boxId(client: string, side: Side): string {
  const id = escapeId(client);
  return side === 'both' ? id : `${id}%${side}`;
}

export function portHandleId(port: string): string {
  return escapeId(port);
}

/** The handle on a collapsed box's header where its connections meet ('%' and a letter: no port's). */
export function collapsedHandleId(side: 'in' | 'out'): string {
  return `%box-${side}`;
}

const PAIR = '%pair%';
const AND = '%+';

/** A pair's handle names both ports; '%+' cannot occur inside an escaped name. */
export function pairHandleId(left: string, right: string): string {
  return PAIR + escapeId(left) + AND + escapeId(right);
}

/** The ports a handle stands for: one port, or a pair (left first). */
export function handlePorts(id: string | null | undefined): string[] {
  if (!id) return [];
  if (id.startsWith(PAIR)) return id.slice(PAIR.length).split(AND).map(unescapeId);
  return [unescapeId(id)];
}
