// Jackbay's own preset file: the preset as the store keeps it.
import type { Preset } from './model.js';

export function exportJson(preset: Preset): string {
  return `${JSON.stringify(preset, null, 1)}\n`;
}
