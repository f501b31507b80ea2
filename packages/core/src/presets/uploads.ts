// A file too large for one WebSocket message reaches the service in parts:
// the page appends them to an upload, then names the upload in importPreset
// or previewPreset. Uploads are bounded in number and size, and forgotten
// when idle.
import { JackbayRpcError } from '../errors.js';
import { MAX_PRESET_BYTES } from './model.js';

const MAX_UPLOADS = 4;
const IDLE_MS = 120_000;

interface Upload {
  parts: string[];
  length: number;
  touched: number;
}

export class Uploads {
  readonly #uploads = new Map<string, Upload>();

  /** Appends a part; returns the characters received so far. */
  append(id: string, text: string): number {
    this.#expire();
    let upload = this.#uploads.get(id);
    if (!upload) {
      if (this.#uploads.size >= MAX_UPLOADS)
        throw new JackbayRpcError('bad-request', `at most ${MAX_UPLOADS} uploads at once`);
      upload = { parts: [], length: 0, touched: 0 };
      this.#uploads.set(id, upload);
    }
    if (upload.length + text.length > MAX_PRESET_BYTES) {
      this.#uploads.delete(id);
      throw new JackbayRpcError(
        'preset-too-large',
        `the file is larger than ${MAX_PRESET_BYTES / (1024 * 1024)} MiB`,
      );
    }
    upload.parts.push(text);
    upload.length += text.length;
    upload.touched = performance.now();
    return upload.length;
  }

  /** The whole text of an upload, which is then forgotten. */
  take(id: string): string {
    this.#expire();
    const upload = this.#uploads.get(id);
    if (!upload)
      throw new JackbayRpcError('bad-request', `no upload '${id}' (it may have expired)`);
    this.#uploads.delete(id);
    return upload.parts.join('');
  }

  #expire(): void {
    const now = performance.now();
    for (const [id, upload] of this.#uploads)
      if (now - upload.touched > IDLE_MS) this.#uploads.delete(id);
  }
}
