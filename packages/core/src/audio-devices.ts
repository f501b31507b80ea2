// The sound cards' PCM devices as ALSA lists them in /proc/asound, for the
// server settings' device choice: one entry per PCM device, named `hw:N,M` as
// jackd's ALSA driver takes it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AudioDevice } from './contract.js';

// " 0 [PCH            ]: HDA-Intel - HDA Intel PCH"
const CARD_LINE = /^\s*(\d+)\s+\[([^\]]*)\]:\s*(.*?)\s+-\s+(.*)$/;
// "00-03: HDMI 0 : HDMI 0 : playback 1 : capture 1"
const PCM_LINE = /^(\d+)-(\d+):\s*(.*)$/;

/**
 * Parses the text of /proc/asound/cards and /proc/asound/pcm. Devices are
 * ordered by card, then device; a device of a card not listed in `cards`
 * still appears, with the card's number as its name.
 */
export function parseAudioDevices(cardsText: string, pcmText: string): AudioDevice[] {
  const cards = new Map<number, { id: string; name: string }>();
  for (const line of cardsText.split('\n')) {
    const match = CARD_LINE.exec(line);
    if (!match) continue;
    cards.set(Number(match[1]), { id: (match[2] ?? '').trim(), name: (match[4] ?? '').trim() });
  }
  const devices: AudioDevice[] = [];
  for (const line of pcmText.split('\n')) {
    const match = PCM_LINE.exec(line.trim());
    if (!match) continue;
    const card = Number(match[1]);
    const device = Number(match[2]);
    // "id : name : playback 1 : capture 1": the streams are the fields after the two names.
    const fields = (match[3] ?? '').split(' : ').map((field) => field.trim());
    const streams = fields.slice(2);
    const known = cards.get(card);
    devices.push({
      id: `hw:${card},${device}`,
      card,
      device,
      cardId: known?.id ?? String(card),
      cardName: known?.name ?? `card ${card}`,
      name: fields[1] || fields[0] || `device ${device}`,
      playback: streams.some((stream) => stream.startsWith('playback')),
      capture: streams.some((stream) => stream.startsWith('capture')),
    });
  }
  return devices.sort((a, b) => a.card - b.card || a.device - b.device);
}

/** The devices of this machine; none where ALSA is absent (a container, no sound cards). */
export function listAudioDevices(root = '/proc/asound'): AudioDevice[] {
  const read = (name: string): string => {
    try {
      return readFileSync(join(root, name), 'utf8');
    } catch {
      return '';
    }
  };
  return parseAudioDevices(read('cards'), read('pcm'));
}
