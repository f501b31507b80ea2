// The MIDI monitor's CSV export: every event the log holds (not only the rows
// on screen), oldest first, one line each, fields quoted as RFC 4180 says.
import { decodeMidi, hexBytes, KIND_LABELS } from './decode';
import type { MidiLog } from './log';

export const MIDI_CSV_HEADER = 'frame,seconds,port,channel,message,data,bytes';

function field(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function midiCsv(log: MidiLog, sampleRate: number): string {
  const lines = [MIDI_CSV_HEADER];
  for (let seq = log.first; seq < log.next; seq++) {
    const data = log.data(seq);
    const time = log.time(seq);
    const decoded = decodeMidi(data);
    lines.push(
      [
        String(time),
        sampleRate > 0 ? (time / sampleRate).toFixed(6) : '',
        field(log.portName(seq)),
        decoded.channel === null ? '' : String(decoded.channel),
        field(KIND_LABELS[decoded.kind]),
        field(decoded.text),
        hexBytes(data),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
