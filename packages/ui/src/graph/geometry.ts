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
/** The meters toggle in the header of a box with audio ports, and its gap. */
export const METER_TOGGLE_SPACE = 24;
/** The collapse toggle at the start of every box's header (16 px, pulled 4 px into the padding) and its gap. */
export const COLLAPSE_TOGGLE_SPACE = 18;
/** Width of the sub-label column (e.g. 'L', '1') of a stereo pair. */
export const PAIR_LABEL = 30;

/** Font size of every text inside a box but the title (labels, subtitles). */
export const LABEL_FONT = 12;
/** Font size of a box's title. */
export const TITLE_FONT = 13;
/** Smallest text drawn on screen: below this, text is hidden, never shown unreadable. */
export const MIN_SCREEN_FONT = 11;
/** Sizes labels and titles grow to as the view zooms out, still fitting their rows and headers. */
export const LABEL_SIZES = [LABEL_FONT, 14, 17] as const;
export const TITLE_SIZES = [TITLE_FONT, 16, 20] as const;

/**
 * The first of `sizes` that is drawn at least MIN_SCREEN_FONT tall at this
 * zoom, or null: then the text is hidden.
 */
export function readableSize(sizes: readonly number[], zoom: number): number | null {
  return sizes.find((size) => size * zoom >= MIN_SCREEN_FONT) ?? null;
}

// Average advance of the UI font at LABEL_FONT and TITLE_FONT semibold, on the
// wide side (DejaVu Sans, the usual Linux fallback). An estimate is enough:
// labels are clipped with an ellipsis, never allowed to push the box.
const CHAR = 0.6 * LABEL_FONT;
const TITLE_CHAR = 0.66 * TITLE_FONT;

export function textWidth(text: string, title = false): number {
  return Math.ceil(text.length * (title ? TITLE_CHAR : CHAR));
}

export function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

export const GAP_X = 110;
export const GAP_Y = 22;

/** Fit never zooms past this: a small graph is not blown up past a comfortable reading size. */
export const FIT_MAX_ZOOM = 1.25;
