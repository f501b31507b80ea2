// Jackbay's own preset file (what export-json.ts writes and the store keeps).
import { z } from 'zod';
import { badFile, checkCount, checkSize } from './checks.js';
import type { Imported } from './imported.js';
import { Preset } from './model.js';

/** Parses and checks a preset file; `name` replaces the name inside it when given. */
export function parsePresetJson(text: string, name?: string): Preset {
  checkSize(text, 'the preset file');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badFile(`not a Jackbay preset: not valid JSON: ${(error as Error).message}`);
  }
  const parsed = Preset.safeParse(
    name !== undefined && typeof value === 'object' && value !== null ? { ...value, name } : value,
  );
  if (!parsed.success)
    throw badFile(`not a Jackbay preset: ${z.prettifyError(parsed.error).slice(0, 2000)}`);
  return checkCount(parsed.data);
}

export function importJson(text: string, name: string): Imported {
  return { preset: parsePresetJson(text, name), skipped: 0 };
}
