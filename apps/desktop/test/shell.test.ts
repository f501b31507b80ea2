// The Electron shell's rules, checked without Electron: the security
// settings of the window, the IPC channel list against the contract, the
// sender check, and the remembered window state (IPC answers: ipc-answers.test.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestNames } from '@jackbay/core/contract';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../config/csp-plugin';
import { isTrustedSender } from '../src/main/ipc';
import {
  CONTENT_SECURITY_POLICY,
  CONTENT_SECURITY_POLICY_META,
  secureWebPreferences,
} from '../src/main/security';
import { DEFAULT_STATE, readWindowState, writeWindowState } from '../src/main/window-state';
import { EVENT_NAMES, eventChannel, REQUEST_NAMES, requestChannel } from '../src/shared/channels';

describe('security checklist', () => {
  it('keeps the renderer isolated and sandboxed', () => {
    const prefs = secureWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('has a strict CSP: nothing inline, nothing remote, nothing fetched', () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|\*|http:|https:/);
    expect(CONTENT_SECURITY_POLICY_META).not.toContain('frame-ancestors');
  });

  it('puts the CSP first in the built page, and not into dev pages', () => {
    const plugin = contentSecurityPolicy();
    expect(plugin.apply).toBe('build');
    const transform = plugin.transformIndexHtml as () => Array<{
      tag: string;
      attrs: Record<string, string>;
      injectTo: string;
    }>;
    expect(transform()).toEqual([
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY_META },
        injectTo: 'head-prepend',
      },
    ]);
  });
});

describe('IPC channels', () => {
  it('has one channel per request of the contract and one per event', () => {
    expect([...REQUEST_NAMES].sort()).toEqual([...requestNames].sort());
    expect(new Set(REQUEST_NAMES.map(requestChannel)).size).toBe(requestNames.length);
    expect(EVENT_NAMES.sort()).toEqual([
      'graphPatch',
      'presets',
      'prettyNames',
      'restore',
      'serverControl',
      'status',
      'tools',
    ]);
    expect(eventChannel('status')).not.toBe(requestChannel('getStatus'));
  });

  it('accepts only our window’s main frame', () => {
    const mainFrame = { url: 'file:///app/index.html' };
    const ours = { mainFrame } as unknown as WebContents;
    const other = { mainFrame: {} } as unknown as WebContents;
    const from = (sender: WebContents, senderFrame: unknown) =>
      ({ sender, senderFrame }) as unknown as IpcMainInvokeEvent;
    expect(isTrustedSender(from(ours, mainFrame), ours)).toBe(true);
    expect(isTrustedSender(from(other, other.mainFrame), ours)).toBe(false);
    expect(isTrustedSender(from(ours, { url: 'https://evil.example/' }), ours)).toBe(false);
    expect(isTrustedSender(from(ours, null), ours)).toBe(false);
  });
});

describe('window state', () => {
  const display = { x: 0, y: 0, width: 1920, height: 1080 };
  const dir = mkdtempSync(join(tmpdir(), 'jackbay-window-'));

  it('round-trips size, position and maximised', () => {
    const file = join(dir, 'a', 'window-state.json');
    writeWindowState(file, { x: 100, y: 80, width: 1000, height: 700 }, true);
    expect(readWindowState(file, [display])).toEqual({
      bounds: { x: 100, y: 80, width: 1000, height: 700 },
      maximized: true,
    });
  });

  it('falls back to the default for a missing or corrupt file', () => {
    expect(readWindowState(join(dir, 'none.json'), [display])).toEqual(DEFAULT_STATE);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"width": "wide"');
    expect(readWindowState(bad, [display])).toEqual(DEFAULT_STATE);
  });

  it('forgets a position on a display that is gone, and keeps sizes sane', () => {
    const file = join(dir, 'off.json');
    writeWindowState(file, { x: 3000, y: 200, width: 100, height: 50 }, false);
    expect(readWindowState(file, [display])).toEqual({
      bounds: { width: 640, height: 400 },
      maximized: false,
    });
  });
});
