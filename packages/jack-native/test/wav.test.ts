// The WAV reader and writer of the play_file and recorder examples, checked
// against Python's own `wave` module for 16-bit PCM, and by hand for float.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PYTHON } from '@jackbay/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWavHeader, WavError, WavReader, WavWriter, wavHeader } from '../examples/wav.js';

const dir = mkdtempSync(join(tmpdir(), 'jackbay-wav-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function py(code: string): string {
  const result = spawnSync(PYTHON, ['-c', `import wave, struct, json\n${code}`], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

describe('WAV files', () => {
  it("reads 16-bit PCM written by Python's wave module, block by block", () => {
    const path = join(dir, 'python.wav');
    // Three channels, 1000 frames of distinct values, including both extremes.
    py(`
w = wave.open(${JSON.stringify(path)}, 'wb')
w.setnchannels(3); w.setsampwidth(2); w.setframerate(44100)
w.writeframes(b''.join(struct.pack('<hhh', i * 32 - 32768, -i, 32767 - i) for i in range(1000)))
w.close()`);
    const reader = new WavReader(path);
    expect(reader.info).toMatchObject({
      format: 'pcm16',
      channels: 3,
      sampleRate: 44100,
      frames: 1000,
    });
    const first = reader.read(600);
    const rest = reader.read(600);
    expect(reader.read(600)).toHaveLength(0);
    reader.close();
    expect(first).toHaveLength(1800);
    expect(rest).toHaveLength(1200);
    const all = [...first, ...rest];
    for (const i of [0, 1, 599, 600, 999]) {
      expect(all[3 * i]).toBe((i * 32 - 32768) / 32768);
      expect(all[3 * i + 1]).toBe(i === 0 ? 0 : -i / 32768);
      expect(all[3 * i + 2]).toBe((32767 - i) / 32768);
    }
  });

  it("writes 16-bit PCM that Python's wave module reads back exactly", () => {
    const path = join(dir, 'ours.wav');
    const writer = new WavWriter(path, 'pcm16', 2, 48000);
    const samples = new Float32Array(2000);
    for (let i = 0; i < samples.length; i++) samples[i] = (i - 1000) / 1000; // -1 … 0.999
    writer.write(samples.subarray(0, 700));
    writer.write(samples.subarray(700));
    writer.close();
    const seen = JSON.parse(
      py(`
w = wave.open(${JSON.stringify(path)}, 'rb')
data = w.readframes(w.getnframes())
print(json.dumps([w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes(),
                  list(struct.unpack('<%dh' % (len(data) // 2), data))]))`),
    ) as [number, number, number, number, number[]];
    expect(seen.slice(0, 4)).toEqual([2, 2, 48000, 1000]);
    expect(seen[4]).toEqual(
      Array.from(samples, (s) => Math.max(-32768, Math.min(32767, Math.round(s * 32768)))),
    );
  });

  it('round-trips 32-bit float exactly and clips PCM at full scale', () => {
    const path = join(dir, 'float.wav');
    const samples = Float32Array.from([0.1, -0.25, 1.5, -1.5, 1e-7, 0]);
    const writer = new WavWriter(path, 'float32', 1, 96000);
    writer.write(samples);
    writer.close();
    const bytes = readFileSync(path);
    // The header by hand: format code 3 (IEEE float), 32 bits, 24 data bytes.
    expect(bytes.readUInt16LE(20)).toBe(3);
    expect(bytes.readUInt16LE(34)).toBe(32);
    expect(bytes.readUInt32LE(40)).toBe(24);
    const reader = new WavReader(path);
    expect(reader.info).toMatchObject({
      format: 'float32',
      channels: 1,
      sampleRate: 96000,
      frames: 6,
    });
    expect(reader.read(100)).toEqual(samples);
    reader.close();

    const pcm = join(dir, 'clipped.wav');
    const clipped = new WavWriter(pcm, 'pcm16', 1, 8000);
    clipped.write(samples);
    clipped.close();
    const back = new WavReader(pcm).read(6);
    expect(back[2]).toBe(32767 / 32768);
    expect(back[3]).toBe(-1);
  });

  it('finds the data after other chunks, in WAVE_FORMAT_EXTENSIBLE, and in a file cut short', () => {
    // A 'LIST' chunk of odd size (padded), then an extensible fmt with the float GUID.
    const fmt = Buffer.alloc(8 + 40);
    fmt.write('fmt ', 0, 'latin1');
    fmt.writeUInt32LE(40, 4);
    fmt.writeUInt16LE(0xfffe, 8);
    fmt.writeUInt16LE(2, 10);
    fmt.writeUInt32LE(22050, 12);
    fmt.writeUInt16LE(32, 22);
    fmt.writeUInt16LE(3, 32); // sub-format GUID starts with the format code
    const list = Buffer.from('LIST\x03\x00\x00\x00abc\x00', 'latin1');
    const data = Buffer.alloc(8 + 16);
    data.write('data', 0, 'latin1');
    data.writeUInt32LE(0xffffffff, 4); // a streaming writer's "unknown size"
    data.writeFloatLE(0.5, 8);
    data.writeFloatLE(-0.5, 12);
    data.writeFloatLE(0.25, 16);
    data.writeFloatLE(-0.25, 20);
    const riff = Buffer.from('RIFF\x00\x00\x00\x00WAVE', 'latin1');
    const file = Buffer.concat([riff, list, fmt, data]);
    const path = join(dir, 'extensible.wav');
    writeFileSync(path, file);
    const reader = new WavReader(path);
    expect(reader.info).toMatchObject({
      format: 'float32',
      channels: 2,
      sampleRate: 22050,
      frames: 2,
    });
    expect([...reader.read(10)]).toEqual([0.5, -0.5, 0.25, -0.25]);
    reader.close();
  });

  it('rejects files it cannot read with WavError', () => {
    const bad = (bytes: Uint8Array, message: RegExp) => {
      expect(() => parseWavHeader(bytes)).toThrow(WavError);
      expect(() => parseWavHeader(bytes)).toThrow(message);
    };
    bad(Buffer.from('MThd\x00\x00\x00\x06\x00\x00\x00\x01\x00\x60'), /not a WAV file/);
    const header = wavHeader('pcm16', 1, 8000, 0);
    const view = new DataView(header.buffer);
    view.setUint16(34, 24, true); // 24-bit PCM
    bad(header, /unsupported WAV encoding \(format code 1, 24 bits\)/);
    view.setUint16(34, 16, true);
    view.setUint16(20, 2, true); // ADPCM
    bad(header, /format code 2/);
    bad(wavHeader('pcm16', 1, 8000, 0).subarray(0, 36), /no 'data' chunk/);
    const noFmt = Buffer.from('RIFF\x00\x00\x00\x00WAVEdata\x00\x00\x00\x00', 'latin1');
    bad(noFmt, /'data' chunk before 'fmt ' chunk/);
  });
});
