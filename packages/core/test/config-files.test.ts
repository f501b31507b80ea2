import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDir, parseJson, readConfigFile, writeFileAtomic } from '../src/config-files.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'jackbay-config-'));

describe('config files', () => {
  it('follows JACKBAY_CONFIG_DIR, then an absolute XDG_CONFIG_HOME, then ~/.config', () => {
    expect(configDir({ JACKBAY_CONFIG_DIR: '/x/y' })).toBe('/x/y');
    expect(configDir({ XDG_CONFIG_HOME: '/cfg' })).toBe('/cfg/jackbay');
    expect(configDir({ XDG_CONFIG_HOME: 'relative' })).toMatch(/\/\.config\/jackbay$/);
    expect(configDir({})).toMatch(/\/\.config\/jackbay$/);
  });

  it('writes atomically and leaves no temporary file behind', () => {
    const dir = fresh();
    const path = join(dir, 'nested', 'a.json');
    writeFileAtomic(path, '{"v":1}');
    writeFileAtomic(path, '{"v":2}');
    expect(readFileSync(path, 'utf8')).toBe('{"v":2}');
    expect(readdirSync(join(dir, 'nested'))).toEqual(['a.json']);
  });

  it('reads a good file, reports a missing one, and sets a corrupt one aside', () => {
    const dir = fresh();
    const path = join(dir, 'p.json');
    expect(readConfigFile(path, parseJson)).toEqual({ kind: 'missing' });
    writeFileSync(path, '{"ok":true}');
    expect(readConfigFile(path, parseJson)).toEqual({ kind: 'ok', value: { ok: true } });
    writeFileSync(path, '{"ok":');
    const bad = readConfigFile(path, parseJson);
    expect(bad.kind).toBe('corrupt');
    if (bad.kind !== 'corrupt') return;
    expect(bad.reason).toMatch(/not valid JSON/);
    expect(bad.setAsideAs).toMatch(/p\.json\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    expect(readFileSync(bad.setAsideAs ?? '', 'utf8')).toBe('{"ok":');
    // A second corrupt file in the same second gets its own name, not the first's.
    writeFileSync(path, Buffer.from([0xff, 0xfe]));
    const second = readConfigFile(path, parseJson);
    expect(second.kind === 'corrupt' && second.reason).toBe('not valid UTF-8');
    expect(second.kind === 'corrupt' && second.setAsideAs).not.toBe(bad.setAsideAs);
    expect(readdirSync(dir).filter((f) => f.includes('.corrupt-'))).toHaveLength(2);
  });

  it('sets aside a file its parser rejects, keeping the reason', () => {
    const dir = fresh();
    const path = join(dir, 'q.json');
    writeFileSync(path, '[]');
    const out = readConfigFile(path, (text) => {
      const v = parseJson(text);
      if (!Array.isArray(v) || v.length === 0) throw new Error('expected a non-empty list');
      return v;
    });
    expect(out).toMatchObject({ kind: 'corrupt', reason: 'expected a non-empty list' });
  });
});
