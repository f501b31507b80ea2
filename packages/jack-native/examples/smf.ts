// A small Standard MIDI File reader for the midi_file_player example:
// formats 0 and 1, running status, tempo changes (meta event 0x51), metrical
// and SMPTE time division, sysex (including sysex split into F0/F7 packets
// and F7 "escapes"). It turns a file into one list of timed messages.

export interface SmfEvent {
  /** Ticks since the start of its track. */
  tick: number;
  kind: 'midi' | 'sysex' | 'meta';
  /**
   * midi: the whole message, status byte included (running status resolved);
   * sysex: the bytes as they go on the wire (F0 … F7, or an escape's raw bytes);
   * meta: the meta event's payload.
   */
  data: Uint8Array;
  /** Meta events only: their type (0x51 tempo, 0x2f end of track, …). */
  metaType?: number;
}

export type Division =
  | { kind: 'metrical'; ticksPerQuarter: number }
  | { kind: 'smpte'; framesPerSecond: number; ticksPerFrame: number };

export interface Smf {
  format: 0 | 1;
  division: Division;
  tracks: SmfEvent[][];
}

/** A message to send `time` seconds after the start. */
export interface TimedMessage {
  time: number;
  data: Uint8Array;
  /** The track it came from. */
  track: number;
}

/** A file this reader cannot read, with the reason and where. */
export class SmfError extends Error {
  override name = 'SmfError';
}

const DEFAULT_TEMPO = 500_000; // µs per quarter note: 120 BPM
const META_END_OF_TRACK = 0x2f;
const META_TEMPO = 0x51;

/** Data bytes after each channel-message status nibble (0x8 … 0xe). */
function dataLength(status: number): number {
  const kind = status >> 4;
  return kind === 0xc || kind === 0xd ? 1 : 2;
}

class Reader {
  offset: number;
  constructor(
    readonly bytes: Uint8Array,
    readonly end: number,
    start: number,
    readonly where: string,
  ) {
    this.offset = start;
  }
  fail(message: string): never {
    throw new SmfError(`${this.where}, byte ${this.offset}: ${message}`);
  }
  byte(): number {
    if (this.offset >= this.end) this.fail('unexpected end of data');
    return this.bytes[this.offset++] as number;
  }
  peek(): number {
    if (this.offset >= this.end) this.fail('unexpected end of data');
    return this.bytes[this.offset] as number;
  }
  /** A variable-length quantity: at most four bytes of seven bits each. */
  vlq(): number {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const byte = this.byte();
      value = value * 128 + (byte & 0x7f);
      if (!(byte & 0x80)) return value;
    }
    return this.fail('variable-length number longer than 4 bytes');
  }
  take(length: number): Uint8Array {
    if (this.offset + length > this.end) this.fail(`${length} bytes announced, fewer left`);
    const data = this.bytes.slice(this.offset, this.offset + length);
    this.offset += length;
    return data;
  }
}

function ascii(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + 4));
}

function parseTrack(bytes: Uint8Array, start: number, end: number, index: number): SmfEvent[] {
  const reader = new Reader(bytes, end, start, `track ${index}`);
  const events: SmfEvent[] = [];
  let tick = 0;
  let running = 0; // running status; 0 when none is in effect
  // A sysex split into packets: F0 … then F7 … continuations until one ends in F7.
  let openSysex: { event: SmfEvent; parts: Uint8Array[] } | null = null;
  const closeSysex = () => {
    if (!openSysex) return;
    const total = openSysex.parts.reduce((sum, part) => sum + part.length, 0);
    const data = new Uint8Array(total);
    let at = 0;
    for (const part of openSysex.parts) {
      data.set(part, at);
      at += part.length;
    }
    openSysex.event.data = data;
    openSysex = null;
  };
  while (reader.offset < end) {
    tick += reader.vlq();
    let status = reader.peek();
    if (status & 0x80) reader.offset++;
    else if (running) status = running;
    else reader.fail(`data byte 0x${status.toString(16)} without a status (no running status)`);

    if (status === 0xff) {
      running = 0; // meta and sysex events cancel running status
      const metaType = reader.byte();
      const data = reader.take(reader.vlq());
      events.push({ tick, kind: 'meta', data, metaType });
      if (metaType === META_END_OF_TRACK) break;
    } else if (status === 0xf0) {
      running = 0;
      closeSysex();
      const body = reader.take(reader.vlq());
      const event: SmfEvent = { tick, kind: 'sysex', data: new Uint8Array(0) };
      events.push(event);
      openSysex = { event, parts: [Uint8Array.of(0xf0), body] };
      if (body[body.length - 1] === 0xf7) closeSysex();
    } else if (status === 0xf7) {
      running = 0;
      const body = reader.take(reader.vlq());
      if (openSysex) {
        openSysex.parts.push(body);
        if (body[body.length - 1] === 0xf7) closeSysex();
      } else {
        // An escape: any bytes, sent as they are (realtime messages, song position …).
        events.push({ tick, kind: 'sysex', data: body });
      }
    } else if (status >= 0x80 && status < 0xf0) {
      running = status;
      const message = new Uint8Array(1 + dataLength(status));
      message[0] = status;
      for (let i = 1; i < message.length; i++) {
        const byte = reader.byte();
        if (byte & 0x80) reader.fail(`status byte 0x${byte.toString(16)} inside a channel message`);
        message[i] = byte;
      }
      events.push({ tick, kind: 'midi', data: message });
    } else {
      reader.fail(`status 0x${status.toString(16)} is not allowed in a MIDI file`);
    }
  }
  // A packet sequence the file never finished: send what there is.
  closeSysex();
  return events;
}

/** Parses a Standard MIDI File (format 0 or 1). */
export function parseSmf(bytes: Uint8Array): Smf {
  if (bytes.length < 14 || ascii(bytes, 0) !== 'MThd')
    throw new SmfError('not a MIDI file (no MThd header)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(4); // MIDI files are big-endian
  if (headerLength < 6) throw new SmfError(`MThd header of ${headerLength} bytes is too short`);
  const format = view.getUint16(8);
  const trackCount = view.getUint16(10);
  const rawDivision = view.getUint16(12);
  if (format === 2) throw new SmfError('format 2 (independent sequences) is not supported');
  if (format !== 0 && format !== 1) throw new SmfError(`unknown MIDI file format ${format}`);
  let division: Division;
  if (rawDivision & 0x8000) {
    const fps = 256 - (rawDivision >> 8); // high byte: the SMPTE rate, negated (two's complement)
    const ticksPerFrame = rawDivision & 0xff;
    if (![24, 25, 29, 30].includes(fps) || ticksPerFrame === 0)
      throw new SmfError(`bad SMPTE division 0x${rawDivision.toString(16)}`);
    division = { kind: 'smpte', framesPerSecond: fps === 29 ? 30000 / 1001 : fps, ticksPerFrame };
  } else {
    if (rawDivision === 0) throw new SmfError('division of 0 ticks per quarter note');
    division = { kind: 'metrical', ticksPerQuarter: rawDivision };
  }

  const tracks: SmfEvent[][] = [];
  let offset = 8 + headerLength;
  while (tracks.length < trackCount) {
    if (offset + 8 > bytes.length)
      throw new SmfError(
        `the header announces ${trackCount} tracks, the file holds ${tracks.length}`,
      );
    const id = ascii(bytes, offset);
    const length = view.getUint32(offset + 4);
    const start = offset + 8;
    if (id === 'MTrk') {
      if (start + length > bytes.length)
        throw new SmfError(
          `track ${tracks.length}: chunk of ${length} bytes runs past the end of the file`,
        );
      tracks.push(parseTrack(bytes, start, start + length, tracks.length));
    }
    // Chunks of other types are skipped, as the specification asks.
    offset = start + length;
  }
  return { format: format as 0 | 1, division, tracks };
}

/**
 * Every MIDI and sysex message of all tracks in time order, with times in
 * seconds after the tempo map (tempo events of any track apply to all).
 * Messages at the same tick keep their track order, then their file order.
 */
export function schedule(smf: Smf): TimedMessage[] {
  const merged: Array<{ event: SmfEvent; track: number }> = [];
  smf.tracks.forEach((events, track) => {
    for (const event of events) merged.push({ event, track });
  });
  // Array.prototype.sort is stable: equal ticks stay in track, then file, order.
  merged.sort((a, b) => a.event.tick - b.event.tick);

  const result: TimedMessage[] = [];
  const division = smf.division;
  let tempo = DEFAULT_TEMPO;
  let lastTick = 0;
  let seconds = 0;
  for (const { event, track } of merged) {
    if (division.kind === 'metrical')
      seconds += ((event.tick - lastTick) * tempo) / 1e6 / division.ticksPerQuarter;
    else seconds = event.tick / (division.framesPerSecond * division.ticksPerFrame);
    lastTick = event.tick;
    if (event.kind === 'meta') {
      if (event.metaType === META_TEMPO && event.data.length === 3) {
        const [a = 0, b = 0, c = 0] = event.data;
        tempo = (a << 16) | (b << 8) | c || DEFAULT_TEMPO;
      }
    } else if (event.data.length > 0) {
      result.push({ time: seconds, data: event.data, track });
    }
  }
  return result;
}
