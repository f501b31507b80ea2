// @jackbay/jack-native: the API of the Python `jack` module, in TypeScript.

export type {
  AnalyserChannel,
  AnalyserOptions,
  AnalyserReading,
  AnalyserTap,
} from './analyser.js';
export { Analyser } from './analyser.js';
export type { ClientOptions, GetPortsOptions } from './client.js';
export { Client } from './client.js';
export type { MonitoredMidiEvent, SineOptions, Tempo } from './engine.js';
export {
  dbToGain,
  gainToDb,
  MeterTap,
  MidiMonitor,
  MidiSender,
  SineGenerator,
  Stream,
  Thru,
} from './engine.js';
export type { JackErrorKind } from './errors.js';
export { CallbackExit, JackError, JackErrorCode, JackOpenError } from './errors.js';
export type { JackLibraryInfo } from './library.js';
export {
  clientNameSize,
  clientPid,
  libraryInfo,
  portNameSize,
  setErrorFunction,
  setInfoFunction,
  version,
  versionString,
} from './library.js';
export type { Property, Subject } from './metadata.js';
export {
  getAllProperties,
  getProperties,
  getProperty,
  METADATA_CONNECTED,
  METADATA_EVENT_TYPES,
  METADATA_HARDWARE,
  METADATA_ICON_LARGE,
  METADATA_ICON_NAME,
  METADATA_ICON_SMALL,
  METADATA_ORDER,
  METADATA_PORT_GROUP,
  METADATA_PRETTY_NAME,
  METADATA_SIGNAL_TYPE,
  PROPERTY_CHANGED,
  PROPERTY_CREATED,
  PROPERTY_DELETED,
} from './metadata.js';
export type { ClientEvent, ClientEvents, Listener, ListenerOptions } from './notifications.js';
export type { LatencyMode, LatencyRange } from './port.js';
export {
  AUDIO_TYPE,
  MIDI_TYPE,
  MidiPort,
  OtherPort,
  OwnMidiPort,
  OwnPort,
  PORT_CAN_MONITOR,
  PORT_IS_INPUT,
  PORT_IS_OUTPUT,
  PORT_IS_PHYSICAL,
  PORT_IS_TERMINAL,
  Port,
} from './port.js';
export type { RegisterOptions } from './ports.js';
export { Ports } from './ports.js';
export type { ProcessCallback } from './process.js';
export { RingBuffer } from './ringbuffer.js';
export { NETSTARTING, ROLLING, STARTING, STOPPED, Status, TransportState } from './status.js';
export type { TimebaseCallback } from './timebase-sync.js';
export type { Position, PositionDict } from './transport.js';
export {
  POSITION_AUDIO_VIDEO_RATIO,
  POSITION_BBT,
  POSITION_BBT_FRAME_OFFSET,
  POSITION_TIMECODE,
  POSITION_VIDEO_FRAME_OFFSET,
  position2dict,
} from './transport.js';
