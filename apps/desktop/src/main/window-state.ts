// The window's size and position, kept in userData/window-state.json.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: { width: number; height: number; x?: number; y?: number };
  maximized: boolean;
}

export const DEFAULT_STATE: WindowState = {
  bounds: { width: 1280, height: 800 },
  maximized: false,
};
const MIN_WIDTH = 640;
const MIN_HEIGHT = 400;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * The saved state, made safe: a missing or corrupt file gives the default,
 * sizes are kept sane, and a position on a display that is no longer
 * connected is dropped (the window manager then centres it).
 */
export function readWindowState(file: string, displays: readonly Rect[]): WindowState {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return DEFAULT_STATE;
  }
  const r = (raw ?? {}) as {
    x?: unknown;
    y?: unknown;
    width?: unknown;
    height?: unknown;
    maximized?: unknown;
  };
  if (!finite(r.width) || !finite(r.height)) return DEFAULT_STATE;
  const width = Math.max(MIN_WIDTH, Math.round(r.width));
  const height = Math.max(MIN_HEIGHT, Math.round(r.height));
  const bounds: WindowState['bounds'] = { width, height };
  if (finite(r.x) && finite(r.y)) {
    const x = Math.round(r.x);
    const y = Math.round(r.y);
    // At least a grabbable strip of the title bar must be on some display.
    const visible = displays.some(
      (d) =>
        x + width - 80 > d.x && x + 80 < d.x + d.width && y >= d.y - 8 && y + 30 < d.y + d.height,
    );
    if (visible) Object.assign(bounds, { x, y });
  }
  return { bounds, maximized: r.maximized === true };
}

export function writeWindowState(file: string, bounds: Rect, maximized: boolean): void {
  mkdirSync(dirname(file), { recursive: true });
  // Write then rename: a crash mid-write never leaves a half file.
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ ...bounds, maximized })}\n`);
  renameSync(tmp, file);
}
