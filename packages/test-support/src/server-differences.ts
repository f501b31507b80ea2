// What PipeWire's JACK API (Debian 12's 0.3.65, as tested) does differently
// from JACK2, for tests that cannot hold there. Such a test is skipped on
// PipeWire only, never silently: its name carries the difference.
import { testServerKind } from './jack-server.js';
import { PIPEWIRE_SINK } from './pipewire-server.js';

/** Each documented difference, as the skipped test's name says it. */
export const PIPEWIRE_DIFFERENCES = {
  noSystemClient:
    'no `system` client: device ports belong to their node (here nullsink:playback_FL/FR and ' +
    'monitor_FL/FR), named by channel, not numbered',
  namesNotUnique:
    'a taken client name is neither made unique nor refused with JackUseExactName: ' +
    'two clients share the name',
  sessionIdIgnored: 'the sessionId option does not become the client UUID',
  alwaysRealtime: 'jack_is_realtime is true: PipeWire has no --no-realtime server',
  frameTimeJumps:
    'jack_frame_time read a cycle apart right after activation went backwards (33280, then 12210)',
  bufferSizeAsync:
    'jack_set_buffer_size is asynchronous: the client reads the old size right after it, the ' +
    'new quantum comes some cycles later (and a client opened meanwhile reads the default)',
  inactivePortsConnectable:
    'a port of a client that was never activated can be connected from outside (jack_connect ' +
    'succeeds)',
  closedUuidKnown:
    'a closed client’s UUID and name still resolve (jack_get_client_name_by_uuid, ' +
    'jack_get_uuid_for_client_name) right after jack_client_close',
  noMonitorFlag: 'no port has JackPortCanMonitor, and jack_port_request_monitor is not seen',
  renameLogsOnly:
    'jack_port_rename only logs "deprecated" and renames the port inside the calling process: ' +
    'other clients keep the old name (the library undoes it and throws unsupported, tested)',
  aliasesFixed:
    'ports carry fixed aliases (e.g. nullsink:playback_0 and the name itself): ' +
    'jack_port_set_alias/unset_alias change nothing and a third alias is refused',
  portFlagsDiffer: 'port flags differ from what the port was registered with',
  latencyIgnored: 'a latency range set on a port is not read back by other clients',
  longerNames:
    'client names may have 256 bytes and port names 512 (clientNameSize 257, portNameSize 513)',
  duplicatePortNames: 'a port with a short name its client already has is not refused',
  metadataDiffers:
    'metadata removal does not take effect (removeProperty, removeProperties count 0, ' +
    'removeAllProperties) and a value with a binary type reads back as null',
  noMessages: 'libjack reports through PipeWire’s log, not jack_set_error_function/info_function',
  noServerPid: 'jack_get_client_pid of another client gives 0 and reports nothing',
  noteOffRewritten:
    'a note-on with velocity 0 arrives as a note-off with velocity 64 (PipeWire’s MIDI path ' +
    'rewrites it)',
  fullMidiCyclesLose:
    'cycles filled with MIDI up to the JACK buffer lost events between two clients (42 of 6000, ' +
    'in one of two runs; the rest in order)',
  midiMixdownOverflow:
    'two bursts of 1500 MIDI events sent into one port over two connections reached the ' +
    'process callback as no events at all, so the mixdown’s lost-event count cannot be shown',
  locateWhileStopped:
    'jack_get_current_transport_frame reads 0 after a locate while the transport is stopped ' +
    '(pipewire-jack.c at 0.3.65, jack_get_current_transport_frame: the segment start is ' +
    'subtracted from a smaller running count, unsigned; jack_transport_query has the frame; ' +
    'the library reads it there, as JACK2 does when not rolling)',
  inactiveTransportZero:
    'a client that was never activated has no driver and reads a zeroed position from ' +
    'jack_transport_query (frame 0, stopped), wherever the transport is (pipewire-jack.c, ' +
    'jack_transport_query: no driver activation, memset)',
  locateNeedsItsClient:
    'a locate is carried out by the driver only while the client that asked is still in its ' +
    'graph (jack_transport_reposition leaves the request in the client’s own activation and ' +
    'only its id with the driver, impl-node.c node_ready): jack_transport quitting right ' +
    'after `locate` loses it',
  negativeErrors:
    'errors come back as negative errno values: jack_release_timebase by a client that is not ' +
    'the master returns -EINVAL (-22), JACK2 EINVAL (22)',
  freewheelOwnOnly:
    'jack_set_freewheel moves only the calling client into the freewheel driver (it sets its ' +
    'own node.group to pipewire.freewheel): other clients get no freewheel callback',
  syncTimeoutInNanoseconds:
    'jack_set_sync_timeout stores its microseconds as nanoseconds, and the driver caps the ' +
    'timeout at 5 s (DEFAULT_SYNC_TIMEOUT): the library passes nanoseconds there',
  asyncRegistry:
    'a port another client has just registered is unknown to this client for a moment ' +
    '(PipeWire’s registry reaches each libjack asynchronously): jack_port_by_name and ' +
    'jack_connect by name fail until it arrives',
  asyncLinks:
    'jack_connect returns before the link carries audio: a meter window read right after it ' +
    'holds silent cycles from before the link',
  linkChangesSkipCycles:
    'a client whose port gains or loses a link may miss cycles of its driver (1 to 7 at a time ' +
    'seen at most link changes, none at others: its jack_last_frame_time jumps) while clients ' +
    'whose ports are not relinked run on',
  xrunsNotReported:
    'a peer sleeping 30 ms in every process callback gives other clients no xrun callback',
  libjackWritesOnProcessThread:
    'libjack itself calls write() on the process thread between callbacks, once a cycle (939 ' +
    'in 933 cycles; it wakes the next node through an eventfd): no malloc or lock there, and ' +
    'none of these calls inside the callbacks',
  slowerRegistry:
    'a new client’s ports reached the graph later than JACK2’s 1 s promise (1.09 s seen)',
  noShutdownNotice:
    'no client hears of the server’s end: after PipeWire was stopped (SIGTERM) or killed ' +
    '(SIGKILL), neither our client nor a Python peer got a shutdown callback within 8 s, and ' +
    'our client still read its samplerate (48000)',
  noServerStart:
    'PIPEWIRE_REMOTE outranks the server name: a client asking for a server that does not run, ' +
    'with noStartServer and without, was connected to the PipeWire PIPEWIRE_REMOTE names ' +
    '(serverStarted false): neither the refusal nor a started server shows',
  bbtRewritten:
    'a timebase master’s BBT reaches other clients recomputed: at 150 BPM with 960 ticks per ' +
    'beat set, they read ticks_per_beat 1920 and ticks advancing twice as fast (255 per 2560 ' +
    'frames, not 128), and a locate while stopped is lost (frame 0 after locating to 96000)',
  conditionalTimebaseTaken:
    'a conditional jack_set_timebase_callback succeeds while another client is timebase master',
  deviceLatencyZero:
    'the device (the null sink) reports latency [0 0] on every port, for capture and playback ' +
    '(JACK2’s dummy driver: one period)',
} as const;

export type PipeWireDifference = keyof typeof PIPEWIRE_DIFFERENCES;

/** True when the tests run against PipeWire's JACK API. */
export const onPipeWire = (): boolean => testServerKind() === 'pipewire';

/**
 * A test's name, saying on PipeWire which of its checks does not hold there
 * (the test leaves that check out on PipeWire only):
 *   it(withoutOnPipeWire('rolls after the walk-through', 'xrunsNotReported'), …)
 */
export function withoutOnPipeWire(name: string, difference: PipeWireDifference): string {
  if (!onPipeWire()) return name;
  return `${name} [on PipeWire without one check: ${PIPEWIRE_DIFFERENCES[difference]}]`;
}

/** A test or suite body, as vitest's `it` and `describe` take it. */
type Body = () => void | Promise<void>;

/** A vitest `it` or `describe`: the shape unlessPipeWire needs of it. */
interface Registrar {
  (name: string, body: Body, timeout?: number): void;
  skip: (name: string, body: Body, timeout?: number) => void;
}

/**
 * `it` (or `describe`) as it is on JACK2; on PipeWire the same call skips,
 * with the PipeWire difference named in the test's title:
 *   unlessPipeWire(it, 'renameLogsOnly')('renames a port', () => …)
 */
export function unlessPipeWire(
  register: Registrar,
  difference: PipeWireDifference,
): (name: string, body: Body, timeout?: number) => void {
  if (!onPipeWire()) return register;
  return (name, body, timeout) =>
    register.skip(
      `${name} [skipped on PipeWire: ${PIPEWIRE_DIFFERENCES[difference]}]`,
      body,
      timeout,
    );
}

/**
 * Two device ports of each direction: JACK2's dummy driver has
 * system:capture_1/2 and system:playback_1/2; the private PipeWire has no
 * `system` client, and its null sink's monitor ports stand in for capture.
 */
export function devicePorts(): { capture: [string, string]; playback: [string, string] } {
  if (!onPipeWire())
    return {
      capture: ['system:capture_1', 'system:capture_2'],
      playback: ['system:playback_1', 'system:playback_2'],
    };
  return {
    capture: [`${PIPEWIRE_SINK}:monitor_FL`, `${PIPEWIRE_SINK}:monitor_FR`],
    playback: [`${PIPEWIRE_SINK}:playback_FL`, `${PIPEWIRE_SINK}:playback_FR`],
  };
}
