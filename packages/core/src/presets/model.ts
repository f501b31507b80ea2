// A preset: connections a person saved (by full port names), rules imported
// from patchbays that match clients and ports by regular expression (as
// QjackCtl's sockets and plugs do), ports whose other connections an active
// preset removes, and the page's box positions and the pretty names it had.
// Pure code without Node: the contract's schemas build on these.
import { z } from 'zod';

/** Larger import texts and preset files are refused with 'preset-too-large'. */
export const MAX_PRESET_BYTES = 32 * 1024 * 1024;
/** Connections plus rules in one preset. */
export const MAX_PRESET_ITEMS = 200_000;

const JackName = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[^\0]*$/, 'must not contain a NUL byte');
const Pattern = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[^\0]*$/, 'must not contain a NUL byte');
const LinkType = z.enum(['audio', 'midi']);

/** A preset's name is also its file's name: no '/', no leading '.', no NUL. */
export const PresetName = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^/\0]*$/, "must not contain '/' or a NUL byte")
  .regex(/^[^.]/, "must not start with '.'")
  // The name becomes a file name through encodeURIComponent, which throws on
  // a lone surrogate (the IPC fuzzer found one answered as an internal error).
  .refine((name) => !/\p{Cs}/u.test(name), 'must be valid Unicode (no lone surrogate)');

export const PresetConnection = z.object({
  source: JackName,
  destination: JackName,
  /** Known when saved from a graph or read from a typed format; QjackCtl export needs it. */
  type: LinkType.optional(),
});
export type PresetConnection = z.infer<typeof PresetConnection>;

/** Client and short port name, each a regular expression that must match the whole name. */
export const PortPattern = z.object({ client: Pattern, port: Pattern });
export type PortPattern = z.infer<typeof PortPattern>;

/** Every output port that matches `source` to every input port that matches `destination`. */
export const PatternLink = z.object({
  source: PortPattern,
  destination: PortPattern,
  type: LinkType.optional(),
});
export type PatternLink = z.infer<typeof PatternLink>;

const XY = z.object({ x: z.number().finite(), y: z.number().finite() });

export const Preset = z.object({
  jackbay: z.literal('preset'),
  version: z.literal(1),
  name: PresetName,
  savedAt: z.string().max(64),
  /** Where it came from when imported (a format name), else absent. */
  importedFrom: z.string().max(64).optional(),
  connections: z.array(PresetConnection),
  patterns: z.array(PatternLink),
  /** Ports whose connections outside the preset an active preset removes. */
  exclusive: z.array(PortPattern),
  /** The page's box positions (box id -> x, y), applied when it loads the preset. */
  positions: z.record(z.string().max(1100), XY),
  prettyNames: z.object({
    clients: z.record(z.string().max(1024), z.string().max(256)),
    ports: z.record(z.string().max(1024), z.string().max(256)),
  }),
});
export type Preset = z.infer<typeof Preset>;

export function emptyPreset(name: string, importedFrom?: string): Preset {
  return {
    jackbay: 'preset',
    version: 1,
    name,
    savedAt: new Date().toISOString(),
    ...(importedFrom ? { importedFrom } : {}),
    connections: [],
    patterns: [],
    exclusive: [],
    positions: {},
    prettyNames: { clients: {}, ports: {} },
  };
}

/** A regular expression that matches exactly `text`. */
export function escapePattern(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
