// Jackbay's own routes and tones, listed over the graph while there are any:
// their ports are hidden with the rest of Jackbay's client, so this is where a
// person sees that a thru route exists or a tone plays, and removes them.
import { useJackbay } from '../store/context';

export function ToolsList() {
  const tools = useJackbay((s) => s.tools);
  const removeThru = useJackbay((s) => s.removeThru);
  if (tools.tones.length === 0 && tools.thrus.length === 0) return null;
  return (
    <section className="jb-tools-list" aria-label="Jackbay's routes and tones">
      {tools.thrus.length > 0 && <h2>Jackbay routes</h2>}
      <ul>
        {tools.thrus.map((t) => (
          <li key={`thru-${t.id}`} data-thru={`${t.source} → ${t.destination}`}>
            <span className={`jb-type jb-${t.type}`}>{t.type === 'midi' ? 'MIDI' : 'audio'}</span>{' '}
            <span className="jb-mono">
              {t.source} → {t.destination}
            </span>
            <button
              type="button"
              className="jb-btn jb-btn-small"
              aria-label={`Remove thru ${t.source} → ${t.destination}`}
              onClick={() => void removeThru(t.id)}
            >
              Remove
            </button>
          </li>
        ))}
        {tools.tones.map((t) => (
          <li key={`tone-${t.id}`} className="jb-tools-tone">
            <span className="jb-tone-dot" aria-hidden="true" />
            Tone {t.frequency} Hz at {t.level} dBFS →{' '}
            <span className="jb-mono">{t.ports.join(' + ')}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
