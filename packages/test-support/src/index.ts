// Test support shared by the packages' tests: private JACK servers (JACK2 or
// PipeWire), the metadata lock, and peers that check us from outside.
export * from './jack-server.js';
export * from './measure.js';
export * from './metadata-lock.js';
export * from './peer.js';
export * from './pipewire-server.js';
export * from './sanitizer.js';
export * from './server-differences.js';
