// The Presets panel: save the current connections as a preset, load one
// after seeing what it changes ("Add only" or "Exact"), make one active,
// import other patchbays' files, export, delete. Files the service could not
// read are listed with where they were set aside.
import type { Connection, JackbayApi, PresetDiff, PresetSummary } from '@jackbay/core/contract';
import { useEffect, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { download } from '../download';
import { useJackbay, useStoreApi } from '../store/context';
import { presetNameOfFile } from '../store/presets';

/** Rows of one list drawn at most: a preset of 100,000 connections stays quick to show. */
const SHOWN = 200;

function Connections({ items, label }: { items: readonly Connection[]; label: string }) {
  if (items.length === 0) return null;
  return (
    <details className="jb-preset-list" open={items.length <= 20}>
      <summary>
        {label} ({items.length})
      </summary>
      <ul aria-label={label}>
        {items.slice(0, SHOWN).map((c) => (
          <li key={`${c.source}\u0000${c.destination}`} className="jb-mono">
            {c.source} → {c.destination}
          </li>
        ))}
        {items.length > SHOWN && <li>… and {items.length - SHOWN} more</li>}
      </ul>
    </details>
  );
}

function Preview({ name, diff }: { name: string; diff: PresetDiff }) {
  const { load, close } = useJackbay(
    useShallow((s) => ({ load: s.loadPreset, close: s.closePresetPreview })),
  );
  const nothing = diff.add.length === 0 && diff.remove.length === 0;
  return (
    <section className="jb-preset-preview" aria-label={`Load ${name}`}>
      <h3>Load “{name}”</h3>
      <p className="jb-preset-counts" data-testid="preset-diff">
        {diff.add.length} to add · {diff.remove.length} to remove with Exact · {diff.missing.length}{' '}
        not here now
      </p>
      <Connections items={diff.add} label="Connections to add" />
      <Connections items={diff.remove} label="Connections Exact removes" />
      <Connections
        items={diff.missing.map((m) => ({
          source: m.pattern ? `/${m.source}/` : m.source,
          destination: m.pattern ? `/${m.destination}/` : m.destination,
        }))}
        label="Ports that do not exist now"
      />
      {nothing && <p>The graph already matches this preset.</p>}
      <div className="jb-preset-actions">
        <button
          type="button"
          className="jb-btn"
          disabled={diff.add.length === 0}
          onClick={() => void load(name, 'add-only')}
          title="Make the preset’s connections; keep every other one"
        >
          Add only
        </button>
        <button
          type="button"
          className="jb-btn"
          disabled={nothing}
          onClick={() => void load(name, 'exact')}
          title="Make the preset’s connections and remove every other one"
        >
          Exact
        </button>
        <button type="button" className="jb-btn" onClick={close}>
          Cancel
        </button>
      </div>
    </section>
  );
}

function counts(p: PresetSummary): string {
  const parts = [`${p.connections} connection${p.connections === 1 ? '' : 's'}`];
  if (p.patterns > 0) parts.push(`${p.patterns} rule${p.patterns === 1 ? '' : 's'}`);
  if (p.exclusive > 0) parts.push(`${p.exclusive} exclusive`);
  if (p.importedFrom) parts.push(`from ${p.importedFrom}`);
  return parts.join(', ');
}

function Row({ preset, active }: { preset: PresetSummary; active: boolean }) {
  const s = useJackbay(
    useShallow((st) => ({
      preview: st.previewPreset,
      setActive: st.setActivePreset,
      remove: st.deletePreset,
      exportPreset: st.exportPreset,
    })),
  );
  const [confirming, setConfirming] = useState(false);
  const name = preset.name;
  const exportAs = async (format: 'json' | 'qjackctl') => {
    const file = await s.exportPreset(name, format);
    if (file)
      download(
        file.text,
        file.fileName,
        format === 'json' ? 'application/json' : 'application/xml',
      );
  };
  return (
    <li className={`jb-preset${active ? ' active' : ''}`} data-testid="preset-row">
      <div className="jb-preset-name">
        <span>{name}</span>
        {active && <span className="jb-preset-badge">active</span>}
      </div>
      <div className="jb-preset-meta">{counts(preset)}</div>
      <div className="jb-preset-actions">
        <button
          type="button"
          className="jb-btn jb-btn-small"
          aria-label={`Load ${name}…`}
          onClick={() => void s.preview(name)}
        >
          Load…
        </button>
        <button
          type="button"
          className="jb-btn jb-btn-small jb-toggle"
          aria-pressed={active}
          aria-label={`Active: ${name}`}
          title="An active preset re-makes its connections whenever matching clients appear"
          onClick={() => void s.setActive(active ? null : name)}
        >
          Active
        </button>
        <button
          type="button"
          className="jb-btn jb-btn-small"
          aria-label={`Export ${name} as JSON`}
          onClick={() => void exportAs('json')}
        >
          JSON
        </button>
        <button
          type="button"
          className="jb-btn jb-btn-small"
          aria-label={`Export ${name} as a QjackCtl patchbay`}
          onClick={() => void exportAs('qjackctl')}
        >
          QjackCtl
        </button>
        {confirming ? (
          <button
            type="button"
            className="jb-btn jb-btn-small jb-danger"
            aria-label={`Really delete ${name}`}
            onClick={() => void s.remove(name)}
            onBlur={() => setConfirming(false)}
          >
            Really delete?
          </button>
        ) : (
          <button
            type="button"
            className="jb-btn jb-btn-small"
            aria-label={`Delete ${name}`}
            onClick={() => setConfirming(true)}
          >
            Delete
          </button>
        )}
      </div>
    </li>
  );
}

function SaveForm() {
  const { save, presets } = useJackbay(
    useShallow((s) => ({ save: s.savePreset, presets: s.presets.presets })),
  );
  const [name, setName] = useState('');
  const replaces = presets.some((p) => p.name === name.trim());
  const id = useId();
  return (
    <form
      className="jb-preset-save"
      onSubmit={(e) => {
        e.preventDefault();
        const trimmed = name.trim();
        if (trimmed) void save(trimmed).then((ok) => ok && setName(''));
      }}
    >
      <label htmlFor={id}>Save the current connections as</label>
      <div className="jb-preset-save-row">
        <input
          id={id}
          className="jb-preset-save-input"
          value={name}
          maxLength={100}
          placeholder="Preset name"
          spellCheck={false}
          onChange={(e) => setName(e.target.value)}
        />
        <button
          type="submit"
          className="jb-btn"
          disabled={name.trim() === ''}
          title={replaces ? 'A preset of this name exists: saving replaces it' : undefined}
        >
          {replaces ? 'Replace' : 'Save'}
        </button>
      </div>
    </form>
  );
}

function ImportFile() {
  const { importPreset, presets } = useJackbay(
    useShallow((s) => ({ importPreset: s.importPreset, presets: s.presets.presets })),
  );
  const id = useId();
  return (
    <div className="jb-preset-import">
      <label htmlFor={id}>
        Import a file (QjackCtl or qpwgraph patchbay, aj-snapshot, RaySession jackpatch, Jackbay
        JSON)
      </label>
      <input
        id={id}
        type="file"
        accept=".xml,.json,.qpwgraph"
        onChange={(e) => {
          const input = e.currentTarget;
          const file = input.files?.[0];
          if (!file) return;
          void file.text().then(async (text) => {
            const taken = new Set(presets.map((p) => p.name));
            await importPreset(file.name, text, presetNameOfFile(file.name, taken));
            input.value = '';
          });
        }}
      />
    </div>
  );
}

export function PresetsPanel() {
  const { open, setOpen, state, preview } = useJackbay(
    useShallow((s) => ({
      open: s.presetsOpen,
      setOpen: s.setPresetsOpen,
      state: s.presets,
      preview: s.presetPreview,
    })),
  );
  if (!open) return null;
  return (
    <section className="jb-presets" aria-label="Presets" data-testid="presets-panel">
      <div className="jb-presets-bar">
        <h2 className="jb-presets-title">Presets</h2>
        <span className="jb-spacer" />
        <button
          type="button"
          className="jb-btn jb-btn-small"
          aria-label="Close the presets"
          onClick={() => setOpen(false)}
        >
          Close
        </button>
      </div>
      <div className="jb-presets-body">
        {preview && <Preview name={preview.name} diff={preview.diff} />}
        <SaveForm />
        <p className="jb-preset-active-line">Active: {state.active ?? 'none'}</p>
        {state.presets.length === 0 ? (
          <p className="jb-preset-empty">No presets saved yet.</p>
        ) : (
          <ul className="jb-preset-rows" aria-label="Saved presets">
            {state.presets.map((p) => (
              <Row key={p.name} preset={p} active={state.active === p.name} />
            ))}
          </ul>
        )}
        <ImportFile />
        {state.corrupt.length > 0 && (
          <section className="jb-preset-corrupt" aria-label="Presets that could not be read">
            <h3>Could not be read</h3>
            <ul>
              {state.corrupt.map((c) => (
                <li key={c.file}>
                  <strong>{c.name}</strong>: set aside as <span className="jb-mono">{c.file}</span>{' '}
                  in the presets folder{c.reason ? ` (${c.reason})` : ''}. Nothing overwrote it.
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
    </section>
  );
}

/** Follows the service's `presets` event and opens and closes the panel on P. */
export function usePresets(api: JackbayApi): void {
  const store = useStoreApi();
  const link = useJackbay((s) => s.link);
  useEffect(
    () => api.subscribe('presets', (state) => store.getState().setPresetsState(state)),
    [api, store],
  );
  useEffect(() => {
    if (link === 'open') void store.getState().refreshPresets();
  }, [link, store]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() !== 'p' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target;
      if (t instanceof HTMLElement && (t.isContentEditable || t.matches('input, textarea, select')))
        return;
      e.preventDefault();
      const s = store.getState();
      s.setPresetsOpen(!s.presetsOpen);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);
}

/** The toolbar's Presets button. */
export function PresetsToggle() {
  const [open, setOpen] = useJackbay(useShallow((s) => [s.presetsOpen, s.setPresetsOpen] as const));
  return (
    <button
      type="button"
      className="jb-btn jb-btn-icon jb-toggle"
      aria-pressed={open}
      aria-label="Presets"
      aria-keyshortcuts="P"
      onClick={() => setOpen(!open)}
      title="Presets: save, load, activate, import and export (P)"
    >
      <svg viewBox="0 0 16 16" aria-hidden="true">
        <path d="M4 2h8v12l-4-3-4 3z" />
      </svg>
    </button>
  );
}
