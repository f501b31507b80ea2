import { useReactFlow } from '@xyflow/react';
import { useShallow } from 'zustand/react/shallow';
import { useJackbay } from '../store/context';
import { fitOptions } from './GraphView';
import { HiddenIndicator } from './HiddenIndicator';
import { HistoryButtons } from './HistoryControls';
import { BridgeToggle } from './MeterBridge';
import { PresetsToggle } from './PresetsPanel';
import { TransportBar } from './TransportBar';
import { ViewSwitch } from './ViewSwitch';

function Search() {
  const { search, matcher, setSearch } = useJackbay(
    useShallow((s) => ({ search: s.search, matcher: s.matcher, setSearch: s.setSearch })),
  );
  const invalid = !matcher.ok;
  return (
    <div className={`jb-search${invalid ? ' invalid' : ''}`}>
      <svg viewBox="0 0 16 16" aria-hidden="true" className="jb-search-icon">
        <path d="M7 2a5 5 0 0 1 3.9 8.1l3 3-1 1-3-3A5 5 0 1 1 7 2zm0 1.5a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7z" />
      </svg>
      <input
        type="search"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setSearch('');
        }}
        placeholder="Filter: text or /regex/"
        aria-label="Filter clients and ports"
        aria-invalid={invalid}
        aria-describedby={invalid ? 'jb-search-error' : undefined}
        spellCheck={false}
      />
      {matcher.ok && matcher.regex && <span className="jb-search-mode">regex</span>}
      {!matcher.ok && (
        <span id="jb-search-error" className="jb-search-error" role="alert">
          {matcher.error}
        </span>
      )}
    </div>
  );
}

export function Toolbar({ onHelp }: { onHelp: () => void }) {
  const { arrange, hasGraph, metersOn, setMetersOn, showOwnClient, setShowOwnClient } = useJackbay(
    useShallow((s) => ({
      arrange: s.arrange,
      // Arrange and Fit act on the drawn graph: none while the matrix is shown.
      hasGraph: s.nodes.length > 0 && s.mainView === 'graph',
      metersOn: s.metersOn,
      setMetersOn: s.setMetersOn,
      showOwnClient: s.showOwnClient,
      setShowOwnClient: s.setShowOwnClient,
    })),
  );
  const [midiMonitorOpen, setMidiMonitorOpen] = useJackbay(
    useShallow((s) => [s.midiMonitorOpen, s.setMidiMonitorOpen] as const),
  );
  const { fitView } = useReactFlow();
  return (
    <header className="jb-toolbar">
      <span className="jb-brand">
        <svg viewBox="0 0 20 20" aria-hidden="true">
          <circle cx="5" cy="6" r="2.4" />
          <circle cx="5" cy="14" r="2.4" />
          <rect x="13" y="3.6" width="4.8" height="4.8" rx="1" />
          <circle cx="15.4" cy="14" r="2.4" />
          <path d="M7.4 6c4 0 2 8 5.6 8M7.4 14c3 0 2.6-8 5.6-8" fill="none" strokeWidth="1.3" />
        </svg>
        Jackbay
      </span>
      <TransportBar />
      <HistoryButtons />
      <span className="jb-spacer" />
      <ViewSwitch />
      <Search />
      <HiddenIndicator />
      <fieldset className="jb-toolgroup" aria-label="Show in the graph">
        <button
          type="button"
          className="jb-btn jb-btn-icon jb-toggle"
          aria-pressed={metersOn}
          aria-label="Meters"
          onClick={() => setMetersOn(!metersOn)}
          title="Meters: level meters beside every audio port"
        >
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <path d="M3 13.5v-4M8 13.5v-8M13 13.5V2.5" />
          </svg>
        </button>
        <button
          type="button"
          className="jb-btn jb-btn-icon jb-toggle"
          aria-pressed={showOwnClient}
          aria-label="Probes"
          onClick={() => setShowOwnClient(!showOwnClient)}
          title="Probes: show Jackbay’s own client, the probes its meters listen through"
        >
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <circle cx="6.5" cy="6.5" r="4" />
            <path d="M9.5 9.5 14 14" />
          </svg>
        </button>
      </fieldset>
      <fieldset className="jb-toolgroup" aria-label="Panels">
        <button
          type="button"
          className="jb-btn jb-btn-icon jb-toggle"
          aria-pressed={midiMonitorOpen}
          aria-label="MIDI monitor"
          aria-keyshortcuts="M"
          onClick={() => setMidiMonitorOpen(!midiMonitorOpen)}
          title="MIDI monitor: every MIDI event on the MIDI output ports, decoded (M)"
        >
          <svg viewBox="0 0 16 16" aria-hidden="true">
            <rect x="1.5" y="2.5" width="13" height="11" rx="1" />
            <path d="M6 9v4.5M10 9v4.5" />
            <path className="jb-icon-fill" d="M4.6 2.5h2.4V9H4.6zM9 2.5h2.4V9H9z" />
          </svg>
        </button>
        <BridgeToggle />
        <PresetsToggle />
      </fieldset>
      <button
        type="button"
        className="jb-btn"
        onClick={arrange}
        disabled={!hasGraph}
        title="Lay out every box again, sources to sinks"
      >
        Arrange
      </button>
      <button
        type="button"
        className="jb-btn"
        onClick={() => void fitView(fitOptions)}
        disabled={!hasGraph}
        title="Zoom to show the whole graph"
      >
        Fit
      </button>
      <button
        type="button"
        className="jb-btn jb-btn-icon jb-help"
        onClick={onHelp}
        aria-haspopup="dialog"
        aria-label="Help"
        aria-keyshortcuts="? F1"
        title="Help: every mouse gesture and key (? or F1)"
      >
        ?
      </button>
    </header>
  );
}
