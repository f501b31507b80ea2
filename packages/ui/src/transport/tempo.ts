// A tempo and a time signature as a person types them, checked against the
// ranges the service accepts (contract.ts, setTempo), so a typo is explained
// here rather than refused by the server.

const BEAT_TYPES = [1, 2, 4, 8, 16, 32];

/** Beats per minute, 1–999; or why the text is not one. */
export function parseTempo(text: string): number | string {
  const input = text.trim().replace(/\s*bpm$/i, '');
  const bpm = /^\d+(?:\.\d*)?$|^\.\d+$/.test(input) ? Number(input) : Number.NaN;
  if (!(bpm >= 1 && bpm <= 999)) return `'${text.trim()}' is not a tempo from 1 to 999 BPM.`;
  return bpm;
}

/** beats/beat-type such as 3/4 or 7/8; or why the text is not one. */
export function parseSignature(text: string): { beatsPerBar: number; beatType: number } | string {
  const match = /^(\d+)\s*\/\s*(\d+)$/.exec(text.trim());
  if (!match) return `'${text.trim()}' is not a time signature such as 3/4 or 7/8.`;
  const beatsPerBar = Number(match[1]);
  const beatType = Number(match[2]);
  if (beatsPerBar < 1 || beatsPerBar > 32) return 'A bar has from 1 to 32 beats.';
  if (!BEAT_TYPES.includes(beatType)) return 'The beat type is 1, 2, 4, 8, 16 or 32.';
  return { beatsPerBar, beatType };
}
