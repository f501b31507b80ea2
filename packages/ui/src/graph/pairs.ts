// Stereo pairs: two audio ports of one client and direction whose short names
// differ only by a left/right suffix (`_1`/`_2`, `L`/`R`, `FL`/`FR`,
// `left`/`right`, and the rear and side channels of surround layouts). Pretty
// names are what a person reads, so where ports have them they must pair the
// same way: `capture_1`/`capture_2` named Kick and Snare are two channels.
import type { PortInfo } from '@jackbay/core/contract';

export type Row =
  | { kind: 'port'; port: PortInfo }
  | {
      kind: 'pair';
      /** What the two names share, e.g. 'capture' or 'out'. */
      base: string;
      left: PortInfo;
      right: PortInfo;
      /** The distinguishing suffixes, e.g. '1' and '2', or 'L' and 'R'. */
      leftLabel: string;
      rightLabel: string;
    };

interface Suffix {
  base: string;
  label: string;
  /** The short name the partner must have. */
  partner: string;
  side: 'left' | 'right';
}

// Longest first, so 'FL' is tried before 'L'.
const CHANNEL_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['left', 'right'],
  ['FL', 'FR'],
  ['RL', 'RR'],
  ['SL', 'SR'],
  ['L', 'R'],
];
const SEPARATORS = new Set(['_', '-', ' ', '.', ':', '/']);

// Writes `word` in the letter case `like` uses (LEFT, Left, left).
function sameCase(word: string, like: string): string {
  if (like === like.toUpperCase()) return word.toUpperCase();
  if (like === like.toLowerCase()) return word.toLowerCase();
  return word[0]?.toUpperCase() + word.slice(1).toLowerCase();
}

function channelSuffix(name: string): Suffix | null {
  const lower = name.toLowerCase();
  for (const [l, r] of CHANNEL_PAIRS) {
    for (const [mine, other, side] of [
      [l, r, 'left'],
      [r, l, 'right'],
    ] as const) {
      if (!lower.endsWith(mine.toLowerCase())) continue;
      const at = name.length - mine.length;
      const label = name.slice(at);
      const before = name[at - 1];
      // Short suffixes need a separator ('out_L', not 'mixL' or 'monitoR');
      // 'Left' may also follow a lower-case letter ('inLeft').
      const bounded =
        at === 0 ||
        (before !== undefined && SEPARATORS.has(before)) ||
        (mine.length > 2 &&
          before !== undefined &&
          /[a-z0-9]/.test(before) &&
          label[0] === label[0]?.toUpperCase());
      if (!bounded) continue;
      const base = name.slice(0, at);
      return { base, label, partner: base + sameCase(other, label), side };
    }
  }
  return null;
}

function numberSuffix(name: string): Suffix | null {
  const m = /^(.*?)(\d+)$/.exec(name);
  if (!m) return null;
  const base = m[1] ?? '';
  const digits = m[2] ?? '';
  const n = Number.parseInt(digits, 10);
  // Pairs start on odd channels: 1/2, 3/4, … ; 2/3 is not a pair.
  const odd = n % 2 === 1;
  const partnerNumber = odd ? n + 1 : n - 1;
  if (partnerNumber < 1) return null;
  const partner = base + String(partnerNumber).padStart(digits.length, '0');
  return { base, label: digits, partner, side: odd ? 'left' : 'right' };
}

function suffixOf(shortName: string): Suffix | null {
  return channelSuffix(shortName) ?? numberSuffix(shortName);
}

function trimBase(base: string): string {
  let end = base.length;
  while (end > 0 && SEPARATORS.has(base[end - 1] ?? '')) end--;
  return base.slice(0, end);
}

// Pretty names can only keep ports apart: none on either leaves it to the
// short names; otherwise both must have one, with the same stem and the
// partner suffix on the same side as in the short names.
function prettyNamesPair(port: PortInfo, partner: PortInfo, side: Suffix['side']): boolean {
  if (port.prettyName === null && partner.prettyName === null) return true;
  if (port.prettyName === null || partner.prettyName === null) return false;
  const suffix = suffixOf(port.prettyName);
  return suffix !== null && suffix.side === side && suffix.partner === partner.prettyName;
}

export function canPair(a: PortInfo, b: PortInfo): boolean {
  return (
    a.type === 'audio' &&
    b.type === 'audio' &&
    a.client === b.client &&
    a.direction === b.direction &&
    a.name !== b.name
  );
}

/**
 * Groups a client's ports (all of one direction, in drawing order) into rows:
 * a pair sits where its first port was; anything unpaired stays single.
 */
export function groupPairs(ports: readonly PortInfo[]): Row[] {
  const byShort = new Map<string, PortInfo>();
  for (const p of ports) byShort.set(p.shortName, p);
  const used = new Set<string>();
  const rows: Row[] = [];
  for (const port of ports) {
    if (used.has(port.name)) continue;
    const suffix = port.type === 'audio' ? suffixOf(port.shortName) : null;
    const partner = suffix ? byShort.get(suffix.partner) : undefined;
    if (
      suffix &&
      partner &&
      !used.has(partner.name) &&
      canPair(port, partner) &&
      prettyNamesPair(port, partner, suffix.side)
    ) {
      const partnerSuffix = suffixOf(partner.shortName);
      const [left, right] = suffix.side === 'left' ? [port, partner] : [partner, port];
      const [leftLabel, rightLabel] =
        suffix.side === 'left'
          ? [suffix.label, partnerSuffix?.label ?? '']
          : [partnerSuffix?.label ?? '', suffix.label];
      used.add(port.name);
      used.add(partner.name);
      rows.push({ kind: 'pair', base: trimBase(suffix.base), left, right, leftLabel, rightLabel });
    } else {
      used.add(port.name);
      rows.push({ kind: 'port', port });
    }
  }
  return rows;
}

/** The ports of a row, left channel first. */
export function rowPorts(row: Row): PortInfo[] {
  return row.kind === 'port' ? [row.port] : [row.left, row.right];
}
