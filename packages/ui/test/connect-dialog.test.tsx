// @vitest-environment jsdom
// The keyboard patching dialog in a real React render: what Enter connects
// after typing, the way a person patches without a mouse.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectDialog } from '../src/components/ConnectDialog';
import { StoreProvider } from '../src/store/context';
import { conn, inp, out, snapshot } from './fixtures';
import { attached, settle } from './service';

beforeAll(() => {
  Element.prototype.scrollIntoView = () => undefined;
});

afterEach(cleanup);

const hw = { isPhysical: true, isTerminal: true };
const rig = snapshot([
  ...[1, 2, 3, 4, 5, 6].map((n) => inp(`system:playback_${n}`, 'audio', hw)),
  out('synth:mono'),
  out('fx:out_L'),
  out('fx:out_R'),
]);

/** Opens the dialog on `from`, types `text`, presses Enter; returns what was sent. */
async function enter(from: string[], text: string) {
  const { store, sent } = await attached(rig);
  render(
    <StoreProvider store={store}>
      <ConnectDialog />
    </StoreProvider>,
  );
  act(() => store.getState().openDialog(from));
  const filter = screen.getByRole('combobox', { name: 'Destination' });
  fireEvent.change(filter, { target: { value: text } });
  fireEvent.keyDown(filter, { key: 'Enter' });
  await act(settle);
  return sent.filter((s) => s.method === 'connect').map((s) => s.params);
}

describe('connect dialog', () => {
  it('connects a mono output to just the port typed, not to the pair that contains it', async () => {
    expect(await enter(['synth:mono'], 'playback_6')).toEqual([
      conn('synth:mono', 'system:playback_6'),
    ]);
  });

  it('connects a pair to the pair its name matches', async () => {
    expect(await enter(['fx:out_L', 'fx:out_R'], 'playback')).toEqual([
      conn('fx:out_L', 'system:playback_1'),
      conn('fx:out_R', 'system:playback_2'),
    ]);
  });

  it('connects a pair to the single port typed in full', async () => {
    expect(await enter(['fx:out_L', 'fx:out_R'], 'system:playback_3')).toEqual([
      conn('fx:out_L', 'system:playback_3'),
      conn('fx:out_R', 'system:playback_3'),
    ]);
  });

  it('connects a mono output to the first single port when the text fits many', async () => {
    expect(await enter(['synth:mono'], 'playback')).toEqual([
      conn('synth:mono', 'system:playback_1'),
    ]);
  });
});
