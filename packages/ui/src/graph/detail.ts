// The graph's level of detail. Zoomed out until a port row's text would be
// drawn smaller than MIN_ROW_TEXT on screen, rows can be neither read nor
// aimed at: every box is then drawn as its summary (its title, how many
// ports and connections it has), its connections meeting at its header as a
// collapsed box's do, and the page holds no element per port. Zoomed in
// again, the rows come back. Only the view changes: nothing is saved, and
// the boxes a person collapsed stay collapsed.
import { LABEL_FONT } from './geometry';

/** The smallest row text (px on screen) still drawn as rows. */
export const MIN_ROW_TEXT = 6;

/** Below this zoom boxes are drawn as their summaries. */
export const SUMMARY_ZOOM = MIN_ROW_TEXT / LABEL_FONT;

// Rows come back a little above the zoom they left at, so a view held at the
// threshold (a slow pinch) does not switch every frame.
const HYSTERESIS = 1.1;

/** Whether boxes are drawn as summaries at `zoom`, given whether they are now. */
export function summaryAt(zoom: number, summarised: boolean): boolean {
  return zoom < (summarised ? SUMMARY_ZOOM * HYSTERESIS : SUMMARY_ZOOM);
}
