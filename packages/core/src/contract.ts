// The contract between the Jackbay service and any front end (Electron IPC or
// the web host's WebSocket): every request, its response, every event, and the
// schemas that validate them at the boundary. The renderer imports only types
// and schemas from here, never the service.
import { z } from 'zod';
import { ERROR_CODES } from './error-codes.js';
import { MAX_METERED_PORTS } from './meter-frame.js';
import { MAX_MONITORED_PORTS } from './midi-frame.js';
import { MAX_PRESET_BYTES, Preset as PresetModel, PresetName } from './presets/model.js';
import { BUFFER_SIZES, JACK_DRIVERS, PERIODS_RANGE, SAMPLE_RATES } from './server-options.js';

// ---- The graph model

export const PortType = z.enum(['audio', 'midi', 'other']);
export type PortType = z.infer<typeof PortType>;

export const Direction = z.enum(['input', 'output']);
export type Direction = z.infer<typeof Direction>;

export const LatencyRange = z.object({ min: z.number().int(), max: z.number().int() });

export const PortInfo = z.object({
  /** Full JACK port name: the port's identity in the contract. */
  name: z.string(),
  /** The owning client's name, from JACK (never split from `name`: PipeWire names contain ':'). */
  client: z.string(),
  shortName: z.string(),
  type: PortType,
  /** The raw JACK type string, e.g. '32 bit float mono audio'. */
  typeString: z.string(),
  direction: Direction,
  isPhysical: z.boolean(),
  isTerminal: z.boolean(),
  canMonitor: z.boolean(),
  flags: z.number().int(),
  aliases: z.array(z.string()),
  /** JACK metadata pretty name, if any. */
  prettyName: z.string().nullable(),
  uuid: z.string(),
  latency: z.object({ capture: LatencyRange, playback: LatencyRange }),
});
export type PortInfo = z.infer<typeof PortInfo>;

export const ClientInfo = z.object({
  name: z.string(),
  prettyName: z.string().nullable(),
  uuid: z.string().nullable(),
});
export type ClientInfo = z.infer<typeof ClientInfo>;

export const Connection = z.object({ source: z.string(), destination: z.string() });
export type Connection = z.infer<typeof Connection>;

export const GraphSnapshot = z.object({
  clients: z.array(ClientInfo),
  ports: z.array(PortInfo),
  connections: z.array(Connection),
});
export type GraphSnapshot = z.infer<typeof GraphSnapshot>;

/**
 * A change to the graph. Added or changed items carry their full new state;
 * removed ones only their identity. A port rename is a removal plus an addition.
 */
export const GraphPatch = z.object({
  clientsUpserted: z.array(ClientInfo),
  clientsRemoved: z.array(z.string()),
  portsUpserted: z.array(PortInfo),
  portsRemoved: z.array(z.string()),
  connectionsAdded: z.array(Connection),
  connectionsRemoved: z.array(Connection),
});
export type GraphPatch = z.infer<typeof GraphPatch>;

export const TransportStateName = z.enum(['stopped', 'rolling', 'starting', 'netstarting']);

export const TransportInfo = z.object({
  state: TransportStateName,
  frame: z.number(),
  frameRate: z.number(),
  bbt: z
    .object({
      bar: z.number(),
      beat: z.number(),
      tick: z.number(),
      beatsPerBar: z.number(),
      beatType: z.number(),
      beatsPerMinute: z.number(),
      ticksPerBeat: z.number(),
    })
    .nullable(),
  /**
   * Who fills in the BBT: Jackbay's own engine ('jackbay', after
   * setTimebaseMaster), another client ('other'), or nobody ('none').
   */
  timebase: z.enum(['jackbay', 'other', 'none']),
  /**
   * JACK's frame time (jack_last_frame_time) of the cycle `frame` describes:
   * with it a renderer places an event's frame time on the transport (BBT).
   */
  frameTime: z.number().optional(),
});
export type TransportInfo = z.infer<typeof TransportInfo>;

/**
 * Which server answers the JACK API, from the libjack loaded: PipeWire's
 * libjack ("3.0.0.0 (using PipeWire 0.3.65)"), JACK2's ("1.9.21"), or
 * another JACK. `version` is the server's own version (PipeWire's, not its
 * libjack's 3.0.0.0); null when the library does not say.
 */
export const ServerImplementation = z.object({
  kind: z.enum(['pipewire', 'jack2', 'jack']),
  version: z.string().nullable(),
});
export type ServerImplementation = z.infer<typeof ServerImplementation>;

export const ServerStatus = z.object({
  /** 'down': no server reachable; the service keeps trying and reconnects by itself. */
  server: z.enum(['up', 'down']),
  /** Why the server is down, for the "no server" screen. */
  reason: z.string().nullable(),
  serverName: z.string().nullable(),
  sampleRate: z.number(),
  bufferSize: z.number(),
  /** Buffer size / sample rate, in milliseconds. */
  latencyMs: z.number(),
  /** JACK's DSP load in percent. */
  dspLoad: z.number(),
  xrunCount: z.number().int(),
  lastXrunDelayUs: z.number().nullable(),
  /** True when the service runs its own private demo server. */
  demo: z.boolean(),
  /** The service's own JACK client (meter probes, test tones, thru routes); null while no server runs. */
  ownClient: z.string().nullable(),
  transport: TransportInfo.nullable(),
  /** What serves the JACK API; null while no server runs. */
  implementation: ServerImplementation.nullable(),
});
export type ServerStatus = z.infer<typeof ServerStatus>;

// ---- Never lose a patch: ghosts and re-made connections (restore.ts)

export const RestoreState = z.object({
  /** Remembered connections are re-made when their ports come back. */
  enabled: z.boolean(),
  /** Client-name regular expressions: the clients one matches count as one client. */
  mergeRules: z.array(z.string()),
  /** Clients seen before and absent now, with their ports as last seen. */
  ghosts: z.object({ clients: z.array(ClientInfo), ports: z.array(PortInfo) }),
  /** Remembered connections with an end on a ghost (drawn dashed). */
  connections: z.array(Connection),
  /** The latest re-making (for the status bar, and its undo). */
  lastRestore: z
    .object({
      id: z.number().int().positive(),
      /** The clients whose return it followed. */
      clients: z.array(z.string()),
      connections: z.array(Connection),
    })
    .nullable(),
});
export type RestoreState = z.infer<typeof RestoreState>;

// ---- Pretty names Jackbay set, and names that look stale (pretty-names.ts)

const NamedKind = z.enum(['port', 'client']);

/** A pretty name Jackbay set, kept by JACK name and set again when that client or port returns. */
export const RememberedPrettyName = z.object({
  kind: NamedKind,
  name: z.string(),
  prettyName: z.string(),
});

/**
 * A pretty name that most likely belongs to another client or port: JACK2
 * keeps metadata per UUID and reuses UUIDs, so after a restart a newcomer can
 * carry what was set for the one that held its UUID before.
 */
export const StalePrettyName = z.object({
  kind: NamedKind,
  /** Who shows it now. */
  name: z.string(),
  uuid: z.string(),
  prettyName: z.string(),
  /** The client or port it was set for (or seen on) under the same UUID. */
  setFor: z.string(),
});

export const PrettyNamesState = z.object({
  remembered: z.array(RememberedPrettyName),
  stale: z.array(StalePrettyName),
});
export type PrettyNamesState = z.infer<typeof PrettyNamesState>;

// ---- Tools on a port: test tones and thru routes (port-tools.ts)

export const ToneInfo = z.object({
  id: z.number().int(),
  /** The input ports it plays into (one, or a pair). */
  ports: z.array(z.string()),
  frequency: z.number(),
  /** dBFS (peak). */
  level: z.number(),
});
export type ToneInfo = z.infer<typeof ToneInfo>;

export const ThruInfo = z.object({
  id: z.number().int(),
  source: z.string(),
  destination: z.string(),
  type: z.enum(['audio', 'midi']),
});
export type ThruInfo = z.infer<typeof ThruInfo>;

/** Every tone playing and every thru route, made of the service's own ports. */
export const ToolsState = z.object({ tones: z.array(ToneInfo), thrus: z.array(ThruInfo) });
export type ToolsState = z.infer<typeof ToolsState>;

// ---- The meter bridge (bridge.ts)

export const BridgeMeterInfo = z.object({
  id: z.number().int().positive(),
  /** One audio port, or a stereo pair (left, right). */
  ports: z.array(z.string()),
  /** Why loudness is not measured (libebur128 missing), or null. */
  loudnessError: z.string().nullable(),
});
export type BridgeMeterInfo = z.infer<typeof BridgeMeterInfo>;

// ---- Server control: starting and stopping jackd from the app (server-control.ts)

/** The settings of a server Jackbay starts; remembered in the config directory's server.json. */
export const ServerSettings = z
  .object({
    driver: z.enum(JACK_DRIVERS),
    /** ALSA's device, `hw:N,M` or `hw:NAME` (needed for 'alsa'; the dummy driver ignores it). */
    device: z
      .string()
      .regex(/^hw:[A-Za-z0-9_]{1,32}(,\d{1,3}){0,2}$/, "must be an ALSA device like 'hw:0,0'")
      .nullable(),
    rate: z
      .number()
      .int()
      .refine((n) => (SAMPLE_RATES as readonly number[]).includes(n), {
        message: `must be one of ${SAMPLE_RATES.join(', ')}`,
      }),
    /** Frames per period. */
    period: z
      .number()
      .int()
      .refine((n) => (BUFFER_SIZES as readonly number[]).includes(n), {
        message: `must be a power of two from ${BUFFER_SIZES[0]} to ${BUFFER_SIZES.at(-1)}`,
      }),
    /** ALSA's number of periods per buffer (the dummy driver has none). */
    periods: z.number().int().min(PERIODS_RANGE.min).max(PERIODS_RANGE.max),
    /** jackd -R (realtime scheduling) or --no-realtime. */
    realtime: z.boolean(),
  })
  .strict();
export type ServerSettings = z.infer<typeof ServerSettings>;

/** A PCM device of a sound card, from /proc/asound. */
export const AudioDevice = z.object({
  /** What jackd's ALSA driver takes: `hw:card,device`. */
  id: z.string(),
  card: z.number().int(),
  device: z.number().int(),
  cardId: z.string(),
  cardName: z.string(),
  name: z.string(),
  playback: z.boolean(),
  capture: z.boolean(),
});
export type AudioDevice = z.infer<typeof AudioDevice>;
// ---- Presets (presets/)

export const PresetSummary = z.object({
  name: z.string(),
  savedAt: z.string(),
  /** The format it was imported from, or null when saved here. */
  importedFrom: z.string().nullable(),
  connections: z.number().int(),
  /** Rules matching clients and ports by regular expression (from QjackCtl). */
  patterns: z.number().int(),
  exclusive: z.number().int(),
});
export type PresetSummary = z.infer<typeof PresetSummary>;

export const PresetsState = z.object({
  presets: z.array(PresetSummary),
  /** Files that could not be read, set aside as `<file>.corrupt-<date>` in the presets directory. */
  corrupt: z.array(z.object({ name: z.string(), file: z.string(), reason: z.string().nullable() })),
  /** The active preset: its connections are re-made whenever matching clients appear. */
  active: z.string().nullable(),
});
export type PresetsState = z.infer<typeof PresetsState>;

/** What loading a preset changes now. */
export const PresetDiff = z.object({
  /** Connections it would make. */
  add: z.array(Connection),
  /** Connections "exact" would remove (made now, not in the preset). */
  remove: z.array(Connection),
  /** Connections and rules whose ports do not exist now (a rule's ends as `client:port` patterns). */
  missing: z.array(z.object({ source: z.string(), destination: z.string(), pattern: z.boolean() })),
});
export type PresetDiff = z.infer<typeof PresetDiff>;

export const PresetFile = PresetModel;
export type PresetFile = z.infer<typeof PresetModel>;

// ---- Errors (the list of codes is in error-codes.ts, which renderers import without zod)

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;
export { isErrorCode } from './error-codes.js';

export const RpcError = z.object({ code: ErrorCode, message: z.string() });
export type RpcError = z.infer<typeof RpcError>;

// The state of server control; after the errors, which it carries.
export const ServerControlState = z.object({
  settings: ServerSettings,
  /** A jackd Jackbay started runs (it stops when Jackbay stops). */
  startedByJackbay: z.boolean(),
  /** Jackbay is connected to a server of its server name (started by it or found). */
  running: z.boolean(),
  /** A start or a stop is under way. */
  busy: z.boolean(),
  devices: z.array(AudioDevice),
  /** The last start or stop that failed (jackd's own message included), or how Jackbay's server ended unasked. */
  lastError: RpcError.nullable(),
  /** The remembered settings could not be read: why, and where the file was set aside. */
  settingsProblem: z.string().nullable(),
});
export type ServerControlState = z.infer<typeof ServerControlState>;

// ---- Requests: name → params schema and result schema

// JACK's names and values are C strings: a NUL byte would make 'peer:out\0x'
// act on peer:out. Refused here, at the boundary (and again by the addon).
const NO_NUL = /^[^\0]*$/;
const JackString = z.string().regex(NO_NUL, 'must not contain a NUL byte');
const PortName = JackString.min(1).max(1024);
const ToolId = z.object({ id: z.number().int().positive() }).strict();
const PresetFormatName = z.enum(['json', 'qjackctl', 'aj-snapshot', 'qpwgraph', 'jackpatch']);
/** A file's text, given whole (Electron) or as an upload of parts (the WebSocket's messages are small). */
const ImportSource = {
  format: z.union([PresetFormatName, z.literal('auto')]),
  text: z.string().max(MAX_PRESET_BYTES).optional(),
  upload: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
};
const oneSource = (s: { text?: string; upload?: string }) =>
  (s.text === undefined) !== (s.upload === undefined);
const ONE_SOURCE = 'give either text or upload';
const ToneSettings = {
  /** Hz; above half the sample rate is refused by the service. */
  frequency: z.number().min(1).max(96000),
  /** dBFS (peak). */
  level: z.number().min(-120).max(0),
};

export const requests = {
  getSnapshot: { params: z.object({}).strict(), result: GraphSnapshot },
  getStatus: { params: z.object({}).strict(), result: ServerStatus },
  connect: {
    params: z.object({ source: PortName, destination: PortName }).strict(),
    result: z.null(),
  },
  disconnect: {
    params: z.object({ source: PortName, destination: PortName }).strict(),
    result: z.null(),
  },
  /** Removes every connection of one port. */
  disconnectAll: { params: z.object({ port: PortName }).strict(), result: z.null() },
  /** Sets (or with null, removes) the JACK metadata pretty name of a port or a client. */
  setPrettyName: {
    params: z
      .object({
        kind: z.enum(['port', 'client']),
        name: PortName,
        prettyName: JackString.max(256).nullable(),
      })
      .strict(),
    result: z.null(),
  },
  /** Pretty names Jackbay set (re-applied when their client returns) and stale ones (also the `prettyNames` event). */
  getPrettyNames: { params: z.object({}).strict(), result: PrettyNamesState },
  transportStart: { params: z.object({}).strict(), result: z.null() },
  transportStop: { params: z.object({}).strict(), result: z.null() },
  transportLocate: {
    params: z.object({ frame: z.number().int().min(0).max(0xffffffff) }).strict(),
    result: z.null(),
  },
  /**
   * Makes Jackbay the timebase master (its engine fills in BBT from the tempo
   * of setTempo), or gives that up. Taking it is conditional: while another
   * client is master the answer is the error 'timebase-busy'.
   */
  setTimebaseMaster: {
    params: z.object({ master: z.boolean() }).strict(),
    result: z.null(),
  },
  /** The tempo Jackbay reports as timebase master ('not-timebase-master' otherwise). */
  setTempo: {
    params: z
      .object({
        beatsPerMinute: z.number().min(1).max(999).optional(),
        beatsPerBar: z.number().int().min(1).max(32).optional(),
        beatType: z
          .number()
          .int()
          .refine((n) => [1, 2, 4, 8, 16, 32].includes(n), 'must be 1, 2, 4, 8, 16 or 32')
          .optional(),
      })
      .strict(),
    result: z.null(),
  },
  setBufferSize: {
    params: z
      .object({
        frames: z
          .number()
          .int()
          .min(16)
          .max(8192)
          .refine((n) => (n & (n - 1)) === 0, 'must be a power of two'),
      })
      .strict(),
    result: z.null(),
  },
  /**
   * The audio ports this page wants metered, in the order its meter frames
   * carry them; replaces the page's previous set ([] stops its frames). The
   * frames (meter-frame.ts) go to this page only, as binary messages, tagged
   * with the generation answered here.
   */
  setMeters: {
    params: z
      .object({
        ports: z
          .array(PortName)
          .max(MAX_METERED_PORTS)
          .refine((ports) => new Set(ports).size === ports.length, 'ports must not repeat'),
      })
      .strict(),
    result: z.object({ generation: z.number().int().nonnegative() }),
  },
  /**
   * The MIDI output ports this page's MIDI monitor watches; a frame's port
   * index is a position in this list. Replaces the page's previous set ([]
   * stops its frames). The frames (midi-frame.ts) go to this page only, as
   * binary messages, tagged with the generation answered here.
   */
  setMidiMonitor: {
    params: z
      .object({
        ports: z
          .array(PortName)
          .max(MAX_MONITORED_PORTS)
          .refine((ports) => new Set(ports).size === ports.length, 'ports must not repeat'),
      })
      .strict(),
    result: z.object({ generation: z.number().int().nonnegative() }),
  },
  /** Every tone and thru route (also sent as the `tools` event when it changes). */
  getTools: { params: z.object({}).strict(), result: ToolsState },
  /**
   * A sine into one input port or a pair; it belongs to the page that asked
   * and stops when that page goes away.
   */
  startTone: {
    params: z
      .object({
        ports: z
          .array(PortName)
          .min(1)
          .max(2)
          .refine((ports) => new Set(ports).size === ports.length, 'ports must not repeat'),
        ...ToneSettings,
      })
      .strict(),
    result: z.object({ id: z.number().int().positive() }),
  },
  setTone: { params: ToolId.extend(ToneSettings).strict(), result: z.null() },
  stopTone: { params: ToolId, result: z.null() },
  /** Audio or MIDI from an output port to an input port through the service's own ports. */
  addThru: {
    params: z.object({ source: PortName, destination: PortName }).strict(),
    result: z.object({ id: z.number().int().positive() }),
  },
  removeThru: { params: ToolId, result: z.null() },
  /**
   * Puts one audio port or a stereo pair (left, right) on this page's meter
   * bridge: levels, K-meter, true peak and EBU R128 loudness, sent as binary
   * bridge frames (bridge-frame.ts) on the page's meter channel. It belongs
   * to the page and goes away when the page closes. `loudnessError` says why
   * loudness is not measured (libebur128 missing), else null.
   */
  addBridgeMeter: {
    params: z
      .object({
        ports: z
          .array(PortName)
          .min(1)
          .max(2)
          .refine((ports) => new Set(ports).size === ports.length, 'ports must not repeat'),
      })
      .strict(),
    result: BridgeMeterInfo,
  },
  removeBridgeMeter: { params: ToolId, result: z.null() },
  /** Starts a bridge meter's integrated loudness and loudness range afresh. */
  resetLoudness: { params: ToolId, result: z.null() },
  /** This page's bridge meters, in the order its bridge frames carry them. */
  getBridge: { params: z.object({}).strict(), result: z.array(BridgeMeterInfo) },
  /** Ghosts and the remembered connections that lead to them (also the `restore` event). */
  getRestore: { params: z.object({}).strict(), result: RestoreState },
  /** Turns the re-making of remembered connections on or off. */
  setRestore: { params: z.object({ enabled: z.boolean() }).strict(), result: z.null() },
  setMergeRules: {
    params: z.object({ rules: z.array(z.string().max(1024)).max(256) }).strict(),
    result: z.null(),
  },
  /** Forgets a client that went away, and every connection remembered for it. */
  dismissGhost: { params: z.object({ client: PortName }).strict(), result: z.null() },
  /** Forgets one remembered connection (a dashed ghost edge). */
  forgetConnection: {
    params: z.object({ source: PortName, destination: PortName }).strict(),
    result: z.null(),
  },
  /** Removes the connections of the last re-making (which forgets them). */
  undoRestore: { params: ToolId, result: z.null() },
  /**
   * Opens a MIDI sender into one MIDI input port of another client (the
   * service's own MIDI output, connected to it); it belongs to the page that
   * asked and stops when that page goes away.
   */
  startMidiSend: {
    params: z.object({ port: PortName }).strict(),
    result: z.object({ id: z.number().int().positive() }),
  },
  /**
   * Queues one short MIDI message (status byte and its data bytes, sysex
   * refused) for the next cycle. `queued` is false when the sender's queue was
   * full: then it is counted in `dropped` (every drop of this sender so far).
   */
  sendMidi: {
    params: ToolId.extend({
      bytes: z.array(z.number().int().min(0).max(255)).min(1).max(3),
    }).strict(),
    result: z.object({ queued: z.boolean(), dropped: z.number().int().nonnegative() }),
  },
  /** Turns off the notes the sender left on, then disconnects and frees its port. */
  stopMidiSend: { params: ToolId, result: z.null() },
  /** Server control: the settings, whether Jackbay started the server, the sound cards. */
  getServerControl: { params: z.object({}).strict(), result: ServerControlState },
  /** Remembers the settings for the next start (a running server keeps its own). */
  setServerSettings: { params: ServerSettings, result: ServerControlState },
  /** Starts jackd with the settings under the service's server name. */
  startServer: { params: z.object({}).strict(), result: ServerControlState },
  /**
   * Stops the server. One Jackbay did not start is stopped only with
   * `confirm: true`; without it the answer is 'confirm-needed' and nothing changes.
   */
  stopServer: {
    params: z.object({ confirm: z.boolean().optional() }).strict(),
    result: ServerControlState,
  },
  /** Sets Jackbay's xrun count back to zero; JACK's own statistics (jackdbus's count) are not touched. */
  resetXruns: { params: z.object({}).strict(), result: z.null() },
  /** Saved presets, files set aside as corrupt, and the active preset (also the `presets` event). */
  listPresets: { params: z.object({}).strict(), result: PresetsState },
  /**
   * Saves the current connections (not the service's own) and pretty names
   * as a preset, with the page's box positions; replaces one of that name.
   */
  savePreset: {
    params: z
      .object({
        name: PresetName,
        positions: z
          .record(
            z.string().max(1100),
            z.object({ x: z.number().finite(), y: z.number().finite() }),
          )
          .optional(),
      })
      .strict(),
    result: PresetSummary,
  },
  /** The whole preset (its positions for the page, its connections and rules). */
  getPreset: { params: z.object({ name: PresetName }).strict(), result: PresetModel },
  /** What loading a saved preset, or a file not imported yet, would change now. */
  previewPreset: {
    params: z.union([
      z.object({ name: PresetName }).strict(),
      z.object(ImportSource).strict().refine(oneSource, ONE_SOURCE),
    ]),
    result: PresetDiff,
  },
  /**
   * Makes the preset's connections whose ports exist; 'exact' also removes
   * every other connection. Answers what was really done (an undo inverts it).
   */
  loadPreset: {
    params: z.object({ name: PresetName, mode: z.enum(['add-only', 'exact']) }).strict(),
    result: z.object({ added: z.array(Connection), removed: z.array(Connection) }),
  },
  deletePreset: { params: z.object({ name: PresetName }).strict(), result: z.null() },
  /** Makes a preset active (null: none); it is remembered across restarts. */
  setActivePreset: {
    params: z.object({ name: PresetName.nullable() }).strict(),
    result: z.null(),
  },
  /** Appends one part of a file to an upload (for importPreset and previewPreset). */
  uploadPart: {
    params: z
      .object({
        upload: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
        text: z.string().max(1024 * 1024),
      })
      .strict(),
    result: z.object({ received: z.number().int() }),
  },
  /** Imports a file of another patchbay (or a Jackbay preset) as a saved preset. */
  importPreset: {
    params: z
      .object({ ...ImportSource, name: PresetName })
      .strict()
      .refine(oneSource, ONE_SOURCE),
    result: z.object({ preset: PresetSummary, skipped: z.number().int() }),
  },
  exportPreset: {
    params: z.object({ name: PresetName, format: z.enum(['json', 'qjackctl']) }).strict(),
    result: z.object({ text: z.string(), fileName: z.string() }),
  },
} as const;

export type RequestName = keyof typeof requests;
export type RequestParams<M extends RequestName> = z.infer<(typeof requests)[M]['params']>;
export type RequestResult<M extends RequestName> = z.infer<(typeof requests)[M]['result']>;
export const requestNames = Object.keys(requests) as RequestName[];

// ---- Events: name → payload schema

export const events = {
  /** Coalesced graph changes, at most 60 per second. */
  graphPatch: GraphPatch,
  /** Server state, rates, DSP load, xruns and transport; sent on change and about 10 times a second. */
  status: ServerStatus,
  /** Tones and thru routes, sent whenever one starts, changes or stops. */
  tools: ToolsState,
  /** Ghosts, remembered connections to them and the latest re-making, sent when they change. */
  restore: RestoreState,
  /** Server control's state, sent when a server Jackbay controls starts, stops or fails. */
  serverControl: ServerControlState,
  /** The saved presets or the active one changed. */
  presets: PresetsState,
  /** Pretty names Jackbay set and the stale ones, sent when they change. */
  prettyNames: PrettyNamesState,
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

// ---- Wire format (WebSocket; Electron IPC carries params and results directly)

export const RequestMessage = z
  .object({ id: z.number().int().nonnegative(), method: z.string(), params: z.unknown() })
  .strict();
export type RequestMessage = z.infer<typeof RequestMessage>;

/** A response as every transport carries it: the result, or the error as data. */
export type ResponseBody = { result: unknown } | { error: RpcError };

/** On the WebSocket a response also carries its request's id. */
export type ResponseMessage = ResponseBody & { id: number };

export type EventMessage = { event: EventName; data: unknown };

/** What every front end's transport offers the renderer. */
export interface JackbayApi {
  request<M extends RequestName>(method: M, params: RequestParams<M>): Promise<RequestResult<M>>;
  subscribe<E extends EventName>(
    event: E,
    listener: (payload: EventPayload<E>) => void,
  ): () => void;
  /**
   * A renderer's transport: the binary meter frames for this page's
   * `setMeters` (decode with '@jackbay/core/meter-frame').
   */
  onMeterFrame?(listener: (frame: ArrayBuffer | Uint8Array) => void): () => void;
  /**
   * A renderer's transport: the binary MIDI frames for this page's
   * `setMidiMonitor` (decode with '@jackbay/core/midi-frame').
   */
  onMidiFrame?(listener: (frame: ArrayBuffer | Uint8Array) => void): () => void;
}

/** Validates a request's params; returns the parsed params or an RpcError. */
export function parseRequest(
  method: string,
  params: unknown,
): { ok: true; method: RequestName; params: unknown } | { ok: false; error: RpcError } {
  if (!Object.hasOwn(requests, method))
    return { ok: false, error: { code: 'unknown-method', message: `unknown method '${method}'` } };
  const name = method as RequestName;
  const parsed = requests[name].params.safeParse(params ?? {});
  if (!parsed.success)
    return {
      ok: false,
      error: { code: 'bad-request', message: `${method}: ${z.prettifyError(parsed.error)}` },
    };
  return { ok: true, method: name, params: parsed.data };
}
