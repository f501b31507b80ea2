// @vitest-environment jsdom
// Renaming in a real React render: the dialog says where the name shown now
// comes from, renames or removes the pretty name as one undo step, and warns
// about a name the service judged stale; the menus offer the same.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { menuItems } from '../src/components/menuItems';
import { RenameDialog } from '../src/components/RenameDialog';
import { StoreProvider } from '../src/store/context';
import { patch } from './fixtures';
import { attached, settle } from './service';

afterEach(cleanup);

const anchor = { left: 0, top: 0, right: 0, bottom: 0 };

async function mounted() {
  const rig = await attached();
  render(
    <StoreProvider store={rig.store}>
      <RenameDialog />
    </StoreProvider>,
  );
  return rig;
}

describe('the rename dialog', () => {
  it('says the JACK name is shown, renames on Enter, and the step undoes', async () => {
    const { store, sent } = await mounted();
    act(() => store.getState().startRename('client', 'synth'));
    const dialog = screen.getByRole('dialog', { name: 'Rename client synth' });
    expect(screen.getByTestId('rename-origin').textContent).toBe('Shown now: “synth”, JACK name.');
    const field = screen.getByRole('textbox', { name: 'Pretty name of synth' });
    fireEvent.change(field, { target: { value: 'Big Synth' } });
    fireEvent.submit(dialog);
    await act(settle);
    expect(sent.at(-1)).toEqual({
      method: 'setPrettyName',
      params: { kind: 'client', name: 'synth', prettyName: 'Big Synth' },
    });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(store.getState().undoStack.at(-1)?.label).toBe('rename synth to “Big Synth”');
  });

  it('warns about a stale name, and removes it', async () => {
    const { store, emit, sent } = await mounted();
    emit(
      'graphPatch',
      patch({ clientsUpserted: [{ name: 'fx', prettyName: 'Zyn Pad Synth', uuid: '8589934596' }] }),
    );
    emit('prettyNames', {
      remembered: [],
      stale: [
        {
          kind: 'client',
          name: 'fx',
          uuid: '8589934596',
          prettyName: 'Zyn Pad Synth',
          setFor: 'zyn',
        },
      ],
    });
    act(() => store.getState().startRename('client', 'fx'));
    expect(screen.getByTestId('rename-origin').textContent).toBe(
      'Shown now: “Zyn Pad Synth”, pretty name from JACK metadata on client UUID 8589934596.',
    );
    expect(screen.getByRole('alert').textContent).toContain(
      'probably stale: set for zyn, which had this UUID before (JACK2 reuses UUIDs)',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Remove pretty name' }));
    await act(settle);
    expect(sent.at(-1)).toEqual({
      method: 'setPrettyName',
      params: { kind: 'client', name: 'fx', prettyName: null },
    });
    expect(store.getState().undoStack.at(-1)?.label).toBe('remove the pretty name of fx');
  });

  it('is offered in the menus of a box and of a port', async () => {
    const { store, emit } = await attached();
    emit(
      'graphPatch',
      patch({ clientsUpserted: [{ name: 'fx', prettyName: 'Reverb', uuid: '7' }] }),
    );
    const labels = (target: Parameters<typeof menuItems>[1]) =>
      menuItems(store.getState(), target, anchor).map((item) => item.label);
    expect(labels({ kind: 'client', name: 'fx' })).toEqual([
      'Disconnect all',
      'Rename…',
      'Remove pretty name',
      'Hide',
    ]);
    expect(labels({ kind: 'client', name: 'keys' })).toEqual(['Disconnect all', 'Rename…', 'Hide']);
    expect(labels({ kind: 'port', ports: ['fx:in_1'] })).toContain('Rename…');
    menuItems(store.getState(), { kind: 'port', ports: ['fx:in_1'] }, anchor)
      .find((item) => item.label === 'Rename…')
      ?.run();
    expect(store.getState().renaming).toEqual({ kind: 'port', name: 'fx:in_1' });
  });
});
