// "Thru to…": pick where a port's signal should also go through Jackbay (an
// input port of the same type); type to filter, arrows to choose, Enter to
// make the route, Escape to go back to the port.

import type { PortInfo } from '@jackbay/core/contract';
import { useShallow } from 'zustand/react/shallow';
import { useJackbay } from '../store/context';
import { PickDialog } from './PickDialog';

export function ThruPicker() {
  const { picker, graph, close, addThru } = useJackbay(
    useShallow((s) => ({
      picker: s.thruPicker,
      graph: s.graph,
      close: s.closeThruPicker,
      addThru: s.addThru,
    })),
  );
  const source = picker ? graph.ports.get(picker.source) : undefined;
  if (!picker || !source) return null;

  const inputs = [...graph.ports.values()]
    .filter((p) => p.direction === 'input' && p.type === source.type)
    .sort((a, b) => a.name.localeCompare(b.name));
  const filter = (query: string) => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return inputs.filter((p) => {
      const text = `${p.name} ${p.prettyName ?? ''}`.toLowerCase();
      return words.every((w) => text.includes(w));
    });
  };

  return (
    <PickDialog<PortInfo>
      key={picker.source}
      label={`Thru from ${source.name}`}
      testId="thru-picker"
      title={
        <>
          Thru from <span className="jb-mono">{source.name}</span> to…
        </>
      }
      inputLabel="Thru destination"
      placeholder={`Type to filter ${source.type === 'midi' ? 'MIDI' : 'audio'} inputs`}
      listLabel="Thru destinations"
      emptyText="No input of this type matches."
      filter={filter}
      itemKey={(p) => p.name}
      itemData={(p) => ({ 'data-port': p.name })}
      renderItem={(p) => (
        <>
          <span className="jb-option-client">{p.client}</span>
          <span className="jb-option-port">{p.prettyName ?? p.shortName}</span>
        </>
      )}
      onChoose={(p) => {
        close();
        void addThru(source.name, p.name);
      }}
      onClose={close}
      foot={() => '↑↓ choose · Enter makes the thru · Esc closes'}
    />
  );
}
