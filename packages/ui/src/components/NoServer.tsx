import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Host } from '../api/ws';
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

// What starts a server where this page runs. The web host keeps running and
// connects by itself once a server is up; the desktop app does too, and is
// started from the project checkout with `pnpm start`.
function WebHostWays() {
  return (
    <ul>
      <li>
        JACK2 with your sound card: <Command text="jackd -d alsa" /> (or start it from QjackCtl or
        Cadence)
      </li>
      <li>
        No audio hardware, or just looking: <Command text="jackd -d dummy" />, or stop this host and
        run <Command text="pnpm serve --demo" /> in the Jackbay checkout: a private demo server with
        a synth, an effect and a MIDI source.
      </li>
      <li>
        PipeWire: its JACK server is always there; run the host through{' '}
        <Command text="pw-jack pnpm serve" />
      </li>
    </ul>
  );
}

function DesktopWays() {
  return (
    <ul>
      <li>
        JACK2 with your sound card: <Command text="jackd -d alsa" /> (or start it from QjackCtl or
        Cadence)
      </li>
      <li>
        No audio hardware, or just looking: <Command text="jackd -d dummy" />, or restart Jackbay
        with <Command text="pnpm start --demo" /> in its checkout: a private demo server with a
        synth, an effect and a MIDI source.
      </li>
      <li>
        PipeWire: its JACK server is always there; start Jackbay through{' '}
        <Command text="pw-jack pnpm start" />
      </li>
    </ul>
  );
}

/**
 * Shown over the graph while no JACK server runs (it goes away by itself when
 * one starts), while the service is unreachable, or when the page's token was refused.
 */
export function NoServer({ host }: { host: Host }) {
  const { down, reason, link, ghosts, openServerDialog } = useJackbay(
    useShallow((s) => ({
      down: s.status?.server === 'down',
      reason: s.status?.reason ?? null,
      link: s.link,
      ghosts: s.ghosts.clients.size,
      openServerDialog: s.openServerDialog,
    })),
  );
  if (link === 'refused') return <TokenRefused />;
  if (link === 'closed') return <LinkLost />;
  if (!down) return null;
  // The server went away from under a graph: the graph stays, greyed, with a word on top.
  if (ghosts > 0)
    return (
      <div className="jb-server-gone" role="status" data-testid="server-gone">
        <strong>The JACK server stopped.</strong> The last graph stays greyed; when a server starts,
        Jackbay connects and makes its connections again.
        {reason && <span className="jb-reason"> ({reason})</span>}{' '}
        <button type="button" className="jb-btn jb-btn-small" onClick={openServerDialog}>
          Start JACK server…
        </button>
      </div>
    );
  return (
    <section className="jb-overlay" aria-label="No JACK server">
      <div className="jb-card" data-testid="no-server">
        <h1>No JACK server is running</h1>
        {reason && <p className="jb-reason">{reason}</p>}
        <p className="jb-waiting">
          <span className="jb-pulse" aria-hidden="true" />
          <span>Waiting for one to start: Jackbay connects by itself, nothing to reload.</span>
        </p>
        <p>
          <button type="button" className="jb-btn jb-btn-primary" onClick={openServerDialog}>
            Start JACK server…
          </button>
        </p>
        <h2>Or start one yourself</h2>
        {host === 'web' ? <WebHostWays /> : <DesktopWays />}
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
          <span>
            Reconnecting… If this lasts, check that the web host (<code>pnpm serve</code> in the
            Jackbay checkout) still runs, and open the address it printed (with its{' '}
            <code>#token=</code>).
          </span>
        </p>
      </div>
    </section>
  );
}

function TokenRefused() {
  return (
    <section className="jb-overlay" aria-label="Access refused">
      <div className="jb-card" data-testid="bad-token">
        <h1>This page has no valid access token</h1>
        <p>
          The Jackbay web host only talks to pages opened from the address it printed when it
          started, which ends in <code>#token=…</code>. That address changes each time the host
          starts, unless it was given a fixed <code>--token</code>.
        </p>
        <p>
          Open the line <code>Jackbay: http://…/#token=…</code> that <code>pnpm serve</code> (or{' '}
          <code>jackbay serve</code>) printed in its terminal.
        </p>
      </div>
    </section>
  );
}
