// @vitest-environment jsdom
// Ghosts on the page: a client the service remembers is drawn dimmed where
// it was, with dashed remembered connections; deleting one forgets it; the
// status bar names the last re-making and undoes it; a server that stops
// leaves the graph greyed under a note instead of the full "no server" card.
import type { RestoreState } from '@jackbay/core/contract';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { menuItems } from '../src/components/menuItems';
import { NoServer } from '../src/components/NoServer';
import { StatusBar } from '../src/components/StatusBar';
import { withGhosts } from '../src/graph/ghosts';
import { StoreProvider } from '../src/store/context';
import { emptyRestore } from '../src/store/restore';
import { conn, inp, out, snapshot } from './fixtures';
import { attached, settle, status } from './service';

afterEach(cleanup);

const live = snapshot(
  [out('src:out_1'), inp('system:playback_1', 'audio', { client: 'system' })],
  [],
);

const fxGone: RestoreState = {
  ...emptyRestore,
  ghosts: {
    clients: [{ name: 'hoFx', prettyName: null, uuid: null }],
    ports: [inp('hoFx:in_1'), out('hoFx:out_1')],
  },
  connections: [conn('src:out_1', 'hoFx:in_1'), conn('hoFx:out_1', 'system:playback_1')],
};

describe('ghosts in the graph', () => {
  it('adds ghost clients that are not live, with their ports and remembered connections', () => {
    const store = { clients: new Map(), ports: new Map(), connections: new Map() };
    const ghosts = {
      clients: new Map([['hoFx', { name: 'hoFx', prettyName: null, uuid: null }]]),
      ports: new Map([['hoFx:in_1', inp('hoFx:in_1')]]),
      connections: new Map([['k', conn('src:out_1', 'hoFx:in_1')]]),
    };
    // The source is not there either: that connection is not drawn.
    const drawn = withGhosts(store, ghosts);
    expect([...drawn.clients]).toEqual(['hoFx']);
    expect([...drawn.graph.ports.keys()]).toEqual(['hoFx:in_1']);
    expect(drawn.connections.size).toBe(0);
    // A live client of that name wins: no ghost.
    const back = withGhosts(
      { ...store, clients: new Map([['hoFx', { name: 'hoFx', prettyName: null, uuid: null }]]) },
      ghosts,
    );
    expect(back.clients.size).toBe(0);
  });

  it('draws a ghost box dimmed and its connections dashed; deleting one forgets it', async () => {
    const { store, emit, sent } = await attached(live);
    emit('restore', fxGone);
    const s = store.getState();
    const ghost = s.nodes.find((n) => n.data.box.client.name === 'hoFx');
    expect(ghost?.data.ghost).toBe(true);
    expect(s.nodes.find((n) => n.data.box.client.name === 'src')?.data.ghost).toBe(false);
    const dashed = s.edges.filter((e) => e.data?.ghost);
    expect(dashed.map((e) => e.ariaLabel).sort()).toEqual([
      'Remembered hoFx:out_1 → system:playback_1',
      'Remembered src:out_1 → hoFx:in_1',
    ]);
    expect(dashed.every((e) => e.className?.includes('jb-edge-ghost'))).toBe(true);
    // The live graph (what can be patched) has no ghost in it.
    expect(s.graph.clients.has('hoFx')).toBe(false);

    await s.forgetConnection(conn('src:out_1', 'hoFx:in_1'));
    expect(sent.at(-1)).toEqual({
      method: 'forgetConnection',
      params: conn('src:out_1', 'hoFx:in_1'),
    });
    // Their menus offer to forget (or hide) them, and nothing that needs the client running.
    const anchor = { x: 0, y: 0 } as never;
    expect(menuItems(s, { kind: 'client', name: 'hoFx' }, anchor).map((i) => i.label)).toEqual([
      'Forget hoFx',
      'Hide',
    ]);
    expect(
      menuItems(s, { kind: 'edge', connection: conn('src:out_1', 'hoFx:in_1') }, anchor).map(
        (i) => i.label,
      ),
    ).toEqual(['Forget this connection']);
    expect(menuItems(s, { kind: 'port', ports: ['hoFx:in_1'] }, anchor)).toEqual([]);
    // Nor do its audio ports get meters: they are not in JACK.
    const { portsToMeter } = await import('../src/components/useMeterSubscription');
    const flow = { transform: [0, 0, 1], width: 1e6, height: 1e6, nodeLookup: new Map() };
    const metered = portsToMeter(
      { ...s, status: status({ server: 'up' }), link: 'open' },
      flow as never,
    );
    expect(metered).toContain('src:out_1');
    expect(metered.some((p) => p.startsWith('hoFx:'))).toBe(false);

    // The service's next state has no ghost: the box goes.
    emit('restore', emptyRestore);
    expect(store.getState().nodes.some((n) => n.data.box.client.name === 'hoFx')).toBe(false);
  });
});

describe('the page', () => {
  async function renderBars(server: 'up' | 'down', restore: RestoreState) {
    const r = await attached(live);
    r.emit('status', status({ server }));
    r.emit('restore', restore);
    render(
      <StoreProvider store={r.store}>
        <NoServer host="web" />
        <StatusBar />
      </StoreProvider>,
    );
    await act(settle);
    return r;
  }

  it('names the last re-making in the status bar, and undoes it', async () => {
    const { sent } = await renderBars('up', {
      ...emptyRestore,
      lastRestore: {
        id: 7,
        clients: ['hoFx'],
        connections: [conn('src:out_1', 'hoFx:in_1'), conn('hoFx:out_1', 'system:playback_1')],
      },
    });
    expect(screen.getByTestId('restore-note').textContent).toContain(
      'Re-made 2 connections for hoFx',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await act(settle);
    expect(sent.at(-1)).toEqual({ method: 'undoRestore', params: { id: 7 } });
    expect(screen.queryByTestId('restore-note')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Restore connections' }));
    await act(settle);
    expect(sent.at(-1)).toEqual({ method: 'setRestore', params: { enabled: false } });
  });

  it('keeps the graph greyed under a note when the server stops; a ghost can still be forgotten', async () => {
    const { store, sent } = await renderBars('down', fxGone);
    expect(screen.getByTestId('server-gone').textContent).toContain('The JACK server stopped');
    expect(screen.queryByTestId('no-server')).toBeNull();
    expect(store.getState().nodes.some((n) => n.data.ghost)).toBe(true);
    await act(() => store.getState().dismissGhost('hoFx'));
    expect(sent.at(-1)).toEqual({ method: 'dismissGhost', params: { client: 'hoFx' } });
  });

  it('sends the rules of which clients are one, a line each', async () => {
    const { sent } = await renderBars('up', emptyRestore);
    fireEvent.click(screen.getByRole('button', { name: 'Same client…' }));
    const field = screen.getByRole('textbox');
    fireEvent.change(field, { target: { value: '^Firefox-\\d+$\n\n  ^mpv  \n' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await act(settle);
    expect(sent.at(-1)).toEqual({
      method: 'setMergeRules',
      params: { rules: ['^Firefox-\\d+$', '^mpv'] },
    });
  });

  it('shows the full card when no graph was ever seen', async () => {
    await renderBars('down', emptyRestore);
    expect(screen.getByTestId('no-server')).toBeTruthy();
  });
});
