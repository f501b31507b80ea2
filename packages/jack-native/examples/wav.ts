// A small WAV (RIFF/WAVE) reader and writer for the play_file and recorder
// examples: 16-bit integer PCM and 32-bit float samples, any channel count.
// Samples cross this module as interleaved Float32Array frames, the layout
// of the engine's playback and capture streams.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

export type WavFormat = 'pcm16' | 'float32';

export interface WavInfo {
  format: WavFormat;
  channels: number;
  sampleRate: number;
  /** Byte offset of the first sample in the file. */
  dataOffset: number;
  /** Length of the sample data in bytes (whole frames only). */
  dataBytes: number;
  /** Number of frames (one sample per channel each). */
  frames: number;
}

/** A file that is not a WAV file this module can read. */
export class WavError extends Error {
  override name = 'WavError';
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const HEADER_BYTES = 44;

const bytesPerSample = (format: WavFormat): number => (format === 'pcm16' ? 2 : 4);

/**
 * Parses the chunks before the sample data. `head` must hold at least the
 * file's start up to the 'data' chunk header (a few hundred bytes is plenty
 * for the files people write; the header may list other chunks first).
 * `fileBytes`: the whole file's length, when `head` is only its start.
 */
export function parseWavHeader(head: Uint8Array, fileBytes = head.length): WavInfo {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const tag = (offset: number) =>
    String.fromCharCode(...head.subarray(offset, Math.min(offset + 4, head.length)));
  if (head.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE')
    throw new WavError('not a WAV file (no RIFF/WAVE header)');
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'frames'> | undefined;
  let offset = 12;
  while (offset + 8 <= head.length) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > head.length) throw new WavError("truncated 'fmt ' chunk");
      let code = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE keeps the real format code in its sub-format GUID.
      if (code === WAVE_FORMAT_EXTENSIBLE) {
        if (size < 40 || body + 26 > head.length)
          throw new WavError("truncated extensible 'fmt ' chunk");
        code = view.getUint16(body + 24, true);
      }
      const channels = view.getUint16(body + 2, true);
      const sampleRate = view.getUint32(body + 4, true);
      const bits = view.getUint16(body + 14, true);
      let format: WavFormat;
      if (code === WAVE_FORMAT_PCM && bits === 16) format = 'pcm16';
      else if (code === WAVE_FORMAT_IEEE_FLOAT && bits === 32) format = 'float32';
      else
        throw new WavError(
          `unsupported WAV encoding (format code ${code}, ${bits} bits): only 16-bit PCM and 32-bit float`,
        );
      if (channels === 0 || sampleRate === 0)
        throw new WavError('WAV file has no channels or no sample rate');
      fmt = { format, channels, sampleRate };
    } else if (id === 'data') {
      if (!fmt) throw new WavError("'data' chunk before 'fmt ' chunk");
      const frameBytes = fmt.channels * bytesPerSample(fmt.format);
      // A writer that was stopped early leaves 0 or 0xffffffff here: the
      // samples then run to the end of the file.
      const available = Math.max(0, fileBytes - body);
      const length = size === 0 || size > available ? available : size;
      const frames = Math.floor(length / frameBytes);
      return { ...fmt, dataOffset: body, dataBytes: frames * frameBytes, frames };
    }
    offset = body + size + (size & 1); // chunks are padded to even sizes
  }
  throw new WavError(fmt ? "no 'data' chunk found" : "no 'fmt ' chunk found");
}

/** Converts raw little-endian sample bytes to float samples. */
export function decodeSamples(bytes: Uint8Array, format: WavFormat): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = Math.floor(bytes.length / bytesPerSample(format));
  const samples = new Float32Array(count);
  if (format === 'pcm16')
    for (let i = 0; i < count; i++) samples[i] = view.getInt16(2 * i, true) / 32768;
  else for (let i = 0; i < count; i++) samples[i] = view.getFloat32(4 * i, true);
  return samples;
}

/** Converts float samples to raw little-endian bytes; PCM clips to [-1, 1). */
export function encodeSamples(samples: Float32Array, format: WavFormat): Uint8Array {
  const bytes = new Uint8Array(samples.length * bytesPerSample(format));
  const view = new DataView(bytes.buffer);
  if (format === 'pcm16') {
    for (let i = 0; i < samples.length; i++) {
      const value = Math.round((samples[i] as number) * 32768);
      view.setInt16(2 * i, Math.max(-32768, Math.min(32767, value)), true);
    }
  } else {
    for (let i = 0; i < samples.length; i++) view.setFloat32(4 * i, samples[i] as number, true);
  }
  return bytes;
}

/** The 44-byte canonical header for `dataBytes` bytes of samples. */
export function wavHeader(
  format: WavFormat,
  channels: number,
  sampleRate: number,
  dataBytes: number,
): Uint8Array {
  const header = new Uint8Array(HEADER_BYTES);
  const view = new DataView(header.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) header[offset + i] = text.charCodeAt(i);
  };
  const sampleBytes = bytesPerSample(format);
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, format === 'pcm16' ? WAVE_FORMAT_PCM : WAVE_FORMAT_IEEE_FLOAT, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * sampleBytes, true);
  view.setUint16(32, channels * sampleBytes, true);
  view.setUint16(34, sampleBytes * 8, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  return header;
}

/** Reads a WAV file block by block, so long files need little memory. */
export class WavReader {
  readonly info: WavInfo;
  readonly #fd: number;
  #position = 0; // bytes of sample data read so far

  constructor(path: string) {
    this.#fd = openSync(path, 'r');
    try {
      const head = new Uint8Array(64 * 1024);
      const length = readSync(this.#fd, head, 0, head.length, 0);
      this.info = parseWavHeader(head.subarray(0, length), fstatSync(this.#fd).size);
    } catch (error) {
      closeSync(this.#fd);
      throw error;
    }
  }

  /** Up to `frames` interleaved frames; fewer (or none) at the end of the file. */
  read(frames: number): Float32Array {
    const { channels, format, dataOffset, dataBytes } = this.info;
    const frameBytes = channels * bytesPerSample(format);
    const wanted = Math.min(frames * frameBytes, dataBytes - this.#position);
    const bytes = new Uint8Array(Math.max(0, wanted));
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(
        this.#fd,
        bytes,
        got,
        bytes.length - got,
        dataOffset + this.#position + got,
      );
      if (n === 0) break; // the header promised more than the file holds
      got += n;
    }
    const whole = got - (got % frameBytes);
    this.#position += whole;
    return decodeSamples(bytes.subarray(0, whole), format);
  }

  close(): void {
    closeSync(this.#fd);
  }
}

/**
 * Writes a WAV file as samples arrive; the sizes in the header are written
 * on close(), so a file cut short (a crash) still has its samples.
 */
export class WavWriter {
  readonly #fd: number;
  #dataBytes = 0;

  constructor(
    path: string,
    readonly format: WavFormat,
    readonly channels: number,
    readonly sampleRate: number,
  ) {
    if (!Number.isInteger(channels) || channels < 1 || channels > 65535)
      throw new RangeError('channels must be an integer from 1 to 65535');
    if (!Number.isInteger(sampleRate) || sampleRate < 1) throw new RangeError('bad sample rate');
    this.#fd = openSync(path, 'w');
    writeSync(this.#fd, wavHeader(format, channels, sampleRate, 0));
  }

  /** Appends interleaved frames. */
  write(samples: Float32Array): void {
    if (samples.length % this.channels !== 0)
      throw new RangeError(`samples must be whole frames of ${this.channels} channels`);
    const bytes = encodeSamples(samples, this.format);
    writeSync(this.#fd, bytes, 0, bytes.length, HEADER_BYTES + this.#dataBytes);
    this.#dataBytes += bytes.length;
  }

  /** Frames written so far. */
  get frames(): number {
    return this.#dataBytes / (this.channels * bytesPerSample(this.format));
  }

  close(): void {
    writeSync(
      this.#fd,
      wavHeader(this.format, this.channels, this.sampleRate, this.#dataBytes),
      0,
      HEADER_BYTES,
      0,
    );
    closeSync(this.#fd);
  }
}
