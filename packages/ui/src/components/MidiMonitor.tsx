// The MIDI monitor panel: the events of the page's MIDI subscription, decoded,
// in a virtualised list (only the rows in view exist), with filters by kind,
// channel and port, pause, clear and CSV export. The events live in the link
// slice's MidiChannel, not in React state: the panel re-renders at most once
// per animation frame while events arrive.
import { type CSSProperties, useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { download } from '../download';
import type { MidiChannel } from '../live/midi';
import { midiCsv } from '../midi/csv';
import { decodeMidi, hexBytes, KIND_LABELS, MIDI_KINDS, type MidiKind } from '../midi/decode';
import { useJackbay, useStoreApi } from '../store/context';

const ROW_HEIGHT = 22;
const CHANNELS = Array.from({ length: 16 }, (_, i) => i + 1);

/**
 * Re-renders after the channel changed (at most once per animation frame),
 * and returns a function that re-renders now: a checkbox must show its new
 * state within the event that changed it.
 */
function useChannelRender(channel: MidiChannel): () => void {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => channel.onChange(bump), [channel]);
  return bump;
}

function Filters({
  channel,
  ports,
  render,
}: {
  channel: MidiChannel;
  ports: readonly string[];
  render: () => void;
}) {
  const filter = channel.filter;
  const apply = (next: typeof filter) => {
    channel.setFilter(next);
    render();
  };
  const toggleKind = (kind: MidiKind, shown: boolean) => {
    const hiddenKinds = new Set(filter.hiddenKinds);
    if (shown) hiddenKinds.delete(kind);
    else hiddenKinds.add(kind);
    apply({ ...filter, hiddenKinds });
  };
  const toggleChannel = (number: number, shown: boolean) => {
    const channels = new Set(filter.channels);
    if (shown) channels.add(number);
    else channels.delete(number);
    apply({ ...filter, channels });
  };
  const togglePort = (port: string, shown: boolean) => {
    const chosen = new Set(filter.ports ?? ports);
    if (shown) chosen.add(port);
    else chosen.delete(port);
    apply({ ...filter, ports: chosen.size === ports.length ? null : chosen });
  };
  const typesOff = filter.hiddenKinds.size;
  const channelsOff = 16 - filter.channels.size;
  const portsOn = filter.ports === null ? ports.length : filter.ports.size;
  return (
    <div className="jb-midi-filters">
      <details className="jb-midi-filter">
        <summary>Types{typesOff > 0 ? ` (${typesOff} hidden)` : ''}</summary>
        <fieldset>
          <legend className="jb-visually-hidden">Message types shown</legend>
          {MIDI_KINDS.map((kind) => (
            <label key={kind}>
              <input
                type="checkbox"
                checked={!filter.hiddenKinds.has(kind)}
                onChange={(e) => toggleKind(kind, e.target.checked)}
              />
              {KIND_LABELS[kind]}
            </label>
          ))}
        </fieldset>
      </details>
      <details className="jb-midi-filter">
        <summary>Channels{channelsOff > 0 ? ` (${16 - channelsOff} of 16)` : ''}</summary>
        <fieldset className="jb-midi-channels">
          <legend className="jb-visually-hidden">Channels shown</legend>
          {CHANNELS.map((number) => (
            <label key={number}>
              <input
                type="checkbox"
                checked={filter.channels.has(number)}
                onChange={(e) => toggleChannel(number, e.target.checked)}
              />
              {number}
            </label>
          ))}
        </fieldset>
      </details>
      <details className="jb-midi-filter">
        <summary>
          Ports ({portsOn} of {ports.length})
        </summary>
        <fieldset>
          <legend className="jb-visually-hidden">Ports shown</legend>
          {ports.length === 0 && <span className="jb-muted">No MIDI output ports</span>}
          {ports.map((port) => (
            <label key={port}>
              <input
                type="checkbox"
                checked={filter.ports === null || filter.ports.has(port)}
                onChange={(e) => togglePort(port, e.target.checked)}
              />
              {port}
            </label>
          ))}
        </fieldset>
      </details>
    </div>
  );
}

function Counts({ channel }: { channel: MidiChannel }) {
  const counts = channel.counts();
  const hidden = [...counts.hidden].map(([kind, n]) => `${n} ${KIND_LABELS[kind]}`).join(', ');
  return (
    <p className="jb-midi-counts" data-testid="midi-counts">
      <span>
        Received <output data-testid="midi-received">{counts.received}</output>
      </span>
      <span>
        Shown <output data-testid="midi-shown">{counts.shown}</output>
      </span>
      <span className={counts.lost > 0 ? 'jb-midi-lost' : undefined}>
        Lost <output data-testid="midi-lost">{counts.lost}</output>
      </span>
      {hidden && <span data-testid="midi-hidden">Hidden: {hidden}</span>}
      {counts.skipped > 0 && <span>{counts.skipped} not kept while paused</span>}
      {counts.missedCycles > 0 && (
        <span
          className="jb-midi-missed"
          title="JACK skipped these cycles for Jackbay (xruns): MIDI played in them never reached the monitor, so it is neither received nor lost"
        >
          <output data-testid="midi-missed">{counts.missedCycles}</output>{' '}
          {counts.missedCycles === 1 ? 'cycle' : 'cycles'} missed (xruns): events in them are not
          seen
        </span>
      )}
    </p>
  );
}

function Row({
  channel,
  seq,
  index,
  sampleRate,
}: {
  channel: MidiChannel;
  seq: number;
  index: number;
  sampleRate: number;
}) {
  const { log } = channel;
  const data = log.data(seq);
  const time = log.time(seq);
  const decoded = decodeMidi(data);
  return (
    <tr aria-rowindex={index + 2} className="jb-midi-row" style={{ top: index * ROW_HEIGHT }}>
      <td className="jb-midi-frame">{time}</td>
      <td className="jb-midi-seconds">{sampleRate > 0 ? (time / sampleRate).toFixed(3) : ''}</td>
      <td className="jb-midi-bbt">{channel.transport.formatAt(time)}</td>
      <td className="jb-midi-port" title={log.portName(seq)}>
        {log.portName(seq)}
      </td>
      <td className="jb-midi-channel">{decoded.channel ?? ''}</td>
      <td className="jb-midi-kind">{KIND_LABELS[decoded.kind]}</td>
      <td className="jb-midi-data" title={hexBytes(data)}>
        {decoded.text}
      </td>
    </tr>
  );
}

function EventList({ channel, sampleRate }: { channel: MidiChannel; sampleRate: number }) {
  const body = useRef<HTMLTableSectionElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 0 });
  // Follows the newest event while the list is scrolled to its end. Only the
  // person scrolling up stops it: a scroll event of our own jump to the end
  // can land after more rows came, short of the new end.
  const follow = useRef(true);
  const lastTop = useRef(0);
  const count = channel.shownCount;
  useEffect(() => {
    const element = body.current;
    if (!element) return;
    const measure = () => setScroll({ top: element.scrollTop, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    const element = body.current;
    if (element && follow.current && count * ROW_HEIGHT > element.clientHeight)
      element.scrollTop = element.scrollHeight;
  });
  const onScroll = useCallback(() => {
    const element = body.current;
    if (!element) return;
    const top = element.scrollTop;
    if (top + element.clientHeight >= element.scrollHeight - ROW_HEIGHT) follow.current = true;
    else if (top < lastTop.current) follow.current = false;
    lastTop.current = top;
    setScroll({ top: element.scrollTop, height: element.clientHeight });
  }, []);
  const first = Math.max(0, Math.floor(scroll.top / ROW_HEIGHT) - 5);
  const last = Math.min(count, Math.ceil((scroll.top + scroll.height) / ROW_HEIGHT) + 5);
  const rows = [];
  for (let index = first; index < last; index++) {
    const seq = channel.shownAt(index);
    rows.push(<Row key={seq} channel={channel} seq={seq} index={index} sampleRate={sampleRate} />);
  }
  return (
    <table aria-label="MIDI events" aria-rowcount={count + 1} className="jb-midi-table">
      <thead>
        <tr aria-rowindex={1} className="jb-midi-row jb-midi-head">
          <th scope="col" className="jb-midi-frame">
            Frame
          </th>
          <th scope="col" className="jb-midi-seconds">
            Seconds
          </th>
          <th
            scope="col"
            className="jb-midi-bbt"
            title="Bar | beat | tick, when the transport has it"
          >
            BBT
          </th>
          <th scope="col" className="jb-midi-port">
            Port
          </th>
          <th scope="col" className="jb-midi-channel">
            Ch
          </th>
          <th scope="col" className="jb-midi-kind">
            Message
          </th>
          <th scope="col" className="jb-midi-data">
            Data
          </th>
        </tr>
      </thead>
      <tbody
        ref={body}
        className="jb-midi-body"
        data-testid="midi-events"
        onScroll={onScroll}
        // The height of every shown row (see .jb-midi-body::after), so it scrolls like the whole list.
        style={{ '--jb-midi-rows-height': `${count * ROW_HEIGHT}px` } as CSSProperties}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: the list scrolls with the keyboard
        tabIndex={0}
      >
        {rows}
      </tbody>
      {count === 0 && <caption className="jb-midi-empty jb-muted">No MIDI events yet.</caption>}
    </table>
  );
}

export function MidiMonitor() {
  const { channel, open, setOpen, sampleRate } = useJackbay(
    useShallow((s) => ({
      channel: s.midi,
      open: s.midiMonitorOpen,
      setOpen: s.setMidiMonitorOpen,
      sampleRate: s.status?.sampleRate ?? 0,
    })),
  );
  const render = useChannelRender(channel);
  if (!open) return null;
  return (
    <section className="jb-midi" aria-label="MIDI monitor" data-testid="midi-monitor">
      <div className="jb-midi-bar">
        <h2 className="jb-midi-title">MIDI monitor</h2>
        <Counts channel={channel} />
        <span className="jb-spacer" />
        <button
          type="button"
          className="jb-btn jb-btn-small jb-toggle"
          aria-pressed={channel.paused}
          onClick={() => {
            channel.setPaused(!channel.paused);
            render();
          }}
        >
          Pause
        </button>
        <button
          type="button"
          className="jb-btn jb-btn-small"
          onClick={() => {
            channel.clear();
            render();
          }}
        >
          Clear
        </button>
        <button
          type="button"
          className="jb-btn jb-btn-small"
          onClick={() => download(midiCsv(channel.log, sampleRate), 'midi-monitor.csv', 'text/csv')}
        >
          Export CSV
        </button>
        <button
          type="button"
          className="jb-btn jb-btn-small"
          aria-label="Close the MIDI monitor"
          onClick={() => setOpen(false)}
        >
          Close
        </button>
      </div>
      <Filters channel={channel} ports={channel.ports} render={render} />
      <EventList channel={channel} sampleRate={sampleRate} />
    </section>
  );
}

/** Whether a key press was typing into a field (where 'm' is just a letter). */
function typing(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || target.matches('input, textarea, select'))
  );
}

/** Opens and closes the MIDI monitor on M. */
export function useMidiMonitorKey(): void {
  const store = useStoreApi();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== 'm' || e.ctrlKey || e.metaKey || e.altKey || typing(e.target))
        return;
      e.preventDefault();
      const s = store.getState();
      s.setMidiMonitorOpen(!s.midiMonitorOpen);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}
