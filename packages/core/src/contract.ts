// The contract between the Jackbay service and any front end (Electron IPC or
// the web host's WebSocket): every request, its response, every event, and the
// schemas that validate them at the boundary. The renderer imports only types
// and schemas from here, never the service.
import { z } from 'zod';
import { ERROR_CODES } from './error-codes.js';
import { MAX_METERED_PORTS } from './meter-frame.js';
import { MAX_MONITORED_PORTS } from './midi-frame.js';

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

// ---- Errors (the list of codes is in error-codes.ts, which renderers import without zod)

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;
export { isErrorCode } from './error-codes.js';

export const RpcError = z.object({ code: ErrorCode, message: z.string() });
export type RpcError = z.infer<typeof RpcError>;

// ---- Requests: name → params schema and result schema

// JACK's names and values are C strings: a NUL byte would make 'peer:out\0x'
// act on peer:out. Refused here, at the boundary (and again by the addon).
const NO_NUL = /^[^\0]*$/;
const JackString = z.string().regex(NO_NUL, 'must not contain a NUL byte');
const PortName = JackString.min(1).max(1024);
const ToolId = z.object({ id: z.number().int().positive() }).strict();
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
