// Server control's pure parts: the remembered settings (parse, persist, a
// corrupt file set aside), the /proc/asound device parser, jackd's arguments
// and the server name of a jackd command line.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listAudioDevices, parseAudioDevices } from '../src/audio-devices.js';
import { parseRequest, ServerSettings } from '../src/contract.js';
import { serverNameOf } from '../src/jackd-process.js';
import { jackdArguments } from '../src/server-control.js';
import {
  DEFAULT_SERVER_SETTINGS,
  loadServerSettings,
  saveServerSettings,
  serverSettingsPath,
} from '../src/server-settings.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'jackbay-server-'));

// As the kernel's sound/core/init.c and pcm.c print them (a laptop with HDMI and a USB interface).
const CARDS = ` 0 [PCH            ]: HDA-Intel - HDA Intel PCH
                      HDA Intel PCH at 0xf7f10000 irq 32
 1 [USB            ]: USB-Audio - Scarlett 2i2 USB
                      Focusrite Scarlett 2i2 USB at usb-0000:00:14.0-2, high speed
`;
const PCM = `00-00: ALC3232 Analog : ALC3232 Analog : playback 1 : capture 1
00-03: HDMI 0 : HDMI 0 : playback 1
01-00: USB Audio : USB Audio : playback 1 : capture 1
02-00: Loopback PCM : Loopback PCM : capture 8
`;

describe('sound card devices', () => {
  it('lists each PCM device as hw:card,device with its directions', () => {
    expect(parseAudioDevices(CARDS, PCM)).toEqual([
      {
        id: 'hw:0,0',
        card: 0,
        device: 0,
        cardId: 'PCH',
        cardName: 'HDA Intel PCH',
        name: 'ALC3232 Analog',
        playback: true,
        capture: true,
      },
      {
        id: 'hw:0,3',
        card: 0,
        device: 3,
        cardId: 'PCH',
        cardName: 'HDA Intel PCH',
        name: 'HDMI 0',
        playback: true,
        capture: false,
      },
      {
        id: 'hw:1,0',
        card: 1,
        device: 0,
        cardId: 'USB',
        cardName: 'Scarlett 2i2 USB',
        name: 'USB Audio',
        playback: true,
        capture: true,
      },
      // A card missing from `cards` (it went between the two reads) still shows.
      {
        id: 'hw:2,0',
        card: 2,
        device: 0,
        cardId: '2',
        cardName: 'card 2',
        name: 'Loopback PCM',
        playback: false,
        capture: true,
      },
    ]);
  });

  it('is empty without ALSA, and for empty or unrelated text', () => {
    expect(listAudioDevices(join(fresh(), 'no-asound'))).toEqual([]);
    expect(parseAudioDevices('', '')).toEqual([]);
    expect(parseAudioDevices('--- no soundcards ---\n', 'garbage\n')).toEqual([]);
    // This machine: a list (empty in a container), never an error.
    expect(Array.isArray(listAudioDevices())).toBe(true);
  });

  it('reads the files of a /proc/asound', () => {
    const root = fresh();
    writeFileSync(join(root, 'cards'), CARDS);
    writeFileSync(join(root, 'pcm'), PCM);
    expect(listAudioDevices(root).map((device) => device.id)).toEqual([
      'hw:0,0',
      'hw:0,3',
      'hw:1,0',
      'hw:2,0',
    ]);
  });
});

describe('server settings', () => {
  it('are validated strictly', () => {
    expect(ServerSettings.safeParse(DEFAULT_SERVER_SETTINGS).success).toBe(true);
    const bad = [
      { ...DEFAULT_SERVER_SETTINGS, period: 100 },
      { ...DEFAULT_SERVER_SETTINGS, period: 8192 },
      { ...DEFAULT_SERVER_SETTINGS, rate: 12345 },
      { ...DEFAULT_SERVER_SETTINGS, periods: 1 },
      { ...DEFAULT_SERVER_SETTINGS, driver: 'coreaudio' },
      { ...DEFAULT_SERVER_SETTINGS, device: 'hw:0; rm -rf /' },
      { ...DEFAULT_SERVER_SETTINGS, device: '-d' },
      { ...DEFAULT_SERVER_SETTINGS, extra: 1 },
    ];
    for (const settings of bad)
      expect(parseRequest('setServerSettings', settings)).toMatchObject({
        ok: false,
        error: { code: 'bad-request' },
      });
    expect(
      parseRequest('setServerSettings', { ...DEFAULT_SERVER_SETTINGS, device: 'hw:USB,0' }).ok,
    ).toBe(true);
  });

  it('are remembered in server.json of the config directory', () => {
    const dir = fresh();
    expect(serverSettingsPath(dir)).toBe(join(dir, 'server.json'));
    const path = serverSettingsPath(dir);
    expect(loadServerSettings(path)).toEqual({ settings: DEFAULT_SERVER_SETTINGS, problem: null });
    const mine = {
      ...DEFAULT_SERVER_SETTINGS,
      driver: 'alsa',
      device: 'hw:1,0',
      periods: 3,
    } as const;
    saveServerSettings(mine, path);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(mine);
    expect(loadServerSettings(path)).toEqual({ settings: mine, problem: null });
  });

  it('a corrupt file is set aside and reported, and the defaults are used', () => {
    for (const text of ['{"driver":', '{"driver":"dummy"}', '[1,2]']) {
      const dir = fresh();
      const path = serverSettingsPath(dir);
      writeFileSync(path, text);
      const loaded = loadServerSettings(path);
      expect(loaded.settings).toEqual(DEFAULT_SERVER_SETTINGS);
      expect(loaded.problem).toMatch(/could not be read .*set aside as .*server\.json\.corrupt-/);
      expect(existsSync(path)).toBe(false);
      const [aside] = readdirSync(dir);
      expect(readFileSync(join(dir, aside ?? ''), 'utf8')).toBe(text);
    }
  });
});

describe('jackd', () => {
  it('gets its arguments from the settings', () => {
    expect(jackdArguments({ ...DEFAULT_SERVER_SETTINGS, realtime: false })).toEqual({
      serverArgs: ['--no-realtime'],
      driverArgs: ['-d', 'dummy', '-r', '48000', '-p', '256'],
    });
    expect(
      jackdArguments({
        driver: 'alsa',
        device: 'hw:1,0',
        rate: 44100,
        period: 128,
        periods: 3,
        realtime: true,
      }),
    ).toEqual({
      serverArgs: ['-R'],
      driverArgs: ['-d', 'alsa', '-d', 'hw:1,0', '-r', '44100', '-p', '128', '-n', '3'],
    });
    expect(() => jackdArguments({ ...DEFAULT_SERVER_SETTINGS, driver: 'alsa' })).toThrow(
      expect.objectContaining({ code: 'bad-request' }),
    );
  });

  it('runs the server named before its driver, else JACK_DEFAULT_SERVER, else default', () => {
    expect(serverNameOf(['jackd', '-R', '-n', 'studio', '-d', 'alsa'], {})).toBe('studio');
    expect(serverNameOf(['/usr/bin/jackd', '--name=a', '-d', 'dummy'], {})).toBe('a');
    expect(serverNameOf(['jackd', '--name', 'b', '-d', 'dummy'], {})).toBe('b');
    expect(serverNameOf(['jackd', '-nc', '-d', 'dummy'], {})).toBe('c');
    // After the driver, -n is ALSA's number of periods.
    expect(serverNameOf(['jackd', '-d', 'alsa', '-n', '3'], {})).toBe('default');
    expect(serverNameOf(['jackd', '-dalsa', '-n', '3'], { JACK_DEFAULT_SERVER: 'env' })).toBe(
      'env',
    );
  });
});
