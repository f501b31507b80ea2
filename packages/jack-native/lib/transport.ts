// Transport position: the fields of jack_position_t, in camelCase.
import type { NativePosition } from './native.js';

/** jack_position_t. `valid` says which optional groups are filled. */
export type Position = NativePosition;

export const POSITION_BBT = 0x10;
export const POSITION_TIMECODE = 0x20;
export const POSITION_BBT_FRAME_OFFSET = 0x40;
export const POSITION_AUDIO_VIDEO_RATIO = 0x80;
export const POSITION_VIDEO_FRAME_OFFSET = 0x100;

// What a client may request in a reposition (JACK_POSITION_MASK): JACK2
// silently ignores a request with any other bit and still returns 0.
const REPOSITION_MASK = POSITION_BBT | POSITION_TIMECODE;

/** Checks a position for transportRepositionStruct(), which libjack would silently drop. */
export function checkReposition(position: unknown): Partial<Position> {
  if (typeof position !== 'object' || position === null)
    throw new TypeError('position must be an object');
  const { frame, valid } = position as Partial<Position>;
  if (frame !== undefined && (!Number.isInteger(frame) || frame < 0 || frame > 0xffffffff))
    throw new TypeError('position.frame must be an integer from 0 to 2^32-1');
  if (valid !== undefined && (!Number.isInteger(valid) || (valid & ~REPOSITION_MASK) !== 0))
    throw new TypeError(
      'position.valid may only contain POSITION_BBT and POSITION_TIMECODE for a reposition',
    );
  return position as Partial<Position>;
}

/** The valid fields of a position (position2dict in the Python module). */
export interface PositionDict {
  usecs: number;
  frameRate: number;
  frame: number;
  bar?: number;
  beat?: number;
  tick?: number;
  barStartTick?: number;
  beatsPerBar?: number;
  beatType?: number;
  ticksPerBeat?: number;
  beatsPerMinute?: number;
  frameTime?: number;
  nextTime?: number;
  bbtOffset?: number;
  audioFramesPerVideoFrame?: number;
  videoOffset?: number;
}

/** Keeps only the fields that `pos.valid` marks as valid. */
export function position2dict(pos: Position): PositionDict {
  const dict: PositionDict = { usecs: pos.usecs, frameRate: pos.frameRate, frame: pos.frame };
  if (pos.valid & POSITION_BBT) {
    dict.bar = pos.bar;
    dict.beat = pos.beat;
    dict.tick = pos.tick;
    dict.barStartTick = pos.barStartTick;
    dict.beatsPerBar = pos.beatsPerBar;
    dict.beatType = pos.beatType;
    dict.ticksPerBeat = pos.ticksPerBeat;
    dict.beatsPerMinute = pos.beatsPerMinute;
  }
  if (pos.valid & POSITION_TIMECODE) {
    dict.frameTime = pos.frameTime;
    dict.nextTime = pos.nextTime;
  }
  if (pos.valid & POSITION_BBT_FRAME_OFFSET) dict.bbtOffset = pos.bbtOffset;
  if (pos.valid & POSITION_AUDIO_VIDEO_RATIO)
    dict.audioFramesPerVideoFrame = pos.audioFramesPerVideoFrame;
  if (pos.valid & POSITION_VIDEO_FRAME_OFFSET) dict.videoOffset = pos.videoOffset;
  return dict;
}
