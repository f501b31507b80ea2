// What a context menu offers for what it was opened on. Each item says what it
// does and runs it through the store; items that cannot work on this target
// are left out rather than shown disabled, so the menu stays short.
import type { PortInfo, PortType } from '@jackbay/core/contract';
import { connectionKey, peersOf } from '@jackbay/core/patch';
import { PORT_TYPES, TYPE_NAMES } from '../graph/hidden';
import type { Anchor, State } from '../store/store';
import type { MenuTarget } from '../store/tools';

export interface MenuItem {
  label: string;
  run(): void;
}

export function menuItems(s: State, target: MenuTarget, anchor: Anchor): MenuItem[] {
  switch (target.kind) {
    case 'port':
      return portItems(s, target.ports, anchor);
    case 'client':
      return [...clientItems(s, target.name), ...boxItems(s, target.name, target.box)];
    case 'edge':
      // A remembered connection to a client that went away: only forgetting it makes sense.
      if (!s.graph.connections.has(connectionKey(target.connection)))
        return s.ghosts.connections.has(connectionKey(target.connection))
          ? [
              {
                label: 'Forget this connection',
                run: () => void s.forgetConnection(target.connection),
              },
            ]
          : [];
      return [
        { label: 'Disconnect', run: () => void s.disconnect([target.connection]) },
        ...thruItems(s, [target.connection.source, target.connection.destination]),
      ];
    case 'route':
      return [
        {
          label: 'Remove thru',
          run: () => void s.removeThru(target.thru.id),
        },
      ];
    case 'canvas':
      return [
        { label: 'Fit view', run: () => s.requestFit() },
        { label: 'Arrange', run: () => s.arrange() },
        ...typeItems(s),
        ...thruItems(s, null),
      ];
  }
}

function portItems(s: State, names: readonly string[], anchor: Anchor): MenuItem[] {
  const ports = names.flatMap((name) => s.graph.ports.get(name) ?? []);
  const [first] = ports;
  if (!first || ports.length !== names.length) return [];
  const items: MenuItem[] = [];
  const allAudioInputs = ports.every((p) => p.type === 'audio' && p.direction === 'input');
  if (allAudioInputs) items.push({ label: 'Test tone…', run: () => s.openTonePanel(names) });
  if (ports.length === 1 && first.type === 'midi' && first.direction === 'input')
    items.push({ label: 'Send MIDI…', run: () => void s.openMidiSendPanel(first.name) });
  if (ports.length === 1 && first.direction === 'output' && first.type !== 'other')
    items.push({ label: 'Thru to…', run: () => s.openThruPicker(first.name) });
  // A pair goes on the bridge as one stereo meter (its loudness is the pair's).
  if (ports.length <= 2 && ports.every((p) => p.type === 'audio'))
    items.push({ label: 'Meter (add to bridge)', run: () => void s.addToBridge(names) });
  // The MIDI monitor narrowed to this output, or to the outputs feeding this input.
  const monitored = ports.length === 1 && first.type === 'midi' ? midiSources(s, first) : [];
  if (monitored.length > 0)
    items.push({ label: 'MIDI monitor', run: () => s.openMidiMonitorOn(monitored) });
  if (ports.some((p) => peersOf(s.graph, p.name).length > 0))
    items.push({
      label: 'Disconnect all',
      run: () => void s.disconnectAll(ports.map((p) => p.name)),
    });
  items.push(...thruItems(s, names));
  if (ports.length === 1) {
    items.push(...renameItems(s, 'port', first.name, first.prettyName));
    items.push({ label: 'Details', run: () => s.showDetails(first.name, anchor) });
  }
  return items;
}

function midiSources(s: State, port: PortInfo): string[] {
  return port.direction === 'output' ? [port.name] : peersOf(s.graph, port.name);
}

function clientItems(s: State, client: string): MenuItem[] {
  if (!s.graph.clients.has(client) && s.ghosts.clients.has(client))
    return [{ label: `Forget ${client}`, run: () => void s.dismissGhost(client) }];
  const ports = [...s.graph.ports.values()].filter(
    (p) => p.client === client && peersOf(s.graph, p.name).length > 0,
  );
  const info = s.graph.clients.get(client);
  return [
    ...(ports.length > 0
      ? [{ label: 'Disconnect all', run: () => void s.disconnectAll(ports.map((p) => p.name)) }]
      : []),
    ...(info ? renameItems(s, 'client', client, info.prettyName) : []),
  ];
}

/** Hiding the client, and collapsing (or expanding) the box the menu was opened on. */
function boxItems(s: State, client: string, box: string | undefined): MenuItem[] {
  const items: MenuItem[] = [{ label: 'Hide', run: () => s.setClientHidden(client, true) }];
  if (box !== undefined) {
    const collapsed = s.collapsed.has(box);
    items.push({
      label: collapsed ? 'Expand' : 'Collapse',
      run: () => s.setCollapsed(box, !collapsed),
    });
  }
  return items;
}

/** "Hide MIDI ports" and the like, for the types the graph has; "Show …" for hidden ones. */
function typeItems(s: State): MenuItem[] {
  const present = new Set<PortType>();
  for (const p of s.graph.ports.values()) present.add(p.type);
  return PORT_TYPES.filter((t) => present.has(t)).map((t) => {
    const hidden = s.hiddenTypes.has(t);
    return {
      label: `${hidden ? 'Show' : 'Hide'} ${TYPE_NAMES[t]} ports`,
      run: () => s.setTypeHidden(t, !hidden),
    };
  });
}

/** "Rename…" (the JACK pretty name), and "Remove pretty name" when there is one. */
function renameItems(
  s: State,
  kind: 'client' | 'port',
  name: string,
  prettyName: string | null,
): MenuItem[] {
  const items: MenuItem[] = [{ label: 'Rename…', run: () => s.startRename(kind, name) }];
  if (prettyName !== null)
    items.push({
      label: 'Remove pretty name',
      run: () => void s.rename(kind, name, ''),
    });
  return items;
}

/** "Remove thru" for Jackbay's routes that touch `ports` (every route when null). */
function thruItems(s: State, ports: readonly string[] | null): MenuItem[] {
  return s.tools.thrus
    .filter((t) => !ports || ports.includes(t.source) || ports.includes(t.destination))
    .map((t) => ({
      label: `Remove thru ${t.source} → ${t.destination}`,
      run: () => void s.removeThru(t.id),
    }));
}
