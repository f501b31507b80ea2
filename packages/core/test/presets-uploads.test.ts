// Files sent in parts over the WebSocket: bounded in number and size, taken
// once. No JACK needed.
import { describe, expect, it } from 'vitest';
import { MAX_PRESET_BYTES } from '../src/presets/model.js';
import { Uploads } from '../src/presets/uploads.js';

describe('uploads', () => {
  it('joins the parts in order, once', () => {
    const uploads = new Uploads();
    expect(uploads.append('a', 'hello ')).toBe(6);
    expect(uploads.append('a', 'world')).toBe(11);
    expect(uploads.take('a')).toBe('hello world');
    expect(() => uploads.take('a')).toThrow(expect.objectContaining({ code: 'bad-request' }));
  });

  it('refuses a fifth upload at once, and a file over the size limit (which is dropped)', () => {
    const uploads = new Uploads();
    for (const id of ['a', 'b', 'c', 'd']) uploads.append(id, 'x');
    expect(() => uploads.append('e', 'x')).toThrow(
      expect.objectContaining({ code: 'bad-request' }),
    );
    const part = 'y'.repeat(1024 * 1024);
    let error: unknown = null;
    try {
      for (let i = 0; i <= MAX_PRESET_BYTES / part.length; i += 1) uploads.append('a', part);
    } catch (caught) {
      error = caught;
    }
    expect(error).toEqual(expect.objectContaining({ code: 'preset-too-large' }));
    expect(() => uploads.take('a')).toThrow(/no upload 'a'/);
    // The place it held is free again.
    expect(uploads.append('e', 'x')).toBe(1);
  });
});
