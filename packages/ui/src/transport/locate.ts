// What a person types to move the transport: a time in seconds, m:ss or
// h:mm:ss (`83.5`, `1:23.5`, `0:01:23.5`), or a bar|beat|tick position
// (`12|3|0`, or `12|3` for tick 0). Bars and beats count from 1 and ticks
// from 0, as in JACK's BBT; a position becomes a frame at the tempo the
// timebase master reports now, taken as constant from bar 1.
import type { TransportInfo } from '@jackbay/core/contract';

export type LocateResult = { frame: number } | { error: string };

const MAX_FRAME = 0xffffffff;

const TIME = /^(?:(?:(\d+):)?(\d+):)?(\d+(?:\.\d*)?|\.\d+)$/;
const BBT = /^(\d+)\|(\d+)(?:\|(\d+))?$/;

export function parseLocate(text: string, rate: number, bbt: TransportInfo['bbt']): LocateResult {
  const input = text.trim();
  if (input === '') return { error: 'Type a time such as 1:23.5 or a position such as 12|3|0.' };
  const asBbt = BBT.exec(input);
  if (asBbt) return bbtToFrame(asBbt, rate, bbt);
  const asTime = TIME.exec(input);
  if (!asTime)
    return {
      error: `'${input}' is neither a time (1:23.5, h:mm:ss) nor a position (bar|beat|tick).`,
    };
  const [, hours, minutes, seconds] = asTime;
  // With one colon the first field is minutes; with two, hours then minutes.
  const h = minutes === undefined ? 0 : Number(hours ?? 0);
  const m = minutes === undefined ? Number(hours ?? 0) : Number(minutes);
  const s = Number(seconds);
  if ((hours !== undefined || minutes !== undefined) && s >= 60)
    return { error: `Seconds must be below 60 in '${input}'.` };
  if (minutes !== undefined && m >= 60) return { error: `Minutes must be below 60 in '${input}'.` };
  return toFrame((h * 3600 + m * 60 + s) * rate, input);
}

function bbtToFrame(match: RegExpExecArray, rate: number, bbt: TransportInfo['bbt']): LocateResult {
  if (!bbt)
    return {
      error:
        'No timebase master reports bars and beats: locate by time, or make Jackbay the master.',
    };
  const bar = Number(match[1]);
  const beat = Number(match[2]);
  const tick = Number(match[3] ?? 0);
  if (bar < 1 || beat < 1) return { error: 'Bars and beats count from 1.' };
  if (beat > bbt.beatsPerBar)
    return { error: `A bar has ${bbt.beatsPerBar} beats; beat ${beat} does not exist.` };
  if (tick >= bbt.ticksPerBeat)
    return { error: `A beat has ${bbt.ticksPerBeat} ticks (0–${bbt.ticksPerBeat - 1}).` };
  const beats = (bar - 1) * bbt.beatsPerBar + (beat - 1) + tick / bbt.ticksPerBeat;
  // The first whole frame at or after the position: rounded down, the master
  // would report the tick before (002|7|1919 for 3|1|0).
  return toFrame(beats * (60 / bbt.beatsPerMinute) * rate, match[0], Math.ceil);
}

function toFrame(exact: number, input: string, round = Math.round): LocateResult {
  // Float noise must not push an exact frame to the next one.
  // (+ 0 turns the -0 of ceil(-1e-6) into 0.)
  const frame = round(round === Math.ceil ? exact - 1e-6 : exact) + 0;
  if (!Number.isFinite(frame) || frame > MAX_FRAME)
    return { error: `'${input}' lies beyond the last frame JACK can address.` };
  return { frame };
}
