// Box geometry in one place: the layout computes sizes from these numbers and
// the node component draws with exactly the same ones, so a box's measured
// size always equals the size the layout reserved for it.
export const ROW = 20;
export const HEADER = 26;
export const PAD = 4;
export const BORDER = 1;
export const GUTTER = 14;
export const COLUMN_MIN = 84;
export const COLUMN_MAX = 210;
export const BOX_MIN = 140;
export const BOX_MAX = 420;
/** Space for the port marker and its padding on each row. */
export const MARKER_SPACE = 24;
/** Width of the sub-label column (e.g. 'L', '1') of a stereo pair. */
export const PAIR_LABEL = 30;

// Average advance of the UI font at 11.5px and 12px semibold, on the wide
// side (DejaVu Sans, the usual Linux fallback). An estimate is enough: labels
// are clipped with an ellipsis, never allowed to push the box.
const CHAR = 6.9;
const TITLE_CHAR = 7.9;

export function textWidth(text: string, title = false): number {
  return Math.ceil(text.length * (title ? TITLE_CHAR : CHAR));
}

export function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

export const GAP_X = 110;
export const GAP_Y = 22;
