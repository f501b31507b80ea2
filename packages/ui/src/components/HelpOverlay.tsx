// Every mouse gesture and key the app answers to, in one place. The lists
// follow the real bindings: GraphView (React Flow's own gestures and the
// Delete keys), the port handles (ports.tsx), the connect list
// (ConnectDialog), the context menu (ContextMenu, TonePanel, MidiSendPanel), the filter
// field, the toolbar, the history keys (HistoryControls) and the matrix (MatrixView, ViewSwitch).
import { useEffect, useId, useRef } from 'react';

const MOUSE: Array<[string, string]> = [
  ['Drag from a port to a port', 'connect them (press on the dot, the name or the row)'],
  ["Drag from a stereo pair's name", 'connect both channels at once'],
  ['Drag a box by its title', 'move it; it stays where you put it until Arrange'],
  ['Drag the background', 'pan the view'],
  ['Wheel, or pinch', 'zoom'],
  ['Double-click the background', 'zoom in'],
  ['Click a box or a connection', 'select it (Ctrl+click adds to the selection)'],
  ['Shift+drag the background', 'select everything in a rectangle'],
  ['Rest the pointer on a port', 'show its details'],
  ['+ − and the frame (bottom left)', 'zoom in, zoom out, fit the graph'],
  ['Click a red clip mark', 'reset that port’s clip indicator'],
  [
    'Right-click a port, box, connection or the background',
    'its menu: Test tone…, Send MIDI…, Thru to…, Meter (add to bridge), MIDI monitor, Disconnect all, Rename…, Remove pretty name, Details',
  ],
  [
    'Send MIDI… (a MIDI input’s menu)',
    'click the keys to play notes; a controller and a program change on the chosen channel',
  ],
  [
    'Bridge (toolbar)',
    'large meters and loudness (EBU R128) for the ports added from their menu or dragged onto it; scales dBFS, K-20, K-14, K-12',
  ],
  ['Click a lit CLIP on the bridge', 'reset that channel’s clip indicator'],
  ['Meters (toolbar), bars icon (box title)', 'level meters on or off, for all or for one client'],
  ['Probes (toolbar, magnifier icon)', 'show Jackbay’s own metering client and its connections'],
  ['Chevron (box title)', 'collapse the box to its title and connection count, or expand it'],
  [
    'Right-click a box: Hide',
    'hide the client; the background’s menu hides audio, MIDI or other ports; N hidden (toolbar) lists them to show again',
  ],
  [
    'A MIDI port’s square marker lights',
    'MIDI events pass through that port (or reach that input)',
  ],
  [
    'Click the clock',
    'go to a time (1:23.5) or a bar|beat|tick (12|3|0); Enter goes, Escape cancels',
  ],
  [
    'Timebase master (transport)',
    'Jackbay reports bars and beats; then click the tempo or the time signature to change it',
  ],
  [
    'A dimmed box, dashed connections',
    'a client that went away: its connections are made again when it returns; × forgets it',
  ],
  ['Restore (status bar)', 'turn re-making connections off or on; Undo takes back the last one'],
  [
    'Click a cell of the matrix',
    'connect or disconnect that output and input; on the dotted diagonal where two stereo pairs meet, both channels at once (Shift+click: only that one)',
  ],
  [
    'Click a client’s name in the matrix',
    'select its box, here and in the graph (Ctrl+click adds)',
  ],
  [
    'Overview map (bottom right)',
    'drag or scroll it to move the view; shown while part of the graph is off screen',
  ],
];

const KEYS: Array<[string, string]> = [
  ['Tab, Shift+Tab', 'move between ports, boxes and connections'],
  ['Enter or Space on a port', 'open the connect list for it'],
  ['Enter on a connection', 'select it'],
  ['Delete or Backspace', 'disconnect the selected connections'],
  ['Arrow keys', 'move the selected boxes'],
  ['Menu key or Shift+F10', 'the focused port’s, box’s or connection’s menu'],
  ['Ctrl+Z', 'undo the last connection change, rename, re-making or box move made in this window'],
  ['Ctrl+Shift+Z or Ctrl+Y', 'redo what was undone'],
  [
    'F2 on a port or a selected box',
    'rename it: the JACK pretty name other programs show; empty removes it',
  ],
  ['In a menu: ↑ ↓, Home, End', 'choose; Enter runs it, Escape closes it'],
  ['Escape in the test tone panel', 'close it and stop its tone'],
  [
    'In the Send MIDI panel: A W S E D F T G Y H U J K',
    'play notes from C (Z and X shift the octave); Escape closes it and ends held notes',
  ],
  ['In the connect list: type', 'filter the destinations'],
  ['↑ ↓, Page Up, Page Down', 'choose a destination'],
  ['Enter', 'connect it, or disconnect it if already connected'],
  ['Escape', 'close the list and go back to the port'],
  ['In the filter field', 'text or /regex/ keeps matching clients and ports; Escape clears it'],
  ['V', 'switch between the graph and the matrix (outputs in rows, inputs in columns)'],
  ['In the matrix: arrow keys, Page Up, Page Down, Home, End', 'move the active cell'],
  [
    'Space or Enter in the matrix',
    'connect or disconnect the active cell (a pair block’s diagonal: both channels; with Shift: one)',
  ],
  ['M', 'open or close the MIDI monitor'],
  ['B', 'open or close the meter bridge'],
  ['P', 'open or close the presets'],
  ['? or F1', 'this help; Escape closes it'],
];

const TOOLBAR: Array<[string, string]> = [
  ['Play, Stop, Rewind', "JACK's transport"],
  [
    'Graph, Matrix (the two small icons)',
    'the graph of boxes, or the matrix of outputs × inputs (V)',
  ],
  [
    'MIDI monitor (keyboard icon)',
    'every MIDI event on the output ports, decoded; filters, pause, clear, Export CSV',
  ],
  ['Bridge (gauge icon)', 'large meters and loudness for the ports you add to it'],
  [
    'Presets (bookmark icon)',
    'save the connections as a preset; load one after seeing what it adds and removes; make one active; import QjackCtl, qpwgraph, aj-snapshot and RaySession files; export',
  ],
  ['Undo, Redo', 'their titles name the step they take back or make again'],
  ['Arrange', 'lay out every box again, sources to sinks'],
  ['Fit', 'zoom to show the whole graph'],
];

function Table({ caption, rows }: { caption: string; rows: Array<[string, string]> }) {
  return (
    <table className="jb-help-table">
      <caption>{caption}</caption>
      <tbody>
        {rows.map(([what, does]) => (
          <tr key={`${what}\u0000${does}`}>
            <th scope="row">{what}</th>
            <td>{does}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function HelpOverlay({ onClose }: { onClose: () => void }) {
  const titleId = useId();
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const returnTo = document.activeElement;
    close.current?.focus();
    return () => {
      if (returnTo instanceof HTMLElement && returnTo.isConnected) returnTo.focus();
    };
  }, []);
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click beside the dialog closes it, as Escape does from the keyboard
    <div
      className="jb-modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        className="jb-dialog jb-help"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="help"
      >
        <div className="jb-dialog-head">
          <h1 id={titleId} className="jb-dialog-title">
            Help: mouse and keys
          </h1>
          <button ref={close} type="button" className="jb-btn jb-btn-small" onClick={onClose}>
            Close
          </button>
        </div>
        <div className="jb-help-body">
          <Table caption="Mouse" rows={MOUSE} />
          <Table caption="Keys" rows={KEYS} />
          <Table caption="Toolbar" rows={TOOLBAR} />
        </div>
      </div>
    </div>
  );
}

/** Whether a key press was typing into a field (where '?' is just a character). */
export function typing(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || target.matches('input, textarea, select'))
  );
}

/** Opens the help on '?' and F1, closes it on Escape. */
export function useHelpKeys(open: boolean, setOpen: (open: boolean) => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (open && e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
      } else if (e.key === 'F1' || (e.key === '?' && !typing(e.target))) {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [open, setOpen]);
}
