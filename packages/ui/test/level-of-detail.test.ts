// The level of detail: below the zoom where a port row's text would be drawn
// under 6 px on screen, every box is drawn as its summary with its
// connections at its header; zoomed in again, the rows come back. A view
// change only: the boxes a person collapsed, what is saved and what can be
// undone stay as they were.
import { describe, expect, it } from 'vitest';
import { portsToMeter } from '../src/components/useMeterSubscription';
import { MIN_ROW_TEXT, SUMMARY_ZOOM, summaryAt } from '../src/graph/detail';
import { LABEL_FONT } from '../src/graph/geometry';
import { collapsedHandleId, portHandleId } from '../src/graph/ids';
import { COLLAPSED_HEIGHT } from '../src/graph/view';
import { HIDING_KEY } from '../src/store/hiding';
import type { State } from '../src/store/store';
import { conn, patch } from './fixtures';
import { attached, status } from './service';

const node = (s: State, id: string) => s.nodes.find((n) => n.id === id);
const everything = { transform: [0, 0, 0.01], width: 1e4, height: 1e4, nodeLookup: new Map() };
const atHeader = (s: State) =>
  s.edges.every(
    (e) =>
      e.sourceHandle === collapsedHandleId('out') && e.targetHandle === collapsedHandleId('in'),
  );

describe('the zoom that switches to summaries', () => {
  it('is where a row of text would be drawn under MIN_ROW_TEXT px', () => {
    expect(SUMMARY_ZOOM * LABEL_FONT).toBeCloseTo(MIN_ROW_TEXT);
    expect(summaryAt(SUMMARY_ZOOM * 0.99, false)).toBe(true);
    expect(summaryAt(SUMMARY_ZOOM, false)).toBe(false);
    expect(summaryAt(1, false)).toBe(false);
  });

  it('brings the rows back only a little above it, so a view held there does not flicker', () => {
    expect(summaryAt(SUMMARY_ZOOM * 1.05, true)).toBe(true);
    expect(summaryAt(SUMMARY_ZOOM * 1.05, false)).toBe(false);
    expect(summaryAt(SUMMARY_ZOOM * 1.1, true)).toBe(false);
  });
});

describe('summarised boxes', () => {
  it('count their connections, keep their size, and their edges meet their headers', async () => {
    const { store } = await attached();
    const before = store.getState();
    store.getState().setSummary(true);
    const s = store.getState();
    expect(s.nodes.every((n) => n.data.summary)).toBe(true);
    expect(node(s, 'fx')?.data.connections).toBe(4);
    expect(node(s, 'keys')?.data.connections).toBe(1);
    for (const n of s.nodes) expect(n.height).toBe(node(before, n.id)?.height);
    expect(s.edges).toHaveLength(before.edges.length);
    expect(atHeader(s)).toBe(true);
    expect([...s.folded].sort()).toEqual(s.nodes.map((n) => n.id).sort());
  });

  it('draw their rows and port edges again when zoomed back in', async () => {
    const { store } = await attached();
    const before = store.getState();
    store.getState().setSummary(true);
    store.getState().setSummary(false);
    const s = store.getState();
    expect(s.nodes.some((n) => n.data.summary)).toBe(false);
    expect(node(s, 'fx')?.data.connections).toBe(0);
    const into = s.edges.find((e) => e.data?.connection.destination === 'fx:in_1');
    expect(into?.targetHandle).toBe(portHandleId('fx:in_1'));
    expect(into?.sourceHandle).toBe(portHandleId('synth:out_L'));
    expect(s.edges.map((e) => [e.id, e.sourceHandle, e.targetHandle])).toEqual(
      before.edges.map((e) => [e.id, e.sourceHandle, e.targetHandle]),
    );
    expect(s.folded.size).toBe(0);
  });

  it('leave what a person collapsed, saved and can undo as it was', async () => {
    const { store, storage } = await attached();
    store.getState().setCollapsed('fx', true);
    const collapsed = store.getState().collapsed;
    const saved = storage.data.get(HIDING_KEY);
    const undo = store.getState().undoStack.length;
    store.getState().setSummary(true);
    let s = store.getState();
    expect(s.collapsed).toBe(collapsed);
    expect(node(s, 'fx')?.data.collapsed).toBe(true);
    expect(node(s, 'fx')?.height).toBe(COLLAPSED_HEIGHT);
    expect(node(s, 'synth')?.data.collapsed).toBe(false);
    store.getState().setSummary(false);
    s = store.getState();
    expect(s.collapsed).toBe(collapsed);
    expect(node(s, 'fx')?.data.collapsed).toBe(true);
    expect(node(s, 'fx')?.data.summary).toBe(false);
    expect(node(s, 'synth')?.data.collapsed).toBe(false);
    expect(storage.data.get(HIDING_KEY)).toBe(saved);
    expect(s.undoStack).toHaveLength(undo);
  });

  it('follow patches: a new connection meets the headers too', async () => {
    const { store, emit } = await attached();
    store.getState().setSummary(true);
    emit('graphPatch', patch({ connectionsAdded: [conn('synth:out_L', 'system:playback_1')] }));
    const s = store.getState();
    expect(atHeader(s)).toBe(true);
    expect(node(s, 'system%in')?.data.connections).toBe(3);
  });

  it('draw no meters, so none are asked for', async () => {
    const { store, emit } = await attached();
    emit('status', status({ server: 'up' }));
    expect(portsToMeter(store.getState(), everything as never)).not.toHaveLength(0);
    store.getState().setSummary(true);
    expect(portsToMeter(store.getState(), everything as never)).toEqual([]);
  });
});
