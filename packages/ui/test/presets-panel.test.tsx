// @vitest-environment jsdom
// The Presets panel: lists presets (and files set aside as corrupt), saves
// with the boxes' positions, shows a load's difference before loading, loads
// "exact" and pins the preset's positions, activates, and imports a large
// file in parts. The transport is a recorder; the service's side is in core's
// tests and the end-to-end suite.
import type { PresetDiff, PresetsState } from '@jackbay/core/contract';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PresetsPanel } from '../src/components/PresetsPanel';
import { StoreProvider } from '../src/store/context';
import { presetNameOfFile, UPLOAD_PART_CHARS } from '../src/store/presets';
import { attached, recorder, settle } from './service';

afterEach(cleanup);

const listed: PresetsState = {
  presets: [
    {
      name: 'Live set',
      savedAt: '2026-12-04T22:00:00Z',
      importedFrom: null,
      connections: 2,
      patterns: 0,
      exclusive: 0,
    },
    {
      name: 'Synths',
      savedAt: '2026-12-04T22:00:00Z',
      importedFrom: 'qjackctl',
      connections: 0,
      patterns: 1,
      exclusive: 1,
    },
  ],
  corrupt: [
    { name: 'Old', file: 'Old.json.corrupt-2026-12-04T22-00-00Z', reason: 'not valid JSON' },
  ],
  active: 'Synths',
};

const diff: PresetDiff = {
  add: [{ source: 'src:out_2', destination: 'sink:in_2' }],
  remove: [{ source: 'src:out_1', destination: 'sink:in_2' }],
  missing: [{ source: 'synth-[0-9]+:out_.*', destination: 'mixer:in_.*', pattern: true }],
};

async function setup() {
  const r = recorder();
  const request = r.api.request.bind(r.api);
  r.api.request = (async (method: string, params: unknown) => {
    const result = await request(method as never, params as never);
    if (method === 'listPresets') return listed;
    if (method === 'previewPreset') return diff;
    if (method === 'loadPreset') return { added: [], removed: diff.remove };
    if (method === 'getPreset')
      return {
        positions: { 'src|out': { x: 5, y: 7 }, synth: { x: 900, y: 40 } },
        prettyNames: {
          clients: { synth: 'Pad', gone: 'Not here' },
          ports: { 'fx:in_1': 'Left in' },
        },
      };
    if (method === 'importPreset')
      return { preset: { ...listed.presets[0], name: 'big' }, skipped: 0 };
    if (method === 'uploadPart') return { received: 0 };
    return result;
  }) as typeof r.api.request;
  const { store, sent } = await attached(undefined, undefined, {}, r);
  await act(async () => {
    store.getState().setPresetsOpen(true);
    await settle();
  });
  render(
    <StoreProvider store={store}>
      <PresetsPanel />
    </StoreProvider>,
  );
  return { store, sent };
}

describe('the presets panel', () => {
  it('lists the presets, the active one and the files set aside', async () => {
    await setup();
    const rows = screen.getByRole('list', { name: 'Saved presets' });
    expect(
      within(rows)
        .getAllByTestId('preset-row')
        .map((r) => r.textContent),
    ).toEqual([
      expect.stringContaining('Live set2 connections'),
      expect.stringContaining('Synthsactive0 connections, 1 rule, 1 exclusive, from qjackctl'),
    ]);
    expect(
      screen.getByRole('button', { name: 'Active: Synths' }).getAttribute('aria-pressed'),
    ).toBe('true');
    const corrupt = screen.getByRole('region', { name: 'Presets that could not be read' });
    expect(corrupt.textContent).toContain('Old.json.corrupt-2026-12-04T22-00-00Z');
    expect(corrupt.textContent).toContain('not valid JSON');
  });

  it('says Replace for the name of a saved preset, and names an import apart from them', async () => {
    await setup();
    fireEvent.change(screen.getByLabelText('Save the current connections as'), {
      target: { value: 'Live set' },
    });
    expect(screen.getByRole('button', { name: 'Replace' })).toBeTruthy();
    expect(presetNameOfFile('Live set.xml', new Set(['Live set', 'Live set (2)']))).toBe(
      'Live set (3)',
    );
    expect(presetNameOfFile('.hidden/x.qpwgraph')).toBe('hidden-x');
  });

  it('saves the current connections with the boxes’ positions', async () => {
    const { store, sent } = await setup();
    fireEvent.change(screen.getByLabelText('Save the current connections as'), {
      target: { value: ' Evening ' },
    });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save' }));
      await settle();
    });
    const save = sent.find((s) => s.method === 'savePreset');
    expect(save?.params).toMatchObject({ name: 'Evening' });
    const { positions } = (save?.params ?? {}) as { positions: Record<string, unknown> };
    expect(Object.keys(positions).sort()).toEqual([...store.getState().positions.keys()].sort());
  });

  it('shows the difference first, then loads exact and pins the preset’s positions', async () => {
    const { store, sent } = await setup();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Load Live set…' }));
      await settle();
    });
    const preview = screen.getByRole('region', { name: 'Load Live set' });
    expect(within(preview).getByTestId('preset-diff').textContent).toBe(
      '1 to add · 1 to remove with Exact · 1 not here now',
    );
    expect(within(preview).getByRole('list', { name: 'Connections to add' }).textContent).toBe(
      'src:out_2 → sink:in_2',
    );
    expect(
      within(preview).getByRole('list', { name: 'Ports that do not exist now' }).textContent,
    ).toBe('/synth-[0-9]+:out_.*/ → /mixer:in_.*/');
    expect(sent.some((s) => s.method === 'loadPreset')).toBe(false);
    await act(async () => {
      fireEvent.click(within(preview).getByRole('button', { name: 'Exact' }));
      await settle();
      await settle();
    });
    expect(sent.find((s) => s.method === 'loadPreset')?.params).toEqual({
      name: 'Live set',
      mode: 'exact',
    });
    expect(store.getState().pinned.get('src|out')).toEqual({ x: 5, y: 7 });
    expect(screen.queryByRole('region', { name: 'Load Live set' })).toBeNull();
  });

  it('writes the preset’s pretty names, and one Undo takes back its connections, names and box places', async () => {
    const { store, sent } = await setup();
    const s = () => store.getState();
    const before = s().positions.get('synth');
    expect(before).toBeDefined();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Load Live set…' }));
      await settle();
    });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Exact' }));
      await settle();
      await settle();
    });
    const renames = () => sent.filter((m) => m.method === 'setPrettyName').map((m) => m.params);
    // Names for what is here now; the client not here is left alone.
    expect(renames()).toEqual([
      { kind: 'client', name: 'synth', prettyName: 'Pad' },
      { kind: 'port', name: 'fx:in_1', prettyName: 'Left in' },
    ]);
    expect(s().positions.get('synth')).toEqual({ x: 900, y: 40 });
    expect(s().undoStack.map((e) => e.label)).toEqual(['load preset Live set']);
    const count = sent.length;
    await act(async () => {
      expect(await s().undo()).toBe(true);
    });
    expect(sent.slice(count).map((m) => [m.method, m.params])).toEqual([
      ['connect', { source: 'src:out_1', destination: 'sink:in_2' }],
      ['setPrettyName', { kind: 'client', name: 'synth', prettyName: null }],
      ['setPrettyName', { kind: 'port', name: 'fx:in_1', prettyName: null }],
    ]);
    expect(s().positions.get('synth')).toEqual(before);
    expect(s().pinned.has('synth')).toBe(false);
  });

  it('activates and deactivates', async () => {
    const { sent } = await setup();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Active: Live set' }));
      fireEvent.click(screen.getByRole('button', { name: 'Active: Synths' }));
      await settle();
    });
    expect(sent.filter((s) => s.method === 'setActivePreset').map((s) => s.params)).toEqual([
      { name: 'Live set' },
      { name: null },
    ]);
  });

  it('imports a large file in parts, the format from its name', async () => {
    const { sent } = await setup();
    const text = `<aj-snapshot>${'x'.repeat(UPLOAD_PART_CHARS * 2)}</aj-snapshot>`;
    const file = new File([text], 'big.qpwgraph');
    // jsdom's File has no text(); browsers' has.
    Object.defineProperty(file, 'text', { value: async () => text });
    await act(async () => {
      fireEvent.change(screen.getByLabelText(/Import a file/), { target: { files: [file] } });
    });
    await waitFor(() => expect(sent.some((s) => s.method === 'importPreset')).toBe(true));
    const parts = sent.filter((s) => s.method === 'uploadPart');
    expect(parts).toHaveLength(3);
    expect(parts.map((p) => (p.params as { text: string }).text).join('')).toBe(text);
    const { upload } = (parts[0]?.params ?? {}) as { upload: string };
    expect(sent.find((s) => s.method === 'importPreset')?.params).toEqual({
      name: 'big',
      format: 'qpwgraph',
      upload,
    });
  });

  it('asks before deleting', async () => {
    const { sent } = await setup();
    fireEvent.click(screen.getByRole('button', { name: 'Delete Live set' }));
    expect(sent.some((s) => s.method === 'deletePreset')).toBe(false);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Really delete Live set' }));
      await settle();
    });
    expect(sent.find((s) => s.method === 'deletePreset')?.params).toEqual({ name: 'Live set' });
  });
});
