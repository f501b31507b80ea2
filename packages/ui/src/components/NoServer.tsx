import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useJackbay } from '../store/context';

function Command({ text }: { text: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <span className="jb-cmd">
      <code>{text}</code>
      <button
        type="button"
        className="jb-copy"
        aria-label={`Copy ${text}`}
        onClick={() => {
          void navigator.clipboard?.writeText(text).then(
            () => {
              setCopied(true);
              setTimeout(() => setCopied(false), 1500);
            },
            () => undefined,
          );
        }}
      >
        {copied ? 'copied' : 'copy'}
      </button>
    </span>
  );
}

/** Shown over the graph while no JACK server runs; it goes away by itself when one starts. */
export function NoServer() {
  const { down, reason, link } = useJackbay(
    useShallow((s) => ({
      down: s.status?.server === 'down',
      reason: s.status?.reason ?? null,
      link: s.link,
    })),
  );
  if (link === 'closed') return <LinkLost />;
  if (!down) return null;
  return (
    <section className="jb-overlay" aria-label="No JACK server">
      <div className="jb-card" data-testid="no-server">
        <h1>No JACK server is running</h1>
        {reason && <p className="jb-reason">{reason}</p>}
        <p className="jb-waiting">
          <span className="jb-pulse" aria-hidden="true" />
          Waiting for one to start: Jackbay connects by itself, nothing to reload.
        </p>
        <h2>Start one</h2>
        <ul>
          <li>
            JACK2 with your sound card: <Command text="jackd -d alsa" /> (or start it from QjackCtl
            or Cadence)
          </li>
          <li>
            PipeWire: its JACK server is always there; start Jackbay through{' '}
            <Command text="pw-jack pnpm start" />
          </li>
          <li>
            No audio hardware, or just looking: <Command text="pnpm start --demo" /> or{' '}
            <Command text="jackbay serve --demo" /> runs a private demo server with a synth, an
            effect and a MIDI source.
          </li>
        </ul>
      </div>
    </section>
  );
}

function LinkLost() {
  return (
    <section className="jb-overlay" aria-label="Service unreachable">
      <div className="jb-card" data-testid="link-lost">
        <h1>Lost the Jackbay service</h1>
        <p className="jb-waiting">
          <span className="jb-pulse" aria-hidden="true" />
          Reconnecting… If this lasts, check that <code>jackbay serve</code> still runs, and open
          the address it printed (with its <code>#token=</code>).
        </p>
      </div>
    </section>
  );
}
